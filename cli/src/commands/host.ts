/**
 * `hostplane host token create|list` (join tokens for enrolling agents) and
 * `hostplane host list|show|detect|maintenance|remove` (the fleet).
 */
import { Argument, Option, type Command } from 'commander';
import { formatSize, installCommand, measuredSize } from '@hostplane/shared';
import {
  CreateJoinTokenRequest,
  DetectHostRequest,
  DrainHostRequest,
  GetHostRequest,
  HostState,
  ListHostsRequest,
  ListJoinTokensRequest,
  RemoveHostRequest,
  RotateHostCredentialRequest,
  SetHostMaintenanceRequest,
  type Host,
} from '@hostplane/proto/hostplane/v1/host.js';
import { group, verb, type Context, type VerbOptions } from '../context.js';
import { CliError, EXIT, present } from '../errors.js';
import { ago, humanTime, plural, renderFields, renderList, renderTable } from '../output.js';
import { parseTtl } from '../options.js';
import { withProgress } from '../progress.js';
import { hostJson, hostStateWord, joinTokenJson, syncLag } from '../shapes.js';

/** DetectHost waits for the agent to run detection and report. */
const DETECT_TIMEOUT_SECONDS = 60;
const STATES = {
  ready: HostState.HOST_STATE_READY,
  unknown: HostState.HOST_STATE_UNKNOWN,
  maintenance: HostState.HOST_STATE_MAINTENANCE,
  incompatible: HostState.HOST_STATE_INCOMPATIBLE,
} as const;

const bytes = measuredSize;

export function renderHost(h: Host, now = new Date()): string {
  let out = renderFields([
    ['Host', h.name],
    ['State', hostStateWord(h.state)],
    ['Connected', h.connected ? `yes${h.controller ? ` (to ${h.controller})` : ''}` : 'no'],
    ['Last heartbeat', h.lastHeartbeatAt ? `${humanTime(h.lastHeartbeatAt)} (${ago(h.lastHeartbeatAt, now)})` : 'never'],
    ['Agent', h.agentVersion ? `${h.agentVersion} (protocol ${h.protocolVersion})` : '-'],
    ['Revision', `${h.revision} (observed ${h.observedRevision}, lag ${syncLag(h)})`],
    ['Subscriptions', String(h.subscriptionCount)],
    [
      'Failing to apply',
      h.failingSubscriptionCount > 0
        ? `${plural(h.failingSubscriptionCount, 'subscription')} (its agent retries; \`hostplane sub list --host ${h.name}\` shows which)`
        : 'none',
    ],
    ['Enrolled', h.createdAt ? humanTime(h.createdAt) : undefined],
    ['Credential issued', h.credentialIssuedAt ? humanTime(h.credentialIssuedAt) : undefined],
  ]);
  const r = h.capabilities;
  if (!r) return `${out}\nNo capability report yet.\n`;
  out +=
    '\n' +
    renderFields([
      ['Detected', humanTime(r.detectedAt)],
      ['OS', r.os ? osText(r.os) : undefined],
      ['CPU', r.cpu ? `${r.cpu.cores} × ${r.cpu.model}` : undefined],
      ['Memory', r.memory ? bytes(r.memory.totalBytes) : undefined],
      [
        'Disk',
        r.disk
          ? `${r.disk.mount}: ${bytes(r.disk.totalBytes)} total, ${bytes(r.disk.freeBytes)} free, ${bytes(r.disk.allocatableBytes)} allocatable`
          : 'not measured',
      ],
    ]);
  if (r.components.length === 0) return `${out}\nNo components detected.\n`;
  return `${out}\n${renderTable(['component', 'version', 'path'], r.components.map((c) => [c.name, c.version || '-', c.path || '-']))}`;
}

/** `Debian GNU/Linux 12 (linux x64, kernel 6.1.0)`, leaving out what the agent did not report. */
function osText(os: { distro: string; release: string; platform: string; arch: string; kernel: string }): string {
  const name = [os.distro, os.release].filter(Boolean).join(' ') || os.platform || 'unknown';
  const detail = [[os.platform, os.arch].filter(Boolean).join(' '), os.kernel ? `kernel ${os.kernel}` : ''].filter(Boolean).join(', ');
  return detail ? `${name} (${detail})` : name;
}

