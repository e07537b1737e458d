/**
 * The shape of Kubernetes model types, from `@kubernetes/client-node`'s metadata: every
 * generated model class carries a static `attributeTypeMap` listing its JSON keys and their
 * types as strings (`Array<V1EnvVar>`, `{ [key: string]: string; }`, `IntOrString`, …). The
 * maps of the models a pod template can hold are copied into `models.generated.ts` (loading
 * the client library's index to read them would add every generated model and API class to
 * the process); this module turns those strings into `TypeRef`s, so one generic decoder
 * covers every model and follows the client library when it is upgraded and the table is
 * regenerated. The project's own objects (the `kubernetes` plugin and its params) are
 * described the same way and registered with `registerModel`.
 */
import { generatedModels } from "./models.generated.ts"
import { requiredFields } from "./RequiredFields.ts"

/** A JSON value's expected type. */
export type TypeRef =
  | { readonly kind: "string" }
  | { readonly kind: "boolean" }
  | { readonly kind: "number"; readonly format: string }
  | { readonly kind: "date" }
  | { readonly kind: "any" }
  | { readonly kind: "intOrString" }
  | { readonly kind: "quantity" }
  | { readonly kind: "oneOf"; readonly what: string; readonly values: ReadonlyArray<string> }
  | { readonly kind: "array"; readonly of: TypeRef }
  | { readonly kind: "map"; readonly of: TypeRef }
  | { readonly kind: "model"; readonly name: string }
  /** The inner value is a strategic merge patch (directives and `null`s kept). */
  | { readonly kind: "patch"; readonly of: TypeRef }

/** One key of a model object. */
export interface FieldSpec {
  /** The JSON key (client-node's `baseName`). */
  readonly name: string
  readonly type: TypeRef
  /** One sentence for `lint` output and generated docs. */
  readonly description?: string
}

/** A model object: its fields and which of them the API requires. */
export interface ModelSpec {
  readonly name: string
  readonly fields: ReadonlyArray<FieldSpec>
  readonly required: ReadonlyArray<string>
}

/** One entry of a client-node model's `attributeTypeMap`. */
export interface GeneratedField {
  /** The property name in client-node's class. */
  readonly name: string
  /** The JSON key. */
  readonly baseName: string
  /** client-node's type string, e.g. `Array<V1EnvVar>`. */
  readonly type: string
  /** The OpenAPI format (`int32`, `int64`, `date-time`, …) or `""`. */
  readonly format: string
}

// Quantities are typed `string` in the generated models, but the API server (and Go's JSON
// decoder for `resource.Quantity`) also accepts bare numbers and rejects malformed text.
const quantityFields: Readonly<Record<string, ReadonlyArray<string>>> = {
  V1ResourceRequirements: ["limits", "requests"],
  V1VolumeResourceRequirements: ["limits", "requests"],
  V1PodSpec: ["overhead"],
  V1EmptyDirVolumeSource: ["sizeLimit"],
  V1ResourceFieldSelector: ["divisor"],
}

// The controller fills these in when they are missing (a command container's name defaults to
// `container-<i>`, an empty container list gets the default container), so a job may omit
// them even though the API requires them.
const controllerDefaulted: Readonly<Record<string, ReadonlyArray<string>>> = {
  V1PodSpec: ["containers"],
  V1Container: ["name"],
}

const mapPattern = /^\{ \[key: string\]: (.+); \}$/
const arrayPattern = /^Array<(.+)>$/

/** Parses one of client-node's type strings (with the attribute's `format`). */
export const parseTypeString = (type: string, format = ""): TypeRef => {
  const array = arrayPattern.exec(type)
  if (array?.[1] !== undefined) return { kind: "array", of: parseTypeString(array[1], format) }
  const map = mapPattern.exec(type)
  if (map?.[1] !== undefined) return { kind: "map", of: parseTypeString(map[1], format) }
  switch (type) {
    case "string":
      return { kind: "string" }
    case "boolean":
      return { kind: "boolean" }
    case "number":
      return { kind: "number", format }
    case "Date":
      return { kind: "date" }
    case "any":
      return { kind: "any" }
    case "IntOrString":
      return { kind: "intOrString" }
    default:
      return { kind: "model", name: type }
  }
}

const asQuantity = (type: TypeRef): TypeRef =>
  type.kind === "map" ? { kind: "map", of: asQuantity(type.of) } : { kind: "quantity" }

const custom = new Map<string, ModelSpec>()
const generated = new Map<string, ModelSpec>()

/** Makes a model described by this project known to the decoder (by its `name`). */
export const registerModel = (spec: ModelSpec): ModelSpec => {
  custom.set(spec.name, spec)
  return spec
}

const fromGenerated = (name: string): ModelSpec | undefined => {
  const attributes = Object.hasOwn(generatedModels, name) ? generatedModels[name] : undefined
  if (attributes === undefined) return undefined
  const quantities = quantityFields[name] ?? []
  return {
    name,
    required: (requiredFields[name] ?? []).filter(
      (field) => !(controllerDefaulted[name] ?? []).includes(field),
    ),
    fields: attributes.map((attribute) => {
      const type = parseTypeString(attribute.type, attribute.format)
      return {
        name: attribute.baseName,
        type: quantities.includes(attribute.baseName) ? asQuantity(type) : type,
      }
    }),
  }
}

/** The model called `name` (a client-node model such as `V1PodSpec`, or a registered one). */
export const modelSpec = (name: string): ModelSpec | undefined => {
  const known = custom.get(name) ?? generated.get(name)
  if (known !== undefined) return known
  const spec = fromGenerated(name)
  if (spec !== undefined) generated.set(name, spec)
  return spec
}

const elementModel = (type: TypeRef): string | undefined => {
  switch (type.kind) {
    case "array":
    case "map":
    case "patch":
      return elementModel(type.of)
    case "model":
      return type.name
    default:
      return undefined
  }
}

/**
 * The model type held by `field` of `model` (the element type for lists and maps), e.g.
 * `fieldType("V1PodSpec", "containers")` is `"V1Container"`; `undefined` for scalar fields and
 * unknown names.
 */
export const fieldType = (model: string, field: string): string | undefined => {
  const spec = modelSpec(model)?.fields.find((candidate) => candidate.name === field)
  return spec === undefined ? undefined : elementModel(spec.type)
}
