import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import { basePodSpecSource, buildJob } from "../../src/podspec/buildJob.ts"
import { agentImage, baseConfig, baseJob, buildOk, options, podSpec, uuid } from "./fixtures.ts"

const workspaceMount = { name: "workspace", mountPath: "/workspace" }

const labels = {
  "tag.buildkite.com/queue": "kubernetes",
  "buildkite.com/job-uuid": uuid,
  "buildkite.com/controller-id": "agent-stack-k8s",
}

const annotations = {
  "cluster-autoscaler.kubernetes.io/safe-to-evict": "false",
  "buildkite.com/build-url": "https://buildkite.com/acme/app/builds/7",
  "buildkite.com/job-url": `https://buildkite.com/acme/app/builds/7#${uuid}`,
  "buildkite.com/build-branch": "main",
  "buildkite.com/build-repo": "git@github.com:acme/app.git",
  "buildkite.com/pipeline-slug": "app",
  "buildkite.com/step-key": "",
  "buildkite.com/job-priority": "0",
}

const copyScript = [
  "mkdir -p /workspace/build /workspace/plugins /workspace/sockets",
  "chmod 777 /workspace/build /workspace/plugins /workspace/sockets",
  "cp /usr/local/bin/buildkite-agent /workspace/buildkite-agent",
  "if [ -e /sbin/tini-static ]; then cp /sbin/tini-static /workspace/tini-static",
  "elif [ -e /usr/bin/tini-static ]; then cp /usr/bin/tini-static /workspace/tini-static",
  'else echo "Error: No tini-static binary found" >&2; exit 1; fi',
].join("\n")

/** Upstream section 3.10, written out in full. */
const illustrative = {
  apiVersion: "batch/v1",
  kind: "Job",
  metadata: { name: `buildkite-${uuid}`, labels, annotations },
  spec: {
    backoffLimit: 0,
    ttlSecondsAfterFinished: 600,
    activeDeadlineSeconds: 21_600,
    template: {
      metadata: { labels, annotations },
      spec: {
        terminationGracePeriodSeconds: 60,
        volumes: [{ name: "workspace", emptyDir: {} }],
        containers: [
          {
            name: "container-0",
            image: agentImage,
            command: ["/workspace/tini-static"],
            args: ["--", "/workspace/buildkite-agent", "kubernetes-bootstrap"],
            workingDir: "/workspace",
            env: [
              { name: "BUILDKITE_BOOTSTRAP_PHASES", value: "plugin,command" },
              { name: "BUILDKITE_COMMAND", value: "echo hello" },
              { name: "BUILDKITE_CONTAINER_ID", value: "1" },
              { name: "BUILDKITE_SOCKETS_PATH", value: "/workspace/sockets/container-0" },
            ],
            volumeMounts: [workspaceMount],
            imagePullPolicy: "IfNotPresent",
          },
          {
            name: "agent",
            image: agentImage,
            imagePullPolicy: "IfNotPresent",
            args: ["start"],
            workingDir: "/workspace",
            env: [
              { name: "BUILDKITE_KUBERNETES_EXEC", value: "true" },
              { name: "BUILDKITE_CONTAINER_COUNT", value: "2" },
              {
                name: "BUILDKITE_AGENT_TAGS",
                value: "k8s:agent-stack-version=0.1.0,queue=kubernetes",
              },
              {
                name: "BUILDKITE_K8S_NODE",
                valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } },
              },
              {
                name: "BUILDKITE_K8S_NAMESPACE",
                valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } },
              },
              {
                name: "BUILDKITE_K8S_SERVICE_ACCOUNT",
                valueFrom: { fieldRef: { fieldPath: "spec.serviceAccountName" } },
              },
              { name: "BUILDKITE_BUILD_PATH", value: "/workspace/build" },
              { name: "BUILDKITE_HOOKS_PATH", value: "/workspace/hooks" },
              { name: "BUILDKITE_PLUGINS_PATH", value: "/workspace/plugins" },
              { name: "BUILDKITE_SOCKETS_PATH", value: "/workspace/sockets/agent" },
              { name: "BUILDKITE_SHELL", value: "/bin/sh -ec" },
              {
                name: "BUILDKITE_AGENT_TOKEN",
                valueFrom: {
                  secretKeyRef: { name: "buildkite-agent-token", key: "BUILDKITE_AGENT_TOKEN" },
                },
              },
              { name: "BUILDKITE_AGENT_ACQUIRE_JOB", value: uuid },
              {
                name: "BUILDKITE_REDACTED_VARS",
                value:
                  "*_PASSWORD,*_SECRET,*_TOKEN,*_PRIVATE_KEY,*_ACCESS_KEY,*_SECRET_KEY," +
                  "*_CONNECTION_STRING,*_API_KEY",
              },
              { name: "BUILDKITE_CANCEL_GRACE_PERIOD", value: "60" },
              { name: "BUILDKITE_SIGNAL_GRACE_PERIOD_SECONDS", value: "50" },
            ],
            volumeMounts: [workspaceMount],
          },
          {
            name: "checkout",
            image: agentImage,
            imagePullPolicy: "IfNotPresent",
            command: ["/bin/sh", "-c"],
            args: ["set -exuf\ntrue\nbuildkite-agent-entrypoint kubernetes-bootstrap"],
            workingDir: "/workspace",
            env: [
              { name: "BUILDKITE_BOOTSTRAP_PHASES", value: "plugin,checkout" },
              { name: "BUILDKITE_CONTAINER_ID", value: "0" },
              { name: "BUILDKITE_SOCKETS_PATH", value: "/workspace/sockets/checkout" },
            ],
            volumeMounts: [workspaceMount],
          },
        ],
        initContainers: [
          {
            name: "copy-agent",
            image: agentImage,
            imagePullPolicy: "Always",
            command: ["/bin/sh"],
            args: ["-cefx", copyScript],
            volumeMounts: [workspaceMount],
          },
        ],
        restartPolicy: "Never",
      },
    },
  },
}