function registerTokens(host: Command, ctx: Context): void {
  const token = group(host, 'token', 'join tokens: single-use, short-lived secrets with which agents enroll', ['hostplane host token create']);
  verb(token, 'create', 'create a join token for enrolling a new host (shown only once)', [
    'hostplane host token create',
    'hostplane host token create --ttl 2h --json',
  ])
    .option('--ttl <duration>', "how long it stays valid, 1m to 7d: seconds, or 30m, 2h, 1d (default: the controller's, 1h)", parseTtl)
    .action(async (opts: VerbOptions & { ttl?: number }, cmd: Command) => {
      const api = ctx.api(cmd);
      const res = await api.call('createJoinToken', CreateJoinTokenRequest.fromPartial({ ttlSeconds: opts.ttl ?? 0 }));
      const record = res.joinToken ? joinTokenJson(res.joinToken) : null;
      const install = installCommand(api.options.address, res.token, res.caHash, res.installPort, res.installTls);
      ctx.emit(opts.json, { token: res.token, caHash: res.caHash || null, installCommand: install ?? null, ...(record ?? {}) }, () => {
        const until = res.joinToken?.expiresAt ? `, valid until ${humanTime(res.joinToken.expiresAt)}` : '';
        const pin = res.caHash ? ` --ca-hash ${res.caHash}` : '';
        return (
          `Join token (single use${until}; shown only once):\n  ${res.token}\n\n` +
          (install
            ? `Install and enroll a new node in one command (as root on a fresh Debian 12 node with curl; the\n` +
              `agent and its Node runtime come from the controller, checked by SHA-256; add --no-systemd to run\n` +
              `it in the foreground, --prefix DIR to install elsewhere than /opt/hostplane):\n  ${install}\n\n` +
              `Or, where hostplane-agent is already installed:\n`
            : `Enroll a host with (as root on the node; Debian's layout by default, see hostplane-agent --print-config;\n` +
              `the token in the environment, not a flag, so that it does not show in ps):\n`) +
          `  HOSTPLANE_JOIN_TOKEN=${res.token} hostplane-agent --controller ${api.options.address}${pin}\n` +
          (res.caHash ? `The agent trusts only the controller whose CA has that hash (${res.caHash}).\n` : '')
        );
      });
    });
  verb(token, 'list', 'list join tokens (never their secrets); unused and unexpired only, unless --all', [
    'hostplane host token list',
    'hostplane host token list --all --json',
  ])
    .option('--all', 'also list tokens that were used or have expired')
    .action(async (opts: VerbOptions & { all?: boolean }, cmd: Command) => {
      const res = await ctx.api(cmd).call('listJoinTokens', ListJoinTokensRequest.fromPartial({ includeSpent: opts.all ?? false }));
      ctx.emit(opts.json, { tokens: res.joinTokens.map(joinTokenJson) }, () =>
        renderList(
          ['id', 'created', 'expires', 'used', 'host'],
          res.joinTokens.map((t) => [t.id, humanTime(t.createdAt), humanTime(t.expiresAt), t.usedAt ? humanTime(t.usedAt) : 'no', t.host || '-']),
          'No join tokens.',
        ),
      );
    });
}

