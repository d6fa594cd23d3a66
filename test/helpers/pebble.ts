/**
 * Debian's pebble (the ACME test server of Let's Encrypt) as the CA of an end-to-end test, and a
 * tiny DNS responder it resolves the test names with: every name is 127.0.0.1 (the private nginx),
 * except those told to fail (NXDOMAIN). Validation is real: pebble fetches each HTTP-01 challenge
 * from nginx at `httpPort` (no PEBBLE_VA_ALWAYS_VALID). Pebble's own HTTPS is served with a
 * certificate of a throwaway CA, the file the agent takes as `--acme-ca`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { existsSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { ensureOwnCa } from '../../controller/src/own-ca.js';
import { freePort, tempDir } from './processes.js';

export const PEBBLE = ['/usr/bin/pebble', '/usr/sbin/pebble'].find((p) => existsSync(p));

/** Answers A queries with 127.0.0.1 (NXDOMAIN for `failing` names), every other type with no record. */
export async function startDns(failing: ReadonlySet<string>): Promise<{ port: number; close(): void }> {
  const socket: Socket = createSocket('udp4');
  socket.on('message', (msg, peer) => {
    if (msg.length < 12) return;
    let i = 12;
    const labels: string[] = [];
    while (i < msg.length && msg[i] !== 0) {
      const len = msg[i]!;
      labels.push(msg.subarray(i + 1, i + 1 + len).toString('latin1'));
      i += len + 1;
    }
    const questionEnd = i + 5; // the zero label, type, class
    if (questionEnd > msg.length) return;
    const qtype = msg.readUInt16BE(i + 1);
    const name = labels.join('.').toLowerCase();
    const nx = failing.has(name);
    const answer = !nx && qtype === 1;
    const header = Buffer.alloc(12);
    msg.copy(header, 0, 0, 2); // id
    header.writeUInt16BE(0x8180 | (nx ? 3 : 0), 2); // response, recursion desired and available, rcode
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answer ? 1 : 0, 6);
    const parts = [header, msg.subarray(12, questionEnd)];
    if (answer) parts.push(Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1]));
    socket.send(Buffer.concat(parts), peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { port: socket.address().port, close: () => socket.close() };
}

export interface Pebble {
  /** The ACME directory URL (`--acme-directory`). */
  readonly directoryUrl: string;
  /** The CA of pebble's own HTTPS (`--acme-ca`). */
  readonly caFile: string;
  /** The root that pebble's issued certificates chain to (PEM). */
  root(): Promise<string>;
  stop(): Promise<void>;
}

/** Starts pebble validating HTTP-01 on `httpPort` of 127.0.0.1, names resolved by `dnsPort`. */
export async function startPebble(httpPort: number, dnsPort: number): Promise<Pebble> {
  if (!PEBBLE) throw new Error('pebble is not installed (apt-get install pebble)');
  const dir = tempDir('hostplane-pebble-');
  const tls = await ensureOwnCa(dir, ['127.0.0.1', 'localhost']);
  writeFileSync(join(dir, 'cert.pem'), tls.certPem);
  writeFileSync(join(dir, 'key.pem'), tls.keyPem);
  const [port, management, tlsPort] = [await freePort(), await freePort(), await freePort()];
  writeFileSync(
    join(dir, 'pebble.json'),
    JSON.stringify({
      pebble: {
        listenAddress: `127.0.0.1:${port}`,
        managementListenAddress: `127.0.0.1:${management}`,
        certificate: join(dir, 'cert.pem'),
        privateKey: join(dir, 'key.pem'),
        httpPort,
        tlsPort,
        ocspResponderURL: '',
        externalAccountBindingRequired: false,
      },
    }),
  );
  const output: string[] = [];
  const child: ChildProcess = spawn(PEBBLE, ['-config', join(dir, 'pebble.json'), '-dnsserver', `127.0.0.1:${dnsPort}`], {
    env: { ...process.env, PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (c: Buffer) => output.push(c.toString()));
  child.stderr!.on('data', (c: Buffer) => output.push(c.toString()));
  const get = (url: string) =>
    new Promise<string>((resolve, reject) => {
      const req = request(url, { ca: tls.caPem }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks).toString()) : reject(new Error(`${url}: ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end();
    });
  const directoryUrl = `https://127.0.0.1:${port}/dir`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      await get(directoryUrl);
      break;
    } catch (err) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`pebble did not start: ${(err as Error).message}\n${output.join('')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    directoryUrl,
    caFile: tls.caFile,
    root: () => get(`https://127.0.0.1:${management}/roots/0`),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
