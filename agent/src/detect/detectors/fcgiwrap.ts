/**
 * fcgiwrap, the FastCGI wrapper that runs a site's `cgi-bin/` scripts for nginx (`hosting.cgi`):
 * `fcgiwrap -h` prints its usage on stdout, with the line `fcgiwrap version 1.1.0`.
 */
import { versionProbe } from '../version-probe.js';
import { capture } from '../version.js';

export const fcgiwrap = versionProbe({
  component: 'fcgiwrap',
  names: ['fcgiwrap'],
  args: ['-h'],
  parse: ({ text }) => {
    const version = capture(text, /^fcgiwrap version (\d+(?:\.\d+)+)/m);
    return version ? { version } : undefined;
  },
});
