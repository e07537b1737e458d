/**
 * Small Schema building blocks for configuration options: defaults, "empty means unset",
 * bounded integers and the fallbacks the original applies to out-of-range values.
 */
import { Effect, Option, Schema, SchemaGetter, SchemaTransformation } from "effect"

/** The field decodes to `value` (given in its encoded form) when the key is absent. */
export const withDefault = <S extends Schema.Top>(schema: S, value: S["Encoded"]) =>
  schema.pipe(Schema.withDecodingDefaultKey(Effect.succeed(value)))

/**
 * An optional field where an empty string means "not set", as in the original (where an
 * empty string was the zero value), so `default-image-pull-policy: ""` stays valid.
 */
export const emptyAsAbsent = <S extends Schema.Top & { readonly Encoded: string }>(schema: S) =>
  Schema.optionalKey(Schema.String).pipe(
    Schema.decodeTo(
      Schema.optionalKey(schema),
      SchemaTransformation.transformOptional({
        decode: (value: Option.Option<string>) => Option.filter(value, (text) => text !== ""),
        encode: (value: Option.Option<string>) => value,
      }),
    ),
  )

/** An integer within `[minimum, maximum]`. */
export const intBetween = (minimum: number, maximum: number) =>
  Schema.Int.check(Schema.isBetween({ minimum, maximum }))

/** An integer of at least `minimum`. */
export const intAtLeast = (minimum: number) =>
  Schema.Int.check(Schema.isGreaterThanOrEqualTo(minimum))

/**
 * A number where zero or less means "use `fallback`", kept for compatibility: the original
 * silently replaced such values, and existing config files rely on it.
 */
export const positiveOr = <S extends Schema.Codec<number, unknown>>(schema: S, fallback: number) =>
  schema.pipe(
    Schema.decodeTo(Schema.Number, {
      decode: SchemaGetter.transform((value: number) => (value > 0 ? value : fallback)),
      encode: SchemaGetter.transform((value: number) => value),
    }),
  )

/** A string that must not be empty. */
export const RequiredString = Schema.String.check(
  Schema.makeFilter((text: string) => text !== "" || "expected a non-empty string"),
)

/** A `key=value` agent tag; everything after the first `=` is the value. */
export interface Tag {
  readonly key: string
  readonly value: string
}

export const parseTag = (text: string): Tag | undefined => {
  const at = text.indexOf("=")
  return at <= 0 ? undefined : { key: text.slice(0, at), value: text.slice(at + 1) }
}

export const TagFromString = Schema.String.pipe(
  Schema.check(
    Schema.makeFilter(
      (text: string) =>
        parseTag(text) !== undefined || `expected a tag "key=value", got ${JSON.stringify(text)}`,
    ),
  ),
  Schema.decodeTo(Schema.Struct({ key: Schema.String, value: Schema.String }), {
    decode: SchemaGetter.transform((text: string) => parseTag(text) ?? { key: text, value: "" }),
    encode: SchemaGetter.transform((tag: Tag) => `${tag.key}=${tag.value}`),
  }),
)

/** A number raised to `minimum` when smaller, as the original does for `poll-interval`. */
export const raisedTo = <S extends Schema.Codec<number, unknown>>(schema: S, minimum: number) =>
  schema.pipe(
    Schema.decodeTo(Schema.Number, {
      decode: SchemaGetter.transform((value: number) => Math.max(value, minimum)),
      encode: SchemaGetter.transform((value: number) => value),
    }),
  )
