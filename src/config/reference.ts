/**
 * The configuration reference (`docs/configuration.md`), rendered from the option table so
 * the document cannot drift from what the controller accepts.
 */
import { agentConfigKeys } from "./AgentConfig.ts"
import { optionEntries } from "./ControllerConfig.ts"
import { formatDefault } from "./formatDefault.ts"
import type { OptionDef, OptionGroup } from "./OptionDef.ts"

const groups: ReadonlyArray<OptionGroup> = [
  "Controller",
  "Logging",
  "Buildkite API and polling",
  "Kubernetes Jobs",
  "Images",
  "Timeouts and grace periods",
  "Health, metrics and tracing",
  "High availability",
  "Pod spec defaults",
  "Integration tests",
]

const cell = (text: string): string => text.replaceAll("|", "\\|")
const code = (text: string | undefined): string => (text === undefined ? "–" : `\`${text}\``)

const row = (def: OptionDef): string =>
  [
    code(def.key) + (def.added ? " (new)" : ""),
    def.flag === undefined ? "file only" : code(`--${def.flag}`),
    code(def.env),
    cell(def.type) + (def.unit === undefined ? "" : ` (${def.unit})`),
    def.default === undefined ? "unset" : code(formatDefault(def)),
    cell(def.description),
  ].join(" | ")

const table = (group: OptionGroup): ReadonlyArray<string> => {
  const defs = optionEntries.map(([, def]) => def).filter((def) => def.group === group)
  return [
    `## ${group}`,
    "",
    "| key | flag | env | type | default | description |",
    "| --- | --- | --- | --- | --- | --- |",
    ...defs.map((def) => `| ${row(def)} |`),
    "",
  ]
}

const intro = `# Configuration reference

Generated from \`src/config/options.ts\` by \`npx node scripts/generate-config-docs.ts\`; do not
edit by hand. Every option below has one definition, from which the config Schema, the flags,
the environment variables, \`--help\` and the Helm chart's values schema are derived.

## Sources and precedence

1. Built-in defaults (the tables below).
2. The YAML config file named by \`--config\`, \`-f\` or the environment variable \`CONFIG\` (the
   Helm chart sets \`CONFIG=/etc/config.yaml\`). Only keys present in the file override
   defaults, so \`max-in-flight: 0\` and \`debug: false\` are honoured. Keys match
   case-insensitively; an unknown key at any depth is an error naming the nearest known key.
   When a key appears twice, the later one wins.
3. Environment variables. An empty variable means "not set" for every kind of option, so
   it cannot clear a value from the file. \`TAGS\` is comma-separated.
4. Flags: \`--flag=value\` or \`--flag value\`; booleans as \`--debug\` or \`--debug=false\`;
   \`--tags\` may be repeated and \`--tags=\` clears the tags. A value that starts with \`-\`
   must use the \`--flag=value\` form.

Then everything is decoded and checked together: a bad configuration reports every
problem at once, each naming the key (or the flag or variable the value came from), the
value and what was expected, and the controller exits with a non-zero status. Secrets
(\`agent-token\`, the integration-test token) are held \`Redacted\` and never appear in
messages or printed configuration.

Durations are Go durations: \`300ms\`, \`30s\`, \`5m\`, \`1h30m\`, \`1.5s\` (units \`ns\`, \`us\`,
\`µs\`, \`ms\`, \`s\`, \`m\`, \`h\`). Inside the controller they are milliseconds.

Options marked "(new)" do not exist in the original Go controller.
`

const agentConfigSection = (): ReadonlyArray<string> => [
  "## `agent-config` keys",
  "",
  "Settings for the agent in each pod (config file only). The four volume keys are camelCase,",
  "all others kebab-case, as in the original.",
  "",
  "| key | description |",
  "| --- | --- |",
  ...agentConfigKeys.map(({ key, description }) => `| ${code(key)} | ${cell(description)} |`),
  "",
]

const differences = `## Differences from the original

* A bare number as a duration is rejected ("a bare number is ambiguous"), except \`0\`; the
  original read it as nanoseconds.
* \`default-image-pull-policy\` and \`default-image-check-pull-policy\` must be \`Always\`,
  \`IfNotPresent\`, \`Never\` or empty; the original accepted anything.
* \`image\` must be a valid image reference at start-up (the original crashed later), and the
  images in \`pod-spec-patch\` must be valid references, not only lower-case.
* \`pod-spec-patch\`, volumes, params and metadata are checked strictly: an unknown key inside
  them is an error with a suggestion.
* A malformed tag (no \`=\`) is a configuration problem reported with the others, instead of a
  start-up failure that exited with status 0.
* \`empty-job-grace-period\` of 0 or less falls back to 30s like the other grace periods; in the
  original it meant "remove at once".
* Unknown flags and stray arguments are errors with a suggestion.
* \`agent-token\` and \`agent-token-file\` are mutually exclusive; an empty token file is an error.
* New options: \`restricted\`, \`queues\`, \`leader-election*\`, \`health-port\`, \`agent-token\`,
  \`agent-token-file\`, \`shutdown-grace-period\`, \`otlp-endpoint\` (see the tables). With
  \`leader-election\`, the renew deadline must be shorter than the lease duration and the retry
  period shorter than the renew deadline.

## Known limitations

* Rules that relate several options (the default resource class, commands in
  \`pod-spec-patch\`, leader election timings, the two token options) are checked only once
  every single option has decoded; a configuration with both kinds of problem shows the
  single-option problems first.
* Keys inside Kubernetes objects (\`pod-spec-patch\`, volumes, resource requirements) follow
  the Kubernetes Schemas' own matching rules rather than the case-insensitive matching of the
  controller's own keys.
* \`profiler-address\` is validated but Node has no pprof endpoint; the value is accepted for
  compatibility.
`

/** The Markdown text of `docs/configuration.md`. */
export const configReference = (): string =>
  [
    intro,
    ...groups.flatMap(table),
    ...agentConfigSection(),
    "## Other sources",
    "",
    "| flag | env | description |",
    "| --- | --- | --- |",
    "| `--config`, `-f` | `CONFIG` | Config file to load |",
    "| `--help`, `-h` | – | Print the flags and exit |",
    "",
    differences,
  ].join("\n")

const readmeStart = "<!-- configuration-reference:start -->"
const readmeEnd = "<!-- configuration-reference:end -->"

/**
 * The README with its configuration section replaced by the reference (headings moved one
 * level down, under the README's own "Configuration reference" heading). The README must
 * hold the start and end markers.
 */
export const readmeWithReference = (readme: string): string => {
  const start = readme.indexOf(readmeStart)
  const end = readme.indexOf(readmeEnd)
  if (start < 0 || end < start) {
    throw new Error(`README.md must contain ${readmeStart} followed by ${readmeEnd}`)
  }
  const body = configReference()
    .split("\n")
    .filter((line, index) => !(index === 0 && line.startsWith("# ")))
    .map((line) => (line.startsWith("#") ? `#${line}` : line))
    .join("\n")
    .trim()
  return `${readme.slice(0, start + readmeStart.length)}\n\n${body}\n\n${readme.slice(end)}`
}
