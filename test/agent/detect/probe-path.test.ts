/** The probe path and the probes' safety: only the given directories, bounded time, no trust in names. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectCapabilities, detectorNamed, type Detector } from '../../../agent/src/index.js';
import { makeTempDir, writeExecutable, writeFixture, writeGarbageFixture, writeHangingFixture, writeProbeDir } from '../fixtures.js';
import { detectComponents } from './run.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let n = 0;
const fresh = () => path.join(tmp.dir, `case-${++n}`);

beforeAll(async () => {
  tmp = await makeTempDir();
});
afterAll(() => tmp.cleanup());

describe('probe path', () => {
  it('an empty probe path finds no components (and does not fall back to the default)', async () => {
    const report = await detectCapabilities({ vhostsRoot: tmp.dir, probePath: [] });
    expect(report.components).toEqual([]);
    expect(report.disk).toBeDefined();
    expect(report.os).toBeDefined();
  });

  it('an explicit probe path searches only its directories (this machine has perl in /usr/bin)', async () => {
    const dir = fresh();
    await writeProbeDir(dir, ['nginx']);
    expect((await detectComponents([dir])).map((c) => c.name)).toEqual(['nginx']);
  });

  it('missing directories are skipped; duplicates and links to the same directory are searched once', async () => {
    const dir = fresh();
    const [nginx] = await writeProbeDir(dir, ['nginx']);
    await fs.symlink(dir, `${dir}-link`);
    expect(await detectComponents([path.join(dir, 'missing'), dir, `${dir}-link`, dir])).toEqual([nginx]);
  });

  it('rejects a relative probe path entry, naming it', async () => {
    await expect(detectCapabilities({ vhostsRoot: tmp.dir, probePath: ['usr/bin'] })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      field: 'probePath[0]',
    });
  });

  it('skips files that are not executable, or writable by group or others', async () => {
    const dir = fresh();
    const nginx = await writeFixture(dir, 'nginx', [{ args: '-v', stderr: 'nginx version: nginx/1.22.1\n' }]);
    const perl = await writeFixture(dir, 'perl', [{ args: '-v', stdout: '\nThis is perl 5, version 36, subversion 0 (v5.36.0) built for x86_64-linux-gnu-thread-multi\n' }]);
    await fs.chmod(nginx, 0o644);
    await fs.chmod(perl, 0o777);
    expect(await detectComponents([dir])).toEqual([]);
  });

  it('ignores names that merely resemble a component (php-config8.2, phpize, php8.2.bak, .php)', async () => {
    const dir = fresh();
    for (const name of ['php-config8.2', 'phpize8.2', 'php8.2.bak', '.php', 'php-cgi8.2', 'php8.2-wrapper']) {
      await writeFixture(dir, name, [{ args: '*', stdout: 'PHP 8.2.12 (cli) (built: Oct 27 2023 13:00:00) (NTS)\n' }]);
    }
    expect(await detectComponents([dir])).toEqual([]);
  });
});

describe('probes that misbehave', () => {
  it('a hanging probe is killed at the deadline, with its children, and does not stall detection', async () => {
    const dir = fresh();
    const expected = await writeProbeDir(dir, ['nginx', 'postfix', { name: 'php', version: '8.2.12' }]);
    await writeHangingFixture(dir, 'php7.4', 30);
    const started = performance.now();
    const found = await detectComponents([dir], { probeTimeoutMs: 400 });
    const elapsed = performance.now() - started;
    expect(found).toEqual(expected); // php7.4 is not reported, the others are
    expect(elapsed).toBeLessThan(400 + 2500);
    const pid = Number((await fs.readFile(path.join(dir, 'php7.4.pid'), 'utf8')).trim());
    expect(await gone(pid)).toBe(true); // the `sleep 30` child was killed too
  });

  it('probes run concurrently: four hanging probes cost one deadline, not four', async () => {
    const dir = fresh();
    for (const name of ['nginx', 'apache2', 'php8.2', 'postgres']) await writeHangingFixture(dir, name, 30);
    const started = performance.now();
    expect(await detectComponents([dir], { probeTimeoutMs: 500 })).toEqual([]);
    expect(performance.now() - started).toBeLessThan(4 * 500);
  });

  it('a detector that overruns its deadline contributes nothing, is reported to onError, and the others still count', async () => {
    const dir = fresh();
    const expected = await writeProbeDir(dir, ['nginx']);
    const stuck: Detector = { name: 'stuck', detect: () => new Promise(() => undefined) };
    const errors: string[] = [];
    const report = await detectCapabilities({
      vhostsRoot: tmp.dir,
      probePath: [dir],
      detectors: [stuck, detectorNamed('nginx')!],
      detectorTimeoutMs: 200,
      onError: (name) => errors.push(name),
    });
    expect(report.components).toEqual(expected);
    expect(errors).toEqual(['stuck']);
  });

  it('a detector that fails once is tried again; one that keeps failing keeps its last good finding', async () => {
    const dir = fresh();
    const expected = await writeProbeDir(dir, ['nginx']);
    const nginx = detectorNamed('nginx')!;
    let calls = 0;
    let failing = false;
    // Fails every other call while `failing` (a moment of overload), always once it is broken.
    const flaky: Detector = {
      name: 'nginx',
      detect: (env) => (failing || ++calls % 2 === 1 ? Promise.reject(new Error('probe timed out')) : nginx.detect(env)),
    };
    const lastGood = new Map();
    const errors: string[] = [];
    const opts = { vhostsRoot: tmp.dir, probePath: [dir], detectors: [flaky], lastGood, onError: (name: string) => errors.push(name) };
    expect((await detectCapabilities(opts)).components).toEqual(expected); // the first attempt failed, the second found it
    expect(errors).toEqual([]);
    failing = true;
    expect((await detectCapabilities(opts)).components).toEqual(expected); // broken now: the last good finding stands
    expect(errors).toEqual(['nginx']);
    // Without a last good finding, nothing.
    expect((await detectCapabilities({ ...opts, lastGood: new Map() })).components).toEqual([]);
  });

  it('garbage output is not reported as the component (decision: no banner, no component)', async () => {
    const dir = fresh();
    for (const name of ['php8.2', 'php-fpm8.2', 'nginx', 'apache2', 'mysqld', 'postgres', 'vsftpd', 'pure-ftpd', 'webalizer', 'postconf', 'exim4', 'perl', 'python3', 'node']) {
      await writeGarbageFixture(dir, name);
    }
    expect(await detectComponents([dir])).toEqual([]);
  });

  it('output beyond the bound is cut, not buffered without limit', async () => {
    const dir = fresh();
    const big = `nginx version: nginx/1.22.1\n${'x'.repeat(200_000)}\n`;
    await writeFixture(dir, 'nginx', [{ args: '-v', stderr: big }]);
    const found = await detectComponents([dir], { maxOutputBytes: 1024 });
    expect(found.map((c) => c.name)).toEqual(['nginx']);
  });

  it('a file that cannot be executed (bad interpreter) is simply not found', async () => {
    const dir = fresh();
    await writeExecutable(dir, 'nginx', '#!/nonexistent/interpreter\n');
    expect(await detectComponents([dir])).toEqual([]);
  });
});

/** Whether a process has exited (absent, or a zombie awaiting its reaper). */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
    if (stat === undefined || / Z /.test(stat.slice(stat.lastIndexOf(')')))) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}
