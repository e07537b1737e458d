/**
 * Writes src/kube/models.generated.ts: the fields of every `@kubernetes/client-node` model a
 * pod template can hold, read from the classes' static `attributeTypeMap`. Loading the
 * client library's index to read them at run time costs the process tens of megabytes (every
 * generated model and API class); the generated table is a few kilobytes. Run with
 * `npx node scripts/generate-kube-models.ts`; a test fails when the committed file differs.
 */
import { writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import * as ClientNode from "@kubernetes/client-node"
import { type GeneratedField, parseTypeString, type TypeRef } from "../src/kube/ModelType.ts"

/** The model every decoded Kubernetes object is part of. */
const root = "V1PodTemplateSpec"

const attributesOf = (name: string): ReadonlyArray<GeneratedField> | undefined => {
  const model: unknown = Object.getOwnPropertyDescriptor(ClientNode, name)?.value
  if (typeof model !== "function" || !("attributeTypeMap" in model)) return undefined
  const map: unknown = model.attributeTypeMap
  if (!Array.isArray(map)) return undefined
  return map.map((attribute: Record<string, unknown>) => ({
    name: String(attribute.name),
    baseName: String(attribute.baseName),
    type: String(attribute.type),
    format: String(attribute.format ?? ""),
  }))
}

const modelsIn = (type: TypeRef): ReadonlyArray<string> =>
  type.kind === "model"
    ? [type.name]
    : type.kind === "array" || type.kind === "map" || type.kind === "patch"
      ? modelsIn(type.of)
      : []

/** Every model reachable from the root, by name, with its fields in client-node's order. */
export const reachableModels = (): ReadonlyMap<string, ReadonlyArray<GeneratedField>> => {
  const found = new Map<string, ReadonlyArray<GeneratedField>>()
  const queue = [root]
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    if (found.has(name)) continue
    const fields = attributesOf(name)
    if (fields === undefined) throw new Error(`${name} is not a client-node model`)
    found.set(name, fields)
    for (const field of fields) queue.push(...modelsIn(parseTypeString(field.type, field.format)))
  }
  return new Map([...found].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

/** The text of src/kube/models.generated.ts. */
export const renderKubeModels = (): string => {
  const lines = [
    "/**",
    ` * The fields of the ${"`@kubernetes/client-node`"} models reachable from ${"`"}${root}${"`"}, as the`,
    " * classes' static `attributeTypeMap` lists them. Written by",
    " * `npx node scripts/generate-kube-models.ts`; do not edit.",
    " */",
    'import type { GeneratedField } from "./ModelType.ts"',
    "",
    "// biome-ignore format: generated, one field per line",
    "export const generatedModels: Readonly<Record<string, ReadonlyArray<GeneratedField>>> = {",
  ]
  for (const [name, fields] of reachableModels()) {
    lines.push(`  ${name}: [`)
    for (const field of fields) {
      const { name: key, baseName, type, format } = field
      const text = [key, baseName, type, format].map((value) => JSON.stringify(value))
      lines.push(
        `    { name: ${text[0]}, baseName: ${text[1]}, type: ${text[2]}, format: ${text[3]} },`,
      )
    }
    lines.push("  ],")
  }
  lines.push("}", "")
  return lines.join("\n")
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(new URL("../src/kube/models.generated.ts", import.meta.url), renderKubeModels())
}
