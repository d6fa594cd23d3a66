#!/usr/bin/env node
// The agent daemon; the TypeScript is built into dist/ by `npm install` (prepare) or `npm run build`.
import { main } from '../dist/main.js';

await main();
