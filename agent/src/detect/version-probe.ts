/**
 * The common shape of a component detector: find executables by name on the probe path, run each
 * with the arguments that make it print its banner, and read the banner. Most detectors are one
 * call to `versionProbe` with their names, arguments and banner parser.
 *
 * A program that runs but does not print the component's banner is not reported: a file called
 * `php` that is not PHP (a broken install, an unrelated wrapper) must not make the controller
 * believe the host can run PHP sites. The exit code is ignored, since some tools exit non-zero
 * after printing their version (webalizer, vsftpd on some builds, exim with a broken config).
 */
import type { Component, ComponentName } from '@hostplane/shared';
import type { DetectEnv, Detector, Finding } from './detector.js';
import type { ProbeOutput } from './run-probe.js';

export interface VersionProbeSpec {
  readonly component: ComponentName;
  /** Executable names, exact (`nginx`) or as an anchored pattern (`/^php(\d+(\.\d+)?)?$/`). */
  readonly names: readonly string[] | RegExp;
  readonly args: readonly string[];
  /** The tool prints to its stdin (vsftpd). */
  readonly captureStdin?: boolean;
  /** `undefined` when the output is not this component's banner; otherwise its version, if printed. */
  parse(output: ProbeOutput): { readonly version?: string | undefined } | undefined;
}

export function nameMatcher(names: readonly string[] | RegExp): (name: string) => boolean {
  return Array.isArray(names) ? (name) => names.includes(name) : (name) => (names as RegExp).test(name);
}

export function versionProbe(spec: VersionProbeSpec): Detector {
  const accept = nameMatcher(spec.names);
  return {
    name: spec.component,
    async detect(env: DetectEnv): Promise<Finding> {
      const executables = await env.executables(accept);
      const found = await Promise.all(
        executables.map(async (exe): Promise<Component | undefined> => {
          const output = await env.run(exe, spec.args, spec.captureStdin ? { captureStdin: true } : {});
          if (output.failed) return undefined;
          const banner = spec.parse(output);
          if (!banner) return undefined;
          return component(spec.component, banner.version, exe.path);
        }),
      );
      return { components: found.filter((c): c is Component => c !== undefined) };
    },
  };
}

/** A component object without undefined fields, so reports compare and serialize cleanly. */
export function component(name: ComponentName, version: string | undefined, path: string | undefined): Component {
  return { name, ...(version ? { version } : {}), ...(path ? { path } : {}) };
}
