#!/usr/bin/env -S node --max-semi-space-size=1
// The agent daemon; the TypeScript is built into dist/ by `npm install` (prepare) or `npm run build`.
// A long-running, low-traffic daemon: a small young generation (the flag above) keeps its resident
// memory low (SPEC §8: under 80 MB) at the cost of more frequent, cheap scavenges.
import { main } from '../dist/main.js';

await main();
