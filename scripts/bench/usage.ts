/**
 * Benchmark: the agent's usage measurement (goals: disk within 1.5× of `du -sb`, traffic parsing
 * ≥ 200 MB/s, a whole cycle over 1,000 sites of 1,000 files each under 10 s with the agent under
 * 80 MB RSS).
 * 1. A webspace of 200,000 files: the agent's disk measurement against `du -sb` of the same tree.
 * 2. A 1 GB traffic log: the agent's reader against `wc -c` of the same file (MB/s).
 * 3. 1,000 sites of 1,000 files and a traffic log each: one measurement cycle of the agent's
 *    UsageMeter in a process of its own (the built agent code), its time and peak RSS.
 * Last line: {"bench":"usage","files":200000,"seconds":S,"duSeconds":D,"ratioToDu":S/D,"trafficMBps":T,"cycleSeconds":C,"agentRssMB":M}
 *
 * Usage: npm run build && npm run bench:usage
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { diskBytes } from '../../agent/src/usage/disk.js';
import { EMPTY_TRAFFIC, readTraffic } from '../../agent/src/usage/traffic.js';

const log = (m: string) => process.stderr.write(`${m}\n`);
const root = mkdtempSync(join(tmpdir(), 'hostplane-bench-usage-'));
const best = async (fn: () => Promise<unknown> | unknown, runs = 3) => {
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    min = Math.min(min, (performance.now() - t0) / 1000);
  }
  return min;
};

/** `files` files of 100 bytes in directories of 1,000. */
function tree(dir: string, files: number): void {
  const body = Buffer.alloc(100, 0x61);
  for (let d = 0; d * 1000 < files; d++) {
    const sub = join(dir, `d${d}`);
    mkdirSync(sub, { recursive: true });
    for (let f = 0; f < 1000 && d * 1000 + f < files; f++) writeFileSync(join(sub, `f${f}`), body);
  }
}

try {
  // 1. disk
  const FILES = 200_000;
  const web = join(root, 'web');
  let t0 = performance.now();
  tree(web, FILES);
  log(`created ${FILES} files in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const bytes = await diskBytes(web);
  const seconds = await best(() => diskBytes(web));
  const duSeconds = await best(() => execFileSync('du', ['-sb', web]));
  log(`disk: ${bytes} bytes in ${seconds.toFixed(3)} s; du -sb ${duSeconds.toFixed(3)} s`);

  // 2. traffic
  const logFile = join(root, 'traffic.log');
  const line = `${Math.floor(Date.now() / 1000)}.123 12345\n`;
  const chunk = Buffer.from(line.repeat(Math.floor((1 << 20) / line.length)));
  const fd = openSync(logFile, 'w');
  for (let i = 0; i < 1024; i++) writeSync(fd, chunk);
  closeSync(fd);
  const logBytes = chunk.length * 1024;
  let traffic = 0;
  const readSeconds = await best(async () => (traffic = (await readTraffic(logFile, EMPTY_TRAFFIC, new Date())).bytes), 2);
  const wcSeconds = await best(() => execFileSync('wc', ['-c', logFile]), 2);
  const trafficMBps = logBytes / (1 << 20) / readSeconds;
  log(`traffic: ${traffic} bytes counted from ${(logBytes / (1 << 20)).toFixed(0)} MB in ${readSeconds.toFixed(3)} s (${trafficMBps.toFixed(0)} MB/s); wc -c ${wcSeconds.toFixed(3)} s`);
  rmSync(logFile);

  // 3. a cycle over 1,000 sites of 1,000 files
  const vhosts = join(root, 'vhosts');
  const configDir = join(root, 'config');
  mkdirSync(join(configDir, 'traffic'), { recursive: true });
  t0 = performance.now();
  const siteLog = line.repeat(1000);
  for (let s = 0; s < 1000; s++) {
    tree(join(vhosts, `site${s}.bench.example`), 1000);
    writeFileSync(join(configDir, 'traffic', `site${s}.bench.example.log`), siteLog);
  }
  log(`created 1,000 sites of 1,000 files in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const child = resolve(import.meta.dirname, 'usage-cycle.mjs');
  const out = JSON.parse(execFileSync(process.execPath, [child, vhosts, configDir, join(root, 'state'), '1000'], { encoding: 'utf8' }).trim().split('\n').pop()!) as {
    seconds: number;
    rssMB: number;
    sites: number;
  };
  log(`cycle: ${out.sites} sites in ${out.seconds.toFixed(2)} s, peak RSS ${out.rssMB} MB`);
  console.log(
    JSON.stringify({
      bench: 'usage',
      files: FILES,
      seconds: Number(seconds.toFixed(3)),
      duSeconds: Number(duSeconds.toFixed(3)),
      ratioToDu: Number((seconds / duSeconds).toFixed(2)),
      trafficMBps: Math.round(trafficMBps),
      cycleSeconds: Number(out.seconds.toFixed(2)),
      agentRssMB: out.rssMB,
    }),
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
