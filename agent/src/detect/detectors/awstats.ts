/**
 * AWStats: the `awstats.pl` CGI script (Debian: `/usr/lib/cgi-bin`, RHEL and the upstream tarball:
 * `…/awstats/wwwroot/cgi-bin`). Not run — without a configuration it only prints an error page —
 * but read: the script carries `$VERSION  = "7.8 (build $REVISION)";` near its top. A file named
 * `awstats.pl` that does not mention AWStats is not reported; one that does but has no version
 * line is reported without a version.
 */
import type { Component } from '@hostplane/shared';
import type { Detector } from '../detector.js';
import { component } from '../version-probe.js';
import { capture } from '../version.js';

const HEAD_BYTES = 16 * 1024;

export const awstats: Detector = {
  name: 'awstats',
  async detect(env) {
    const executables = await env.executables((name) => name === 'awstats.pl');
    const found = await Promise.all(
      executables.map(async (exe): Promise<Component | undefined> => {
        const head = await env.readHead(exe, HEAD_BYTES).catch(() => '');
        if (!/awstats/i.test(head)) return undefined;
        return component('awstats', capture(head, /^\s*\$VERSION\s*=\s*["'](\d+\.\d+)/m), exe.path);
      }),
    );
    return { components: found.filter((c): c is Component => c !== undefined) };
  },
};
