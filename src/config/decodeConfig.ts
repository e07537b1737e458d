/**
 * Decodes an already-parsed config object (the file's YAML, merged with environment
 * variables and flags) into a `ControllerConfig`, or a `ConfigError` listing every problem.
 * Pure: the chart's tests decode a rendered ConfigMap with it.
 */
import { Result, Schema, SchemaAST, SchemaIssue } from "effect"
import { nearest } from "../kube/Suggest.ts"
import { ConfigError, type ConfigProblem } from "./ConfigError.ts"
import { type ControllerConfig, ControllerConfigSchema, optionEntries } from "./ControllerConfig.ts"
import { filePath, renameFileKeys } from "./fileKeys.ts"

const secretFields = new Set(
  optionEntries.filter(([, def]) => def.kind === "secret").map(([field]) => field),
)

/** Marks an unknown key found by the Schema, carrying the keys that would have been valid. */
const UNKNOWN = "\u0000unknown-key:"

const leafHook: SchemaIssue.LeafHook = (issue) => {
  if (issue._tag === "MissingKey") return "is required"
  if (issue._tag === "UnexpectedKey" && SchemaAST.isObjects(issue.ast)) {
    const known = issue.ast.propertySignatures.map((signature) => String(signature.name))
    return UNKNOWN + JSON.stringify(known)
  }
  return SchemaIssue.defaultLeafHook(issue)
}

const formatter = SchemaIssue.makeFormatterStandardSchemaV1({ leafHook })

const toProblem = (issue: {
  readonly message: string
  readonly path: ReadonlyArray<PropertyKey>
}): ConfigProblem => {
  const path = filePath(issue.path)
  const [first] = issue.path
  if (typeof first === "string" && secretFields.has(first)) {
    return { path, message: "expected a string (the value is a secret and is not shown)" }
  }
  if (issue.message.startsWith(UNKNOWN)) {
    const known: ReadonlyArray<string> = JSON.parse(issue.message.slice(UNKNOWN.length))
    const key = String(issue.path.at(-1) ?? "")
    const suggestion = nearest(key, known)
    const parent = filePath(issue.path.slice(0, -1))
    return {
      path,
      message:
        `unknown key ${JSON.stringify(key)} in ${parent === "" ? "top level" : parent}` +
        (suggestion === undefined ? "" : `; did you mean ${JSON.stringify(suggestion)}?`),
    }
  }
  // The Kubernetes Schemas report a missing field at its parent; name the field itself.
  const missing = /^missing required field "([^"]+)"$/.exec(issue.message)
  if (missing?.[1] !== undefined) return { path: `${path}.${missing[1]}`, message: "is required" }
  return { path, message: issue.message }
}

const decodeFields = Schema.decodeUnknownResult(ControllerConfigSchema, {
  errors: "all",
  onExcessProperty: "error",
  reportInput: true,
})

/** Decodes field-named input (keys already renamed); problems are named in the file's spelling. */
export const decodeRenamed = (
  input: unknown,
): Result.Result<ControllerConfig, ReadonlyArray<ConfigProblem>> =>
  Result.mapError(decodeFields(input), (error) =>
    formatter(error.issue).issues.map((issue) =>
      toProblem({
        message: issue.message,
        path: (issue.path ?? []).map((segment) =>
          typeof segment === "object" ? segment.key : segment,
        ),
      }),
    ),
  )

/**
 * Decodes a parsed config-file object (kebab-case keys, matched case-insensitively).
 * Every problem is reported together: unknown keys, bad values and broken cross-option rules.
 */
export const decodeConfig = (input: unknown): Result.Result<ControllerConfig, ConfigError> => {
  if (input === null || input === undefined) return decodeConfig({})
  if (typeof input !== "object" || Array.isArray(input)) {
    return Result.fail(
      new ConfigError({
        problems: [{ path: "", message: "expected the config file to hold a mapping of keys" }],
      }),
    )
  }
  const { renamed, problems } = renameFileKeys(input as Readonly<Record<string, unknown>>)
  const decoded = decodeRenamed(renamed)
  if (Result.isSuccess(decoded) && problems.length === 0) return Result.succeed(decoded.success)
  const all = [...problems, ...(Result.isFailure(decoded) ? decoded.failure : [])]
  return Result.fail(new ConfigError({ problems: all }))
}

/** The configuration when nothing is set: every option at its default. */
export const defaultConfig: ControllerConfig = Result.getOrThrow(decodeConfig({}))
