/**
 * Step 12: the tags handed to the agent. Sorted by key so that `BUILDKITE_AGENT_TAGS` is the
 * same text for the same job on every build.
 */
import { Result } from "effect"
import type { BuildState } from "./BuildState.ts"

export const agentStackVersionTag = "k8s:agent-stack-version"

/** Parses `key=value` rules; everything after the first `=` is the value. */
export const parseRules = (
  rules: ReadonlyArray<string>,
): { readonly tags: Map<string, string>; readonly malformed: ReadonlyArray<string> } => {
  const tags = new Map<string, string>()
  const malformed: Array<string> = []
  for (const rule of rules) {
    const equals = rule.indexOf("=")
    if (equals <= 0) malformed.push(rule)
    else tags.set(rule.slice(0, equals), rule.slice(equals + 1))
  }
  return { tags, malformed }
}

export const agentTags = (state: BuildState): Result.Result<BuildState, never> => {
  const { tags, malformed } = parseRules(state.job.agentQueryRules)
  const merged = new Map([[agentStackVersionTag, state.options.controllerVersion], ...tags])
  const sorted = [...merged].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return Result.succeed({
    ...state,
    agentTags: sorted,
    warnings: [
      ...state.warnings,
      ...malformed.map((rule) => `ignored malformed agent query rule ${JSON.stringify(rule)}`),
    ],
  })
}

export const renderAgentTags = (tags: ReadonlyArray<readonly [string, string]>): string =>
  tags.map(([key, value]) => `${key}=${value}`).join(",")
