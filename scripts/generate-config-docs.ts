/**
 * Writes docs/configuration.md and the configuration section of README.md from the option
 * table. Run with `npx node scripts/generate-config-docs.ts`; a test fails when either
 * committed file differs.
 */
import { readFileSync, writeFileSync } from "node:fs"
import { configReference, readmeWithReference } from "../src/config/reference.ts"

const readme = new URL("../README.md", import.meta.url)
writeFileSync(new URL("../docs/configuration.md", import.meta.url), configReference())
writeFileSync(readme, readmeWithReference(readFileSync(readme, "utf8")))
