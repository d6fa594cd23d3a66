/** Host facts other than the disk: OS, CPU, memory. */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectCapabilities, detectorNamed, parseOsRelease, readOs } from '../../../agent/src/index.js';
import { makeTempDir } from '../fixtures.js';

const DEBIAN_12 = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
`;

describe('os', () => {
  it('parses os-release (quoted, unquoted, escaped, comments)', () => {
    expect(parseOsRelease(`${DEBIAN_12}# comment\nX='single'\nY="a \\"quoted\\" word"\n`)).toMatchObject({
      NAME: 'Debian GNU/Linux',
      VERSION_ID: '12',
      VERSION_CODENAME: 'bookworm',
      X: 'single',
      Y: 'a "quoted" word',
    });
  });

  it('reads distribution and release from the first os-release file that exists', async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      const file = path.join(dir, 'os-release');
      await fs.writeFile(file, DEBIAN_12);
      expect(await readOs([path.join(dir, 'missing'), file])).toEqual({
        platform: os.platform(),
        distro: 'Debian GNU/Linux',
        release: '12',
        kernel: os.release(),
      });
      expect(await readOs([path.join(dir, 'missing')])).toEqual({ platform: os.platform(), kernel: os.release() });
    } finally {
      await cleanup();
    }
  });
});

describe('cpu and memory', () => {
  it('reports cores, model and total memory of this machine', async () => {
    const report = await detectCapabilities({ vhostsRoot: '/', probePath: [], detectors: [detectorNamed('cpu')!, detectorNamed('memory')!] });
    expect(report).toEqual({
      components: [],
      cpu: expect.objectContaining({ cores: os.cpus().length || os.availableParallelism() }),
      memory: { totalBytes: os.totalmem() },
    });
  });
});
