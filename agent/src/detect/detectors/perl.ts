/**
 * Perl 5: `perl -v` prints, after an empty line,
 * `This is perl 5, version 36, subversion 0 (v5.36.0) built for x86_64-linux-gnu-thread-multi`
 * (before 5.10: `This is perl, v5.8.8 built for …`).
 */
import { versionProbe } from '../version-probe.js';
import { capture } from '../version.js';

export const perl = versionProbe({
  component: 'perl',
  names: ['perl'],
  args: ['-v'],
  parse: ({ stdout }) => {
    const version =
      capture(stdout, /^This is perl \d+, version \d+, subversion \d+ \(v(\d+\.\d+\.\d+)\)/m) ??
      capture(stdout, /^This is perl, v(\d+\.\d+\.\d+)/m);
    return version ? { version } : undefined;
  },
});
