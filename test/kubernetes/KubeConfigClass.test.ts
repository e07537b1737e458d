import { execFile } from "node:child_process"
import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { assert, describe, it } from "@effect/vitest"

const root = fileURLToPath(new URL("../..", import.meta.url))

const kubeconfig = `apiVersion: v1
kind: Config
clusters:
  - name: c
    cluster: { server: "https://127.0.0.1:6443", insecure-skip-tls-verify: true }
users:
  - name: u
    user: { token: secret-token }
contexts:
  - name: x
    context: { cluster: c, user: u, namespace: ns }
current-context: x
`

// Run in a fresh process: in this one the library's index is loaded already, and with it
// every generated file, so the hook would have nothing to prevent.
const script = `
import { registerHooks } from "node:module"
const loaded = []
registerHooks({ load: (url, context, next) => { loaded.push(url); return next(url, context) } })
const { Effect } = await import("effect")
const { loadDefaultKubeConfig } = await import(${JSON.stringify(new URL("../../src/kubernetes/Kubernetes.ts", import.meta.url).href)})
const { HttpMethod, RequestContext } = await import("@kubernetes/client-node/dist/gen/http/http.js")
const kc = await Effect.runPromise(loadDefaultKubeConfig)
const context = new RequestContext(kc.getCurrentCluster().server + "/api", HttpMethod.GET)
await kc.applySecurityAuthentication(context)
console.log(JSON.stringify({
  server: kc.getCurrentCluster().server,
  namespace: kc.getContextObject(kc.getCurrentContext()).namespace,
  authorization: context.getHeaders().Authorization,
  dispatcher: context.getDispatcher() !== undefined,
  generated: loaded.filter((url) => /client-node\\/dist\\/gen\\/(models|apis|types)\\//.test(url) && !url.endsWith("/apis/exception.js")).length,
  configLoaded: loaded.some((url) => url.endsWith("client-node/dist/config.js")),
}))
`

describe("KubeConfigClass", () => {
  it("loads a working KubeConfig without the generated models and API classes", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kubeconfig-"))
    try {
      const path = join(dir, "config")
      await writeFile(path, kubeconfig)
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ["--input-type=module", "--eval", script],
        { cwd: root, env: { ...process.env, KUBECONFIG: path } },
      )
      assert.deepStrictEqual(JSON.parse(stdout), {
        server: "https://127.0.0.1:6443",
        namespace: "ns",
        authorization: "Bearer secret-token",
        dispatcher: true,
        generated: 0,
        configLoaded: true,
      })
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
