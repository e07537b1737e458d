/**
 * Every option of the controller, once: the table the config Schema, the flag parser, the
 * environment reader, `--help`, the reference in `docs/configuration.md` and the chart's
 * values schema are all derived from. Field names are the camelCase of the keys; duration
 * fields end in `Millis` because they hold milliseconds.
 */
import { Schema } from "effect"
import { HostPort, ImageReferenceString, QuantityString } from "./checks.ts"
import { NonNegativeDurationMillis } from "./Duration.ts"
import {
  emptyAsAbsent,
  intAtLeast,
  intBetween,
  positiveOr,
  RequiredString,
  raisedTo,
  TagFromString,
  withDefault,
} from "./fields.ts"
import { fileOnlyOptions } from "./fileOnlyOptions.ts"
import { option } from "./OptionDef.ts"
import { bool, duration, fileOnly, int, scalar, str } from "./optionBuilders.ts"

/** The agent image the original pins (its agent module version). */
export const defaultAgentImage = "ghcr.io/buildkite/agent:3.136.2"

const PullPolicy = Schema.Literals(["Always", "IfNotPresent", "Never"])
const Port = intBetween(0, 65535)

/** One queue served by this process (`queues` entries). */
export const QueueEntry = Schema.Struct({
  queue: RequiredString,
  tags: Schema.optionalKey(Schema.Array(TagFromString)),
  maxInFlight: Schema.optionalKey(intAtLeast(0)),
})

