#!/usr/bin/env node
// `npm start`: the embedded default — the controller on SQLite under ./data (127.0.0.1:50051) and
// one local agent for this machine, enrolled automatically the first time. Ctrl-C stops both.
// Options: --data-dir DIR (default ./data), --listen HOST:PORT (default 127.0.0.1:50051),
// --metrics-listen HOST:PORT (default 127.0.0.1:9464; 'off' disables /metrics),
// --http-listen HOST:PORT (the web console and the JSON API; default 127.0.0.1:8080, 'off' disables).
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string', default: './data' },
    listen: { type: 'string', default: '127.0.0.1:50051' },
    'metrics-listen': { type: 'string', default: '127.0.0.1:9464' },
    'http-listen': { type: 'string', default: '127.0.0.1:8080' },
  },
});
const dataDir = resolve(values['data-dir']);
const bin = (p) => join(root, p);
mkdirSync(dataDir, { recursive: true });

const children = [];
function stopAll(signal) {
  for (const c of children) if (c.exitCode === null) c.kill(signal);
}
process.on('SIGINT', () => stopAll('SIGTERM'));
process.on('SIGTERM', () => stopAll('SIGTERM'));

function run(name, args, env = {}) {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  child.on('exit', (code, signal) => {
    process.stderr.write(`start: ${name} exited (${signal ?? code})\n`);
    stopAll('SIGTERM');
    process.exitCode = code ?? 0;
  });
  return child;
}

const controller = run('hostplane-controller', [
  bin('controller/bin/hostplane-controller.js'),
  '--data-dir', dataDir,
  '--listen', values.listen,
  '--metrics-listen', values['metrics-listen'],
  '--http-listen', values['http-listen'],
]);
const [address, httpAddress] = await new Promise((resolveAddress, reject) => {
  let buffer = '';
  const wantHttp = values['http-listen'] !== 'off';
  controller.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    buffer += chunk.toString('utf8');
    const lines = buffer.split('\n');
    const grpc = lines.find((l) => l.includes('"msg":"listening"'));
    const http = lines.find((l) => l.includes('"component":"http-api"') && l.includes('"address"'));
    if (grpc && (http || !wantHttp)) resolveAddress([JSON.parse(grpc).address, http ? JSON.parse(http).address : undefined]);
  });
  controller.on('exit', () => reject(new Error('the controller did not start')));
}).catch(() => {
  // The controller said why on stderr; nothing more to add than the exit code.
  process.exit(1);
});

const tokenFile = join(dataDir, 'admin-token');
const cliEnv = {
  ...process.env,
  HOSTPLANE_CONTROLLER: address,
  HOSTPLANE_TOKEN: process.env.HOSTPLANE_ADMIN_TOKEN ?? readFileSync(tokenFile, 'utf8').trim(),
};
const agentState = join(dataDir, 'agent');
// The local agent's host layout: everything under the data dir, and no validate or reload command,
// since no web server includes what it writes here. Edit data/agent.json to point it at a real
// nginx and php-fpm (see docs/operations.md); it is written once and then left alone.
const layoutFile = join(dataDir, 'agent.json');
if (!existsSync(layoutFile)) {
  writeFileSync(
    layoutFile,
    `${JSON.stringify(
      {
        nginx: { validate: [], reload: [] },
        phpFpm: { validate: [], reload: [], socketDir: join(dataDir, 'run') },
        cgi: { socketDir: join(dataDir, 'run', 'cgi') },
      },
      null,
      2,
    )}\n`,
  );
}
const agentArgs = [
  bin('agent/bin/hostplane-agent.js'),
  '--controller', address,
  '--name', hostname().toLowerCase(),
  '--config', layoutFile,
  '--state-dir', agentState,
  '--vhosts-root', join(dataDir, 'vhosts'),
  '--config-dir', join(dataDir, 'agent-config'),
];
if (!existsSync(join(agentState, 'credential.json'))) {
  const out = execFileSync(process.execPath, [bin('cli/bin/hostplane.js'), 'host', 'token', 'create', '--json'], { env: cliEnv });
  agentArgs.push('--join-token', JSON.parse(out.toString('utf8')).token);
}
const agent = run('hostplane-agent', agentArgs);
agent.stdout.pipe(process.stdout);

const signIn = process.env.HOSTPLANE_ADMIN_TOKEN ? 'your HOSTPLANE_ADMIN_TOKEN' : `the token in ${tokenFile}`;
process.stderr.write(
  `\nhostplane is running: controller on ${address}, local agent '${hostname().toLowerCase()}'.\n` +
    (httpAddress ? `Console: http://${httpAddress}/ (sign in with ${signIn})\n` : '') +
    `In another terminal:\n  export HOSTPLANE_CONTROLLER=${address}\n` +
    (process.env.HOSTPLANE_ADMIN_TOKEN ? '  export HOSTPLANE_TOKEN=<your HOSTPLANE_ADMIN_TOKEN>\n' : `  export HOSTPLANE_TOKEN=$(cat ${tokenFile})\n`) +
    '  npx hostplane host list\n\n',
);
