/**
 * `npm run bench`: runs every benchmark module under bench/ and prints its figures.
 * Each module exports `run(): Promise<void>` and prints its own lines.
 */
import { readdirSync } from "node:fs"

const only = process.argv.slice(2)
const modules = readdirSync(new URL(".", import.meta.url))
  .filter((file) => file.endsWith(".ts") && file !== "main.ts")
  .filter((file) => only.length === 0 || only.some((name) => file.startsWith(name)))
  .sort()

for (const file of modules) {
  const module: { run?: () => Promise<void> } = await import(`./${file}`)
  if (module.run === undefined) continue
  process.stdout.write(`\n== ${file.replace(/\.ts$/, "")}\n`)
  await module.run()
}
