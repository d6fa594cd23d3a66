#!/usr/bin/env node
// Bundles the built agent (agent/dist) and its dependencies into one ES module,
// agent/dist/hostplane-agent.bundle.mjs: what the controller serves to new nodes (with the Node
// runtime it runs on) for the one-command install. Run by `npm run build`.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { version } = JSON.parse(readFileSync(join(root, 'agent/package.json'), 'utf8'));
await build({
  entryPoints: [join(root, 'agent/bin/hostplane-agent.js')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile: join(root, 'agent/dist/hostplane-agent.bundle.mjs'),
  // CommonJS dependencies call require(): give the module one.
  banner: { js: "import { createRequire as __hostplaneRequire } from 'node:module'; const require = __hostplaneRequire(import.meta.url);" },
  define: { __HOSTPLANE_AGENT_VERSION__: JSON.stringify(version) },
  logLevel: 'warning',
  legalComments: 'none',
});