describe("buildJob", () => {
  describe("buildJob", () => {
    it("renders the illustrative Job of the specification exactly", () => {
      assert.deepStrictEqual(buildOk(), illustrative)
    })

    it("gives the same Job for the same input and leaves the inputs unchanged", () => {
      const job = structuredClone(baseJob)
      const config = structuredClone(baseConfig)
      const first = buildJob(job, { containers: [] }, config, options)
      const second = buildJob(job, { containers: [] }, config, options)
      assert.deepStrictEqual(first, second)
      assert.deepStrictEqual(job, baseJob)
      assert.deepStrictEqual(config, baseConfig)
    })

    it("shares no object between containers, so a caller may modify the result", () => {
      const job = buildOk()
      const spec = podSpec(job)
      const [first, second] = spec.containers
      assert.notStrictEqual(first?.volumeMounts?.[0], second?.volumeMounts?.[0])
      assert.notStrictEqual(job.metadata?.labels, job.spec?.template.metadata?.labels)
    })

    it("fails with the resource class message when the build cannot complete", () => {
      const result = buildJob(
        { ...baseJob, agentQueryRules: ["queue=kubernetes", "resource_class=huge"] },
        { containers: [] },
        { ...baseConfig, resourceClasses: { small: {} } },
        options,
      )
      assert.isTrue(Result.isFailure(result))
      if (Result.isFailure(result)) {
        assert.strictEqual(result.failure.message, "resource class not found: huge")
      }
    })
  })

  describe("basePodSpecSource", () => {
    it("prefers the plugin podSpec, then a pod template, then nothing", () => {
      const spec = { containers: [{ name: "a", image: "alpine" }] }
      assert.deepStrictEqual(
        basePodSpecSource({ ...baseJob, plugin: { podSpec: spec, podTemplate: "t" } }),
        { _tag: "Plugin", podSpec: spec },
      )
      assert.deepStrictEqual(basePodSpecSource({ ...baseJob, plugin: { podTemplate: "t" } }), {
        _tag: "PodTemplate",
        name: "t",
      })
      assert.deepStrictEqual(basePodSpecSource({ ...baseJob, plugin: {} }), { _tag: "Empty" })
      assert.deepStrictEqual(basePodSpecSource(baseJob), { _tag: "Empty" })
    })
  })
})
