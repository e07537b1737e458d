/**
 * What `@kubernetes/client-node`'s `config.js` takes from its generated code, without the
 * rest of it: `loadKubeConfigClass` points that module's import of
 * `./gen/index.js` here (see `KubeConfigClass.ts`).
 */
export { createConfiguration } from "@kubernetes/client-node/dist/gen/configuration.js"
export { ServerConfiguration } from "@kubernetes/client-node/dist/gen/servers.js"
