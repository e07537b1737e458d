/**
 * Kubeconfig YAML for a local API server over plain HTTP. Kept apart from the fake server so
 * a process that only connects to the fake (the pipeline benchmark's controller) loads
 * nothing else.
 */

/** The kubeconfig document for a fake at `url`. */
export const fakeKubeConfigYaml = (url: string, namespace: string): string =>
  [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "- name: fake",
    "  cluster:",
    `    server: ${url}`,
    "    insecure-skip-tls-verify: true",
    "users:",
    "- name: fake",
    "  user:",
    "    token: fake-token",
    "contexts:",
    "- name: fake",
    "  context:",
    "    cluster: fake",
    "    user: fake",
    `    namespace: ${namespace}`,
    "current-context: fake",
    "",
  ].join("\n")