export const options = {
  // Controller identity and queue
  id: option(
    scalar("id", "BUILDKITE_K8S_STACK_CONTROLLER_ID", {
      kind: "string",
      type: "string",
      group: "Controller",
      description:
        "Instance id: the `buildkite.com/controller-id` label on Jobs and pods and the stack key; unique per controller",
    }),
    withDefault(Schema.String, ""),
    "",
  ),
  namespace: option(
    scalar("namespace", "NAMESPACE", {
      kind: "string",
      type: "string",
      group: "Controller",
      description: "Namespace for Jobs, the token Secret, pod templates and events",
    }),
    withDefault(RequiredString, "default"),
    "default",
  ),
  agentTokenSecret: option(
    scalar("agent-token-secret", "AGENT_TOKEN_SECRET", {
      kind: "string",
      type: "string",
      group: "Controller",
      description: "Secret in `namespace` whose key `BUILDKITE_AGENT_TOKEN` holds the agent token",
    }),
    withDefault(RequiredString, "buildkite-agent-token"),
    "buildkite-agent-token",
  ),
  agentToken: option(
    scalar("agent-token", "BUILDKITE_AGENT_TOKEN", {
      kind: "secret",
      type: "string (secret)",
      group: "Controller",
      added: true,
      description: "Agent token given directly, for local runs without the Secret; never printed",
    }),
    Schema.optionalKey(Schema.RedactedFromValue(Schema.String, { label: "agent-token" })),
  ),
  agentTokenFile: option(
    scalar("agent-token-file", "AGENT_TOKEN_FILE", {
      kind: "string",
      type: "path",
      group: "Controller",
      added: true,
      description: "File whose content is the agent token, read at start-up",
    }),
    emptyAsAbsent(Schema.String),
  ),
  queue: option(
    scalar("queue", "QUEUE", {
      kind: "string",
      type: "string",
      group: "Controller",
      description:
        "Queue to poll; overrides the `queue` tag; empty and no tag means the cluster's default queue",
    }),
    withDefault(Schema.String, ""),
    "",
  ),
  tags: option(
    scalar("tags", "TAGS", {
      kind: "list",
      type: "list of `key=value`",
      group: "Controller",
      description: "Agent tags jobs are matched against; comma-separated in a flag or variable",
    }),
    withDefault(Schema.Array(TagFromString), []),
    [],
  ),
  queues: option(
    fileOnly("queues", {
      type: "list of `{queue, tags?, max-in-flight?}`",
      group: "Controller",
      added: true,
      description: "Several queues served by one process; when empty, `queue` and `tags` apply",
    }),
    withDefault(Schema.Array(QueueEntry), []),
    [],
  ),
  maxInFlight: option(
    scalar("max-in-flight", "MAX_IN_FLIGHT", {
      kind: "int",
      type: "int ≥ 0",
      group: "Controller",
      description: "Most Kubernetes Jobs unfinished at once; 0 means unlimited",
    }),
    withDefault(intAtLeast(0), 25),
    25,
  ),
  jobCreationConcurrency: option(
    scalar("job-creation-concurrency", "JOB_CREATION_CONCURRENCY", {
      kind: "int",
      type: "int",
      group: "Controller",
      description: "Jobs created concurrently; 0 or less means 25",
    }),
    withDefault(positiveOr(Schema.Int, 25), 25),
    25,
  ),
  workQueueLimit: option(
    scalar("work-queue-limit", "WORK_QUEUE_LIMIT", {
      kind: "int",
      type: "int",
      group: "Controller",
      description: "Most jobs waiting to be created; 0 or less means 1000000",
    }),
    withDefault(positiveOr(Schema.Int, 1_000_000), 1_000_000),
    1_000_000,
  ),
  restricted: bool(
    "restricted",
    "Pod spec defaults",
    'Containers the controller adds satisfy the Pod Security Standard "restricted"',
    true,
  ),

  // Logging
  debug: bool("debug", "Logging", "Log at debug level, whatever `log-level` says"),
  logLevel: option(
    scalar("log-level", "LOG_LEVEL", {
      kind: "string",
      type: "`debug`, `info`, `warn` or `error`",
      group: "Logging",
      description: "Least severe level logged",
    }),
    withDefault(Schema.Literals(["debug", "info", "warn", "error"]), "info"),
    "info",
  ),
  logFormat: option(
    scalar("log-format", "LOG_FORMAT", {
      kind: "string",
      type: "`logfmt` or `json`",
      group: "Logging",
      description: "Log line format",
    }),
    withDefault(Schema.Literals(["logfmt", "json"]), "logfmt"),
    "logfmt",
  ),
  noColor: bool("no-color", "Logging", "No ANSI colours (also off when stdout is not a terminal)"),
  logHttpPayloads: bool(
    "log-http-payloads",
    "Logging",
    "Log Buildkite API requests and responses at debug level (bodies may hold secrets)",
  ),

  // Buildkite API and polling
  pollIntervalMillis: option(
    scalar("poll-interval", "POLL_INTERVAL", {
      kind: "duration",
      type: "duration",
      group: "Buildkite API and polling",
      description: "Time between polls for scheduled jobs; at least 1s (smaller values are raised)",
    }),
    withDefault(raisedTo(NonNegativeDurationMillis, 1000), "1s"),
    "1s",
  ),
  httpTimeoutMillis: duration(
    "http-timeout",
    "Buildkite API and polling",
    "Timeout of one Buildkite API request; 0 means 60s",
    "60s",
    { zeroMeansDefault: true },
  ),
  paginationPageSize: int(
    "pagination-page-size",
    "Buildkite API and polling",
    "Scheduled jobs asked for per page",
    intBetween(1, 1000),
    1000,
    "int 1–1000",
  ),
  paginationDepthLimit: int(
    "pagination-depth-limit",
    "Buildkite API and polling",
    "Pages of scheduled jobs read per poll",
    intBetween(1, 20),
    2,
    "int 1–20",
  ),
  queryResetIntervalMillis: duration(
    "query-reset-interval",
    "Buildkite API and polling",
    "How often the paging cursor restarts from the first page",
    "10s",
  ),
  enableQueuePause: bool(
    "enable-queue-pause",
    "Buildkite API and polling",
    "Stop creating Jobs while the cluster queue is paused",
  ),
  reservationExpirySeconds: int(
    "reservation-expiry-seconds",
    "Buildkite API and polling",
    "How long Buildkite holds a reserved job for this controller; 0 means the server's default",
    intBetween(0, 3600),
    0,
    "int 0–3600",
    "seconds",
  ),

  // Kubernetes Jobs
  jobPrefix: str(
    "job-prefix",
    "Kubernetes Jobs",
    "Prefix of Kubernetes Job names",
    RequiredString,
    "buildkite-",
  ),
  jobTtlMillis: duration(
    "job-ttl",
    "Kubernetes Jobs",
    "How long a finished Job is kept (`ttlSecondsAfterFinished`, whole seconds)",
    "10m",
  ),
  jobActiveDeadlineSeconds: int(
    "job-active-deadline-seconds",
    "Kubernetes Jobs",
    "Job `activeDeadlineSeconds`; the plugin may override it per job",
    intAtLeast(1),
    21600,
    "int ≥ 1",
    "seconds",
  ),
  defaultTerminationGracePeriodSeconds: int(
    "default-termination-grace-period-seconds",
    "Kubernetes Jobs",
    "Pod `terminationGracePeriodSeconds` unless the pod spec sets it; also the agent's cancel grace",
    intAtLeast(1),
    60,
    "int ≥ 1",
    "seconds",
  ),
  enableCompletionWatcher: option(
    scalar("enable-completion-watcher", "ENABLE_COMPLETION_WATCHER", {
      kind: "bool",
      type: "bool",
      group: "Kubernetes Jobs",
      description: "Stop a pod's sidecars once the agent has finished",
    }),
    withDefault(Schema.Boolean, true),
    true,
  ),
  prohibitKubernetesPlugin: bool(
    "prohibit-kubernetes-plugin",
    "Kubernetes Jobs",
    "Fail every job that uses the `kubernetes` plugin",
  ),
  allowPodSpecPatchUnsafeCommandModification: bool(
    "allow-pod-spec-patch-unsafe-command-modification",
    "Kubernetes Jobs",
    "Let patches change the command of the controller's own containers",
  ),
  k8sClientRateLimiterQps: int(
    "k8s-client-rate-limiter-qps",
    "Kubernetes Jobs",
    "Kubernetes API requests per second",
    intAtLeast(1),
    10,
    "int ≥ 1",
    "requests/s",
  ),
  k8sClientRateLimiterBurst: int(
    "k8s-client-rate-limiter-burst",
    "Kubernetes Jobs",
    "Kubernetes API request burst",
    intAtLeast(1),
    20,
    "int ≥ 1",
    "requests",
  ),

  // Images
  image: str(
    "image",
    "Images",
    "Agent image for the copy-agent, agent, checkout and default command containers",
    ImageReferenceString,
    defaultAgentImage,
    "image reference",
  ),
  defaultImagePullPolicy: option(
    scalar("default-image-pull-policy", "DEFAULT_IMAGE_PULL_POLICY", {
      kind: "string",
      type: "`Always`, `IfNotPresent` or `Never`",
      group: "Images",
      description: "Pull policy of containers that set none",
    }),
    emptyAsAbsent(PullPolicy),
  ),
  defaultImageCheckPullPolicy: option(
    scalar("default-image-check-pull-policy", "DEFAULT_IMAGE_CHECK_PULL_POLICY", {
      kind: "string",
      type: "`Always`, `IfNotPresent` or `Never`",
      group: "Images",
      description: "Pull policy of the `imagecheck-*` containers",
    }),
    emptyAsAbsent(PullPolicy),
  ),
  skipImageCheckContainers: bool(
    "skip-image-check-containers",
    "Images",
    "Create no `imagecheck-*` init containers (references are still validated)",
  ),
  imageCheckContainerCpuLimit: str(
    "image-check-container-cpu-limit",
    "Images",
    "CPU limit of each `imagecheck-*` container",
    QuantityString,
    "200m",
    "quantity",
  ),
  imageCheckContainerMemoryLimit: str(
    "image-check-container-memory-limit",
    "Images",
    "Memory limit of each `imagecheck-*` container",
    QuantityString,
    "128Mi",
    "quantity",
  ),

  // Timeouts and grace periods
  imagePullBackoffGracePeriodMillis: duration(
    "image-pull-backoff-grace-period",
    "Timeouts and grace periods",
    "How long after pod start image pull failures are tolerated; 0 means 30s",
    "30s",
    { zeroMeansDefault: true },
  ),
  jobCancelCheckerPollIntervalMillis: duration(
    "job-cancel-checker-poll-interval",
    "Timeouts and grace periods",
    "How often jobs not yet running are checked for cancellation; 0 means 5s",
    "5s",
    { zeroMeansDefault: true },
  ),
  emptyJobGracePeriodMillis: duration(
    "empty-job-grace-period",
    "Timeouts and grace periods",
    "How long a Job may exist without a pod before it is removed; 0 means 30s",
    "30s",
    { zeroMeansDefault: true },
  ),
  podPendingTimeoutMillis: duration(
    "pod-pending-timeout",
    "Timeouts and grace periods",
    "Longest a pod may stay Pending before its job fails; 0 means 15m",
    "15m",
    { zeroMeansDefault: true },
  ),
  shutdownGracePeriodMillis: duration(
    "shutdown-grace-period",
    "Timeouts and grace periods",
    "How long shutdown waits for work in progress before giving up",
    "30s",
    { added: true },
  ),

  // Health, metrics and tracing
  prometheusPort: int(
    "prometheus-port",
    "Health, metrics and tracing",
    "Port serving Prometheus `GET /metrics`; 0 disables it",
    Port,
    0,
    "port",
  ),
  healthPort: option(
    scalar("health-port", "HEALTH_PORT", {
      kind: "int",
      type: "port",
      group: "Health, metrics and tracing",
      added: true,
      description: "Port serving `/healthz` and `/readyz`; 0 disables it",
    }),
    withDefault(Port, 8080),
    8080,
  ),
  profilerAddress: str(
    "profiler-address",
    "Health, metrics and tracing",
    "`host:port` for the profiler endpoint; empty disables it",
    HostPort,
    "",
    "`host:port`",
  ),
  otlpEndpoint: option(
    scalar("otlp-endpoint", "OTLP_ENDPOINT", {
      kind: "string",
      type: "URL",
      group: "Health, metrics and tracing",
      added: true,
      description: "OTLP/HTTP endpoint traces are sent to; empty turns tracing off",
    }),
    withDefault(Schema.String, ""),
    "",
  ),

  // High availability
  leaderElection: bool(
    "leader-election",
    "High availability",
    "Run several replicas; only the one holding a Lease in `namespace` works",
    true,
  ),
  leaderElectionLeaseDurationMillis: duration(
    "leader-election-lease-duration",
    "High availability",
    "How long a Lease lasts without renewal",
    "15s",
    { added: true },
  ),
  leaderElectionRenewDeadlineMillis: duration(
    "leader-election-renew-deadline",
    "High availability",
    "How long the leader keeps trying to renew before stepping down",
    "10s",
    { added: true },
  ),
  leaderElectionRetryPeriodMillis: duration(
    "leader-election-retry-period",
    "High availability",
    "Time between attempts to acquire or renew the Lease",
    "2s",
    { added: true },
  ),

  ...fileOnlyOptions,

  // Integration tests
  integrationTestBuildkiteToken: option(
    {
      key: "integration-test-buildkite-token",
      flag: "buildkite-token",
      env: "INTEGRATION_TEST_BUILDKITE_TOKEN",
      kind: "secret",
      type: "string (secret)",
      group: "Integration tests",
      hidden: true,
      description: "Buildkite API token used only by integration tests",
    },
    Schema.optionalKey(
      Schema.RedactedFromValue(Schema.String, { label: "integration-test-buildkite-token" }),
    ),
  ),
  graphqlEndpoint: option(
    {
      key: "graphql-endpoint",
      flag: "graphql-endpoint",
      env: "GRAPHQL_ENDPOINT",
      kind: "string",
      type: "URL",
      group: "Integration tests",
      hidden: true,
      description: "Buildkite GraphQL endpoint used only by integration tests",
    },
    withDefault(Schema.String, ""),
    "",
  ),
} as const
