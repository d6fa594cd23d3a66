/** Python 3: `python3 --version` prints `Python 3.11.2` (on stdout since 3.4, on stderr before). */
import { versionProbe } from '../version-probe.js';
import { capture } from '../version.js';

export const python3 = versionProbe({
  component: 'python3',
  names: ['python3'],
  args: ['--version'],
  parse: ({ text }) => {
    const version = capture(text, /^Python (3\.\d+\.\d+)/m);
    return version ? { version } : undefined;
  },
});
