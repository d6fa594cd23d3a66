/**
 * The generated TypeScript in proto/gen/ must be exactly what scripts/gen-proto.sh produces from the
 * .proto files: regenerate into a temporary directory and compare byte for byte.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const COMMITTED = join(ROOT, 'proto', 'gen');

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

describe('proto/gen', () => {
  let tmp: string | undefined;
  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('is up to date with proto/hostplane (run `npm run proto` when this fails)', { timeout: 120_000 }, async () => {
    tmp = await mkdtemp(join(tmpdir(), 'hostplane-proto-'));
    await run('bash', [join(ROOT, 'scripts', 'gen-proto.sh'), tmp], { cwd: ROOT });
    const fresh = join(tmp, 'proto', 'gen');

    const [want, have] = await Promise.all([listFiles(fresh), listFiles(COMMITTED)]);
    expect(have, 'files in proto/gen').toEqual(want);
    expect(want).toContain(join('hostplane', 'v1', 'admin.ts'));

    const stale: string[] = [];
    for (const file of want) {
      const [a, b] = await Promise.all([readFile(join(fresh, file)), readFile(join(COMMITTED, file))]);
      if (!a.equals(b)) stale.push(file);
    }
    expect(stale, 'stale generated files').toEqual([]);
  });
});
