/**
 * Writes docs/configuration.md from the option table. Run with
 * `npx node scripts/generate-config-docs.ts`; a test fails when the committed file differs.
 */
import { writeFileSync } from "node:fs"
import { configReference } from "../src/config/reference.ts"

writeFileSync(new URL("../docs/configuration.md", import.meta.url), configReference())
