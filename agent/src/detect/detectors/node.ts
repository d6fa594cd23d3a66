/** Node.js: `node --version` (Debian also ships it as `nodejs`) prints `v20.11.1`. */
import { versionProbe } from '../version-probe.js';
import { capture } from '../version.js';

export const node = versionProbe({
  component: 'node',
  names: ['node', 'nodejs'],
  args: ['--version'],
  parse: ({ stdout }) => {
    const version = capture(stdout, /^v(\d+\.\d+\.\d+)\s*$/m);
    return version ? { version } : undefined;
  },
});
