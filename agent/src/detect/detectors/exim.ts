/**
 * Exim: `exim -bV` (Debian: `exim4`, with `exim` as a link) prints
 * `Exim version 4.96 #2 built 02-Jul-2023 05:13:49` first, then its build options; it exits
 * non-zero when its configuration is broken, after printing the version.
 */
import { versionProbe } from '../version-probe.js';
import { capture } from '../version.js';

export const exim = versionProbe({
  component: 'exim',
  names: ['exim', 'exim4'],
  args: ['-bV'],
  parse: ({ text }) => {
    const version = capture(text, /^Exim version (\d+\.\d+(?:\.\d+)*)/m);
    return version ? { version } : undefined;
  },
});
