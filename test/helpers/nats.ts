/** A private nats-server (JetStream on, temp store) on a free port; never the machine's shared one. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { STREAM } from '../../controller/src/events/nats-publisher.js';
import { freePort, tempDir } from './processes.js';

export const NATS_SERVER = ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'].find((p) => existsSync(p));


function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = tcpConnect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

export class PrivateNats {
  private child: ChildProcess | undefined;
  readonly storeDir = tempDir('hostplane-nats-');
  constructor(readonly port: number) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<PrivateNats> {
    const n = new PrivateNats(await freePort());
    await n.start();
    return n;
  }

  async start(): Promise<void> {
    if (!NATS_SERVER) throw new Error('nats-server is not installed (apt-get install nats-server)');
    this.child = spawn(NATS_SERVER, ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir], { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    while (!(await accepting(this.port))) {
      if (Date.now() > deadline) throw new Error(`nats-server did not start on ${this.port}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    await exited;
  }
}

export interface Published {
  id: number;
  type: string;
  entityName: string;
  seq: number;
  subject: string;
}

/** Every event the stream holds, in stream order. */
export async function readPublished(url: string): Promise<Published[]> {
  const nc: NatsConnection = await connect({ servers: url });
  try {
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info(STREAM);
    const out: Published[] = [];
    if (info.state.messages === 0) return out;
    const consumer = await jetstream(nc).consumers.get(STREAM); // ordered, from the start
    const iter = await consumer.fetch({ max_messages: info.state.messages, expires: 5000 });
    for await (const m of iter) {
      const body = m.json<{ id: number; type: string; entityName: string }>();
      out.push({ ...body, seq: m.seq, subject: m.subject });
      if (out.length >= info.state.messages) break;
    }
    return out;
  } finally {
    await nc.close();
  }
}
