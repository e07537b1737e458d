#!/usr/bin/env node
// The sources are TypeScript run directly by Node 24 (type stripping); this file only
// gives npm a JavaScript bin entry.
import "../src/main.ts"
