/**
 * The traffic of a site this month from its nginx log in the agent's format: read incrementally
 * (offsets kept), across rotation and truncation, month by month (UTC), and never thrown off by a
 * line that is not the agent's format.
 */
import { appendFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EMPTY_TRAFFIC, readTraffic, type TrafficState } from '../../../agent/src/usage/traffic.js';
import { tempDir } from '../../helpers/processes.js';

const NOV = Date.UTC(2026, 10, 20) / 1000; // 2026-11-20
const DEC = Date.UTC(2026, 11, 1, 0, 0, 5) / 1000; // 2026-12-01 00:00:05
const line = (sec: number, bytes: number) => `${sec}.123 ${bytes}\n`;
const now = new Date(Date.UTC(2026, 10, 25));

function logFile(): string {
  return join(tempDir('hostplane-traffic-'), 'site.example.log');
}

describe('readTraffic', () => {
  it('counts the bytes of this month, and only what was added since the last read', async () => {
    const file = logFile();
    writeFileSync(file, line(NOV, 100) + line(NOV + 1, 250));
    let s = await readTraffic(file, EMPTY_TRAFFIC, now);
    expect(s).toMatchObject({ month: '2026-11', bytes: 350 });
    appendFileSync(file, line(NOV + 2, 50));
    s = await readTraffic(file, s, now);
    expect(s.bytes).toBe(400);
    expect(await readTraffic(file, s, now)).toEqual(s); // nothing new: the same
  });

  it('a line being written is counted once it is complete', async () => {
    const file = logFile();
    writeFileSync(file, `${line(NOV, 100)}${NOV}.5 7`);
    let s = await readTraffic(file, EMPTY_TRAFFIC, now);
    expect(s.bytes).toBe(100);
    appendFileSync(file, '00\n');
    s = await readTraffic(file, s, now);
    expect(s.bytes).toBe(800);
  });

  it('finishes a rotated log (<file>.1) before reading the new one from its start', async () => {
    const file = logFile();
    writeFileSync(file, line(NOV, 100));
    let s = await readTraffic(file, EMPTY_TRAFFIC, now);
    appendFileSync(file, line(NOV + 1, 20)); // written after the read, before the rotation
    renameSync(file, `${file}.1`);
    writeFileSync(file, line(NOV + 2, 3));
    s = await readTraffic(file, s, now);
    expect(s.bytes).toBe(123);
  });

  it('a log truncated in place is read again from its start', async () => {
    const file = logFile();
    writeFileSync(file, line(NOV, 100) + line(NOV, 100));
    let s = await readTraffic(file, EMPTY_TRAFFIC, now);
    writeFileSync(file, line(NOV, 5));
    s = await readTraffic(file, s, now);
    expect(s.bytes).toBe(205);
  });

  it('a new month starts from zero: with its first line, or with the clock when there is none', async () => {
    const file = logFile();
    writeFileSync(file, line(NOV, 1000) + line(DEC, 7));
    const s = await readTraffic(file, EMPTY_TRAFFIC, new Date(Date.UTC(2026, 11, 1, 0, 10)));
    expect(s).toMatchObject({ month: '2026-12', bytes: 7 });
    const quiet: TrafficState = { inode: 0, offset: 0, month: '2026-11', bytes: 999 };
    const missing = join(tempDir('hostplane-traffic-'), 'none.log');
    expect(await readTraffic(missing, quiet, new Date(Date.UTC(2026, 11, 2)))).toMatchObject({ month: '2026-12', bytes: 0 });
    expect(await readTraffic(missing, quiet, now)).toMatchObject({ month: '2026-11', bytes: 999 });
  });

  it('a clock that was ahead neither freezes nor zeroes the month: future lines and states are not trusted', async () => {
    const file = logFile();
    writeFileSync(file, line(NOV, 5000) + line(Date.UTC(2031, 2, 1) / 1000, 1) + line(253402300800, 7) + line(NOV + 1, 7000));
    expect(await readTraffic(file, EMPTY_TRAFFIC, now)).toMatchObject({ month: '2026-11', bytes: 12000 });
    const ahead: TrafficState = { inode: 0, offset: 0, month: '2031-03', bytes: 1000 };
    expect(await readTraffic(logFile(), ahead, now)).toMatchObject({ month: '2026-11', bytes: 0 });
  });

  it('hostile lines (binary, huge, forged fields, no newline) are skipped; the good ones around them count', async () => {
    const file = logFile();
    const huge = 'x'.repeat(3 * 1024 * 1024);
    writeFileSync(
      file,
      Buffer.concat([
        Buffer.from(line(NOV, 1)),
        Buffer.from([0, 255, 10, 13, 0x80, 10]),
        Buffer.from(`${huge}\n`),
        Buffer.from(`${NOV} 99999999999999999999999\n`), // too many digits: not ours
        Buffer.from(`host=other.example ${NOV} 500\n`),
        Buffer.from(`${NOV}.1 -5\n`),
        Buffer.from(`1e9 5\n`),
        Buffer.from(line(NOV, 2)),
        Buffer.from(`${huge}`), // no newline at the end
      ]),
    );
    const s = await readTraffic(file, EMPTY_TRAFFIC, now);
    expect(s.bytes).toBe(3);
  });

  it('lines across chunk boundaries: 20 MB of log counted to the byte', async () => {
    const file = logFile();
    const one = line(NOV, 1234);
    const lines = Math.ceil((20 << 20) / one.length);
    writeFileSync(file, one.repeat(lines));
    expect((await readTraffic(file, EMPTY_TRAFFIC, now)).bytes).toBe(lines * 1234);
  });
});
