/**
 * Webalizer: `webalizer -V` prints `Webalizer V2.23-08 (Linux 6.1.0-13-amd64 x86_64) English`
 * and the copyright line, and exits 1. The version is reported as printed (`2.23-08`).
 */
import { versionProbe } from '../version-probe.js';
import { capture } from '../version.js';

export const webalizer = versionProbe({
  component: 'webalizer',
  names: ['webalizer'],
  args: ['-V'],
  parse: ({ stdout }) => {
    const version = capture(stdout, /^Webalizer V(\d+\.\d+(?:-\d+)?)/m);
    return version ? { version } : undefined;
  },
});
