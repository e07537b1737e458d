import { assert, describe, it } from "@effect/vitest"
import type { V1ContainerStatus, V1Pod } from "@kubernetes/client-node"
import { humanDuration } from "../../src/lifecycle/humanDuration.ts"
import { imageFailureMessage, imageFailureNotification } from "../../src/lifecycle/messages.ts"
import {
  dueContainerProblems,
  failedButRunning,
  initContainerFailures,
  isPendingTimedOut,
  isSystemContainer,
} from "../../src/lifecycle/podChecks.ts"

const waiting = (name: string, reason: string, message = ""): V1ContainerStatus => ({
  name,
  image: `${name}:img`,
  imageID: "",
  ready: false,
  restartCount: 0,
  state: { waiting: { reason, message } },
})

const pod = (
  phase: string,
  containers: Array<V1ContainerStatus> = [],
  init: Array<V1ContainerStatus> = [],
): V1Pod => ({
  metadata: { name: "p", creationTimestamp: new Date(0) },
  status: {
    phase,
    startTime: new Date(0),
    containerStatuses: containers,
    initContainerStatuses: init,
  },
})

const minute = 60_000

describe("podChecks", () => {
  describe("isPendingTimedOut", () => {
    const cases: ReadonlyArray<readonly [string, V1Pod, number, boolean]> = [
      ["Running", pod("Running"), 20 * minute, false],
      ["Succeeded", pod("Succeeded"), 20 * minute, false],
      ["Pending within the timeout", pod("Pending"), 10 * minute, false],
      ["Pending past the timeout", pod("Pending"), 16 * minute, true],
      [
        "init ImagePullBackOff",
        pod("Pending", [], [waiting("i", "ImagePullBackOff")]),
        16 * minute,
        false,
      ],
      [
        "init ErrImageNeverPull",
        pod("Pending", [], [waiting("i", "ErrImageNeverPull")]),
        16 * minute,
        false,
      ],
      [
        "InvalidImageName",
        pod("Pending", [waiting("container-0", "InvalidImageName")]),
        16 * minute,
        false,
      ],
      [
        "ContainerCreating",
        pod("Pending", [waiting("agent", "ContainerCreating")]),
        16 * minute,
        true,
      ],
    ]
    for (const [what, subject, now, expected] of cases) {
      it(`is ${expected} for ${what}`, () => {
        assert.strictEqual(isPendingTimedOut(subject, now, 15 * minute), expected)
      })
    }
  })

  describe("dueContainerProblems", () => {
    it("waits out the grace period for back-off but not for InvalidImageName", () => {
      const backOff = pod("Running", [waiting("container-0", "ImagePullBackOff", "Back-off")])
      assert.strictEqual(dueContainerProblems(backOff, 29_000, 30_000).length, 0)
      assert.strictEqual(dueContainerProblems(backOff, 30_000, 30_000).length, 1)
      const invalid = pod("Pending", [waiting("mine", "InvalidImageName")])
      assert.strictEqual(dueContainerProblems(invalid, 0, 30_000).length, 1)
    })

    it("ignores unmanaged containers unless the reason is immediate (never-pull)", () => {
      const unmanaged = pod("Pending", [waiting("unmanaged", "ErrImageNeverPull")])
      assert.strictEqual(dueContainerProblems(unmanaged, 60_000, 30_000).length, 0)
      const never = pod("Pending", [], [waiting("imagecheck-0", "ErrImageNeverPull")])
      const problems = dueContainerProblems(never, 60_000, 30_000)
      assert.include(imageFailureMessage(problems), '"imagecheck-0:img"')
      assert.include(imageFailureMessage(problems), "ErrImageNeverPull")
    })
  })

  describe("isSystemContainer", () => {
    it("anchors the command-container pattern", () => {
      assert.isTrue(isSystemContainer("container-12"))
      assert.isFalse(isSystemContainer("my-container-1x"))
    })
  })

  describe("initContainerFailures", () => {
    it("excludes native sidecars", () => {
      const failed = (name: string): V1ContainerStatus => ({
        name,
        image: "x",
        imageID: "",
        ready: false,
        restartCount: 0,
        state: { terminated: { exitCode: 1 } },
      })
      const subject = pod("Failed", [], [failed("sidecar"), failed("user-init")])
      subject.spec = {
        containers: [],
        initContainers: [{ name: "sidecar", restartPolicy: "Always" }],
      }
      assert.deepStrictEqual(
        initContainerFailures(subject).map((f) => f.name),
        ["user-init"],
      )
    })
  })

  describe("failedButRunning", () => {
    it("names a failed command container once the agent kept running past the grace", () => {
      const subject = pod("Running", [
        {
          name: "agent",
          image: "a",
          imageID: "",
          ready: true,
          restartCount: 0,
          state: { running: {} },
        },
        {
          name: "container-0",
          image: "c",
          imageID: "",
          ready: false,
          restartCount: 0,
          state: { terminated: { exitCode: 2, finishedAt: new Date(0) } },
        },
      ])
      assert.isUndefined(failedButRunning(subject, 4 * minute, 5 * minute))
      assert.strictEqual(failedButRunning(subject, 5 * minute, 5 * minute), "container-0")
    })
  })

  describe("imageFailureNotification", () => {
    it("lists each container with its reason and message", () => {
      const text = imageFailureNotification([
        {
          name: "container-0",
          image: "nope:latest",
          reason: "ImagePullBackOff",
          message: 'Back-off pulling image "nope:latest"',
        },
      ])
      assert.strictEqual(
        text,
        'Image pull failure; the job will fail once the agent times out. container-0: ImagePullBackOff (Back-off pulling image "nope:latest")',
      )
    })
  })

  describe("humanDuration", () => {
    it("formats as kubectl does", () => {
      assert.deepStrictEqual(
        [45_000, 190_000, 3 * 3_600_000, 50 * 3_600_000, 800 * 86_400_000].map(humanDuration),
        ["45s", "3m10s", "3h", "2d2h", "2y70d"],
      )
    })
  })
})
