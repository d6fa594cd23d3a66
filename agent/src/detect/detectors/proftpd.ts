/** ProFTPD: `proftpd -v` prints `ProFTPD Version 1.3.8` (letter releases: `1.3.6c`, candidates: `1.3.8rc4`). */
import { versionProbe } from '../version-probe.js';
import { capture } from '../version.js';

export const proftpd = versionProbe({
  component: 'proftpd',
  names: ['proftpd'],
  args: ['-v'],
  parse: ({ text }) => {
    const version = capture(text, /ProFTPD Version (\d+\.\d+\.\d+[a-z0-9]*)/);
    return version ? { version } : undefined;
  },
});
