import { execFile } from "node:child_process"
import { readFile } from "node:fs/promises"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { assert, describe, it } from "@effect/vitest"
import { memo } from "./objects.ts"

const run = promisify(execFile)
const root = fileURLToPath(new URL("../..", import.meta.url))

const read = (path: string): Promise<string> => readFile(join(root, path), "utf8")

/** The files `npm pack` would publish, as listed by its dry run. */
const packed = memo(async (): Promise<ReadonlySet<string>> => {
  const { stdout } = await run("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    cwd: root,
    maxBuffer: 16 * 1024 * 1024,
  })
  const [pack] = JSON.parse(stdout) as ReadonlyArray<{ files: ReadonlyArray<{ path: string }> }>
  return new Set(pack?.files.map((f) => f.path))
})

/** Committed files under a folder; files others are still writing do not count. */
const trackedUnder = async (dir: string): Promise<ReadonlyArray<string>> => {
  const { stdout } = await run("git", ["ls-files", "--", dir], { cwd: root })
  return stdout.split("\n").filter((line) => line !== "")
}

/** Sources of the Dockerfile's COPY instructions taken from the build context. */
const copiedFromContext = async (): Promise<ReadonlyArray<string>> =>
  (await read("Dockerfile"))
    .split("\n")
    .filter((line) => line.startsWith("COPY ") && !line.includes("--from="))
    .flatMap((line) => line.split(/\s+/).slice(1, -1))

describe("container image", () => {
  describe("Dockerfile", () => {
    it("pins the Node version the project runs on", async () => {
      const manifest = JSON.parse(await read("package.json"))
      const pinned = (await read("Dockerfile")).match(/^FROM node:(\S+)-slim/gm) ?? []
      assert.lengthOf(pinned, 2)
      for (const from of pinned) {
        assert.strictEqual(from, `FROM node:${manifest.devDependencies.node}-slim`)
      }
    })

    it("installs production dependencies only and runs the controller as a non-root user", async () => {
      const dockerfile = await read("Dockerfile")
      assert.include(dockerfile, "npm ci --omit=dev")
      assert.match(dockerfile, /^USER 1000:1000$/m)
      assert.match(dockerfile, /^ENTRYPOINT \["node", "src\/main.ts"\]$/m)
      assert.match(dockerfile, /^CMD \["controller"\]$/m)
    })

    it("copies only what the build context lets through", async () => {
      const allowed = (await read(".dockerignore"))
        .split("\n")
        .filter((line) => line.startsWith("!"))
        .map((line) => line.slice(1).replace(/\/$/, ""))
      for (const source of await copiedFromContext()) {
        assert.include(allowed, source.replace(/\/$/, ""), source)
      }
    })
  })

  describe("npm pack", () => {
    it("includes everything the image copies except the lock file", async () => {
      const files = [...(await packed())]
      for (const source of await copiedFromContext()) {
        if (source === "package-lock.json") continue
        assert.isTrue(
          files.some((file) => file === source || file.startsWith(`${source}/`)),
          `${source} is not packed`,
        )
      }
    })

    it("includes the entry point, the bin script and every committed source file", async () => {
      const files = await packed()
      for (const file of ["package.json", "bin/agent-stack-k8s.js", "src/main.ts"]) {
        assert.isTrue(files.has(file), file)
      }
      for (const file of await trackedUnder("src")) assert.isTrue(files.has(file), file)
    })

    // examples/ is documentation and may show how a test of an example is written,
    // so only the runtime folders are required to be free of tests.
    it("leaves the test suite, the chart and tooling out of the runtime", async () => {
      for (const file of await packed()) {
        assert.notMatch(file, /^(test|chart|scripts)\/|^Dockerfile$/, file)
        if (/^(src|bin)\//.test(file)) assert.notMatch(file, /\.test\.ts$/, file)
      }
    })
  })
})
