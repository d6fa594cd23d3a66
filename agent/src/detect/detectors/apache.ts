/**
 * Apache httpd: `apache2 -v` (Debian) or `httpd -v` (RHEL) prints
 * `Server version: Apache/2.4.57 (Debian)` then `Server built:   …` on stdout.
 */
import { versionProbe } from '../version-probe.js';
import { capture } from '../version.js';

export const apache = versionProbe({
  component: 'apache',
  names: ['apache2', 'httpd'],
  args: ['-v'],
  parse: ({ text }) => {
    const version = capture(text, /^Server version: Apache\/(\d+(?:\.\d+)+)/m);
    return version ? { version } : undefined;
  },
});
