/**
 * The Kubernetes Events appended to JobWatcher failure messages, so the Buildkite UI shows
 * why a Job got no pod (`error looking up service account …`, `exceeded quota …`).
 */
import type { CoreV1Event } from "@kubernetes/client-node"
import { timestampMillis } from "../kube/Timestamp.ts"
import { renderTable } from "../podspec/Table.ts"
import { humanDuration } from "./humanDuration.ts"

/** Breaks text into lines of at most `width` characters, at spaces where it can. */
export const softWrap = (text: string, width: number): string => {
  const lines: Array<string> = []
  let line = ""
  for (const word of text.split(/\s+/).filter((part) => part !== "")) {
    let rest = word
    if (line !== "" && line.length + 1 + rest.length > width) {
      lines.push(line)
      line = ""
    }
    while (rest.length > width) {
      lines.push(rest.slice(0, width))
      rest = rest.slice(width)
    }
    line = line === "" ? rest : `${line} ${rest}`
  }
  if (line !== "") lines.push(line)
  return lines.join("\n")
}

/** The row of one event: when last seen (as an age), how often, type, reason, message. */
export const eventRow = (event: CoreV1Event, nowMillis: number): Array<string> => {
  let at = timestampMillis(event.eventTime) ?? timestampMillis(event.firstTimestamp)
  let repeated = "-"
  if (event.series === undefined) {
    const count = event.count ?? 1
    if (count > 1) {
      repeated = `x${count}`
      at = timestampMillis(event.lastTimestamp) ?? at
    }
  } else {
    const last = timestampMillis(event.series.lastObservedTime)
    const first = at
    repeated = `x${event.series.count ?? 1} over ${humanDuration((last ?? 0) - (first ?? last ?? 0))}`
    at = last ?? at
  }
  return [
    at === undefined ? "<unknown>" : humanDuration(nowMillis - at),
    repeated,
    event.type ?? "",
    event.reason ?? "",
    softWrap(event.message ?? "", 50),
  ]
}

/** `Events: none`, or a table of the events, oldest first. */
export const renderEvents = (events: ReadonlyArray<CoreV1Event>, nowMillis: number): string => {
  if (events.length === 0) return "Events: none"
  const sorted = [...events].sort(
    (a, b) =>
      (timestampMillis(a.lastTimestamp) ?? timestampMillis(a.eventTime) ?? 0) -
      (timestampMillis(b.lastTimestamp) ?? timestampMillis(b.eventTime) ?? 0),
  )
  return renderTable(
    ["LAST EVENT", "REPEATED", "TYPE", "REASON", "MESSAGE"],
    sorted.map((event) => eventRow(event, nowMillis)),
  )
}

/** The line written when the events cannot be listed. */
export const eventsUnavailable = (jobName: string, error: string): string =>
  `Couldn't get events for job ${jobName}: ${error}`