export function registerHost(program: Command, ctx: Context): void {
  const host = group(program, 'host', 'hosts: the hosting servers of the fleet and their agents', [
    'hostplane host list',
    'hostplane host maintenance web1.example.net on',
  ]);
  registerTokens(host, ctx);

  verb(host, 'list', 'list hosts with their state, the controller their agent is connected to, heartbeat, sync lag, subscriptions and how many of them failed to apply', ['hostplane host list', 'hostplane host list --state unknown --json'])
    .addOption(new Option('--state <state>', 'only hosts in this state').choices(Object.keys(STATES)))
    .action(async (opts: VerbOptions & { state?: keyof typeof STATES }, cmd: Command) => {
      const state = opts.state ? STATES[opts.state] : HostState.HOST_STATE_UNSPECIFIED;
      const { hosts } = await ctx.api(cmd).call('listHosts', ListHostsRequest.fromPartial({ state }));
      const now = new Date();
      ctx.emit(opts.json, { hosts: hosts.map(hostJson) }, () =>
        renderList(
          ['name', 'state', 'connected', 'controller', 'heartbeat', 'lag', 'subscriptions', 'failing'],
          hosts.map((h) => [
            h.name,
            hostStateWord(h.state),
            h.connected ? 'yes' : 'no',
            h.controller || '-',
            ago(h.lastHeartbeatAt, now),
            String(syncLag(h)),
            String(h.subscriptionCount),
            String(h.failingSubscriptionCount),
          ]),
          'No hosts: create a join token with `hostplane host token create` and start an agent with it.',
        ),
      );
    });

  verb(host, 'show <name>', 'show a host with its latest capability report', ['hostplane host show web1.example.net']).action(
    async (name: string, opts: VerbOptions, cmd: Command) => {
      const h = present((await ctx.api(cmd).call('getHost', GetHostRequest.fromPartial({ name }))).host, 'host');
      ctx.emit(opts.json, hostJson(h), () => renderHost(h));
    },
  );

  verb(host, 'detect <name>', "ask the host's agent to run detection now and wait for its report", ['hostplane host detect web1.example.net']).action(
    async (name: string, opts: VerbOptions, cmd: Command) => {
      const res = await ctx.api(cmd).call('detectHost', DetectHostRequest.fromPartial({ name }), {
        timeoutSeconds: DETECT_TIMEOUT_SECONDS,
        progress: `Waiting for the agent of ${name} to report`,
      });
      const h = present(res.host, 'host');
      ctx.emit(opts.json, { host: hostJson(h), changed: res.changed }, () =>
        res.changed
          ? `The capabilities of ${h.name} changed: its subscriptions were re-evaluated.\n\n${renderHost(h)}`
          : `The capabilities of ${h.name} are unchanged.\n`,
      );
    },
  );

  verb(host, 'maintenance <name>', 'put a host in maintenance (no new placements) or take it out', [
    'hostplane host maintenance web1.example.net on',
    'hostplane host maintenance web1.example.net off',
  ])
    .addArgument(new Argument('<mode>', 'on or off').choices(['on', 'off']))
    .action(async (name: string, mode: 'on' | 'off', opts: VerbOptions, cmd: Command) => {
      const request = SetHostMaintenanceRequest.fromPartial({ name, maintenance: mode === 'on' });
      const h = present((await ctx.api(cmd).call('setHostMaintenance', request)).host, 'host');
      ctx.emit(opts.json, hostJson(h), () => `${h.name} is now ${hostStateWord(h.state)}.\n`);
    });

  verb(host, 'rotate-credential <name>', "give the host's connected agent a new credential; the previous one stops working once the agent saved it", [
    'hostplane host rotate-credential web1.example.net',
  ]).action(async (name: string, opts: VerbOptions, cmd: Command) => {
    const res = await ctx.api(cmd).call('rotateHostCredential', RotateHostCredentialRequest.fromPartial({ name }), {
      timeoutSeconds: DETECT_TIMEOUT_SECONDS,
      progress: `Waiting for the agent of ${name} to save its new credential`,
    });
    const h = present(res.host, 'host');
    ctx.emit(opts.json, hostJson(h), () => `The agent of ${h.name} saved its new credential; the previous one no longer works.\n`);
  });

  verb(host, 'drain <name>', 'put a host in maintenance and move each of its subscriptions, with its content, to where placement puts it (run it again to resume)', [
    'hostplane host drain web1.example.net',
    'hostplane host drain web1.example.net --json',
  ]).action(async (name: string, opts: VerbOptions, cmd: Command) => {
    const api = ctx.api(cmd);
    const pending = api.call('drainHost', DrainHostRequest.fromPartial({ name }), { timeoutSeconds: 24 * 3600 });
    // On a terminal, how many subscriptions are left on the host (asked of the controller as it goes).
    let left = '';
    const poll = ctx.io.stderr.isTTY
      ? setInterval(() => {
          api.call('getHost', GetHostRequest.fromPartial({ name }), { timeoutSeconds: 5 }).then(
            (r) => (left = r.host ? `: ${plural(r.host.subscriptionCount, 'subscription')} left` : ''),
            () => undefined,
          );
        }, 1000)
      : undefined;
    let res: Awaited<typeof pending>;
    try {
      res = await withProgress(ctx.io.stderr, () => `Draining ${name}, moving its subscriptions with their content${left}`, pending);
    } finally {
      if (poll) clearInterval(poll);
    }
    const h = present(res.host, 'host');
    const result = { host: hostJson(h), moved: res.moved.map((m) => ({ name: m.name, host: m.host, bytes: Number(m.bytes) })), failed: res.failed };
    ctx.emit(opts.json, result, () => {
      let out = `${h.name} is in maintenance; ${plural(res.moved.length, 'subscription')} moved, ${res.failed.length} not.\n`;
      if (res.moved.length > 0) out += `\n${renderTable(['subscription', 'moved to', 'content'], res.moved.map((m) => [m.name, m.host, formatSize(Number(m.bytes))]))}`;
      if (res.failed.length > 0) out += `\nNot moved (run the drain again once the cause is fixed):\n${renderTable(['subscription', 'reason'], res.failed.map((f) => [f.name, f.reason]))}`;
      return out;
    });
    if (res.failed.length > 0) {
      throw new CliError(`${plural(res.failed.length, 'subscription')} of ${name} not moved (listed above): run the drain again once the cause is fixed`, EXIT.refused);
    }
  });

  verb(host, 'remove <name>', 'remove a host that has no subscriptions and revoke its credential', ['hostplane host remove web1.example.net']).action(
    async (name: string, opts: VerbOptions, cmd: Command) => {
      await ctx.api(cmd).call('removeHost', RemoveHostRequest.fromPartial({ name }));
      ctx.emit(opts.json, { name, removed: true }, () => `Removed host ${name}; its credential is revoked.\n`);
    },
  );
}
