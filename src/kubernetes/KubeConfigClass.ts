/**
 * `@kubernetes/client-node`'s KubeConfig without the rest of the library. Its `config.js`
 * imports two names (`createConfiguration`, `ServerConfiguration`, used only by
 * `makeApiClient`) from `./gen/index.js`, which re-exports every generated model and API
 * class: importing KubeConfig from anywhere costs the process about 40 MB of resident
 * memory it never uses. A module resolution hook answers that one import, from that one
 * file, with `clientNodeConfiguration.ts`, which exports the same two names from their own
 * files. When the library's index was loaded before (tests build KubeConfigs from it),
 * `config.js` is already linked and the hook never runs: the class is the same either way.
 */
import { registerHooks } from "node:module"
import type { KubeConfig } from "@kubernetes/client-node"

const configUrl = import.meta.resolve("@kubernetes/client-node/dist/config.js")
const configurationUrl = import.meta.resolve("./clientNodeConfiguration.ts")

let hooked = false

const hookGeneratedIndex = () => {
  if (hooked) return
  hooked = true
  registerHooks({
    resolve: (specifier, context, nextResolve) =>
      specifier === "./gen/index.js" && context.parentURL === configUrl
        ? { url: configurationUrl, shortCircuit: true }
        : nextResolve(specifier, context),
  })
}

/** The KubeConfig class, loaded without the generated models and API classes. */
export const loadKubeConfigClass = async (): Promise<typeof KubeConfig> => {
  hookGeneratedIndex()
  const module: { readonly KubeConfig: typeof KubeConfig } = await import(configUrl)
  return module.KubeConfig
}
