/**
 * Miva Empresa: the `mivavm` CGI binary (in a CGI directory such as `/usr/lib/cgi-bin`, or in its
 * installation directory `/usr/local/mivavm-v5.51/cgi-bin`). Detected by presence and NOT run:
 * it is a CGI program, often installed setuid root, with no documented command-line version flag,
 * and executing it outside a web server would be both unreliable and unwise. The version is taken
 * from a `mivavm-vX.Y` installation directory in its path when there is one.
 */
import type { Detector } from '../detector.js';
import { component } from '../version-probe.js';
import { capture } from '../version.js';

const INSTALL_DIR = /\/mivavm-v(\d+\.\d+)\//;

export const mivavm: Detector = {
  name: 'mivavm',
  async detect(env) {
    const executables = await env.executables((name) => name === 'mivavm');
    return {
      components: executables.map((exe) =>
        component('mivavm', capture(exe.path, INSTALL_DIR) ?? capture(exe.foundAt, INSTALL_DIR), exe.path),
      ),
    };
  },
};
