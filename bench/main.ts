/**
 * `npm run bench`: runs every benchmark module under bench/ and prints its figures
 * (`npm run bench podspec` runs the modules whose names start with `podspec`). Each module
 * exports `run(): Promise<void>` and prints its own lines. Each runs in a process of its
 * own, so one module's memory figures never include what another loaded.
 */
import { fork } from "node:child_process"
import { readdirSync } from "node:fs"

const moduleFlag = "--module"

const runOne = async (file: string) => {
  const module: { run?: () => Promise<void> } = await import(`./${file}`)
  await module.run?.()
  // A benchmark may leave a server socket or timer behind; its figures are printed.
  process.exit(0)
}

const runEach = async (only: ReadonlyArray<string>) => {
  const modules = readdirSync(new URL(".", import.meta.url))
    .filter((file) => file.endsWith(".ts") && file !== "main.ts")
    .filter((file) => only.length === 0 || only.some((name) => file.startsWith(name)))
    .sort()
  for (const file of modules) {
    process.stdout.write(`\n== ${file.replace(/\.ts$/, "")}\n`)
    const child = fork(new URL(import.meta.url).pathname, [moduleFlag, file], {
      stdio: "inherit",
      execArgv: process.execArgv,
    })
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve))
    if (code !== 0) process.exitCode = code ?? 1
  }
}

const at = process.argv.indexOf(moduleFlag)
const file = at < 0 ? undefined : process.argv[at + 1]
if (file === undefined) await runEach(process.argv.slice(2))
else await runOne(file)
