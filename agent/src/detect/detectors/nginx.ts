/** nginx: `nginx -v` prints `nginx version: nginx/1.22.1` on stderr (OpenResty: `openresty/1.21.4.1`). */
import { versionProbe } from '../version-probe.js';
import { capture } from '../version.js';

export const nginx = versionProbe({
  component: 'nginx',
  names: ['nginx'],
  args: ['-v'],
  parse: ({ text }) => {
    const version = capture(text, /^nginx version: [\w.-]+\/(\d+(?:\.\d+)+)/m);
    return version ? { version } : undefined;
  },
});
