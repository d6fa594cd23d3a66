/**
 * The one-command node install, served on the controller's HTTP listener: `/install.sh` (a POSIX
 * sh script), the agent as one bundled file (`/install/hostplane-agent.mjs`, built by
 * `npm run build`), the Node runtime the controller itself runs on (`/install/node`: nodes of the
 * same OS and architecture need neither a checkout nor npm), and the controller's own CA
 * (`/install/ca.pem`, which the printed command checks against the token's CA hash before trusting
 * anything else). The script checks each download against the SHA-256 it was served with.
 *
 * A bundle with the runtime beside it rather than Node's single-executable applications: those are
 * experimental in Node 20 and need CommonJS and postject; two plain files do the same job.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';

interface Artifact {
  readonly file: string;
  sha256?: string;
  /** The file's mtime and size when `sha256` was computed: a rebuilt file is hashed again. */
  stamp?: string;
}

async function hashOf(a: Artifact): Promise<string> {
  const st = await stat(a.file);
  const stamp = `${st.mtimeMs}:${st.size}`;
  if (a.sha256 === undefined || a.stamp !== stamp) {
    a.sha256 = await sha256(a.file);
    a.stamp = stamp;
  }
  return a.sha256;
}

const require = createRequire(import.meta.url);

function agentBundle(): string | undefined {
  try {
    const file = join(dirname(require.resolve('@hostplane/agent/package.json')), 'dist', 'hostplane-agent.bundle.mjs');
    return existsSync(file) ? file : undefined;
  } catch {
    return undefined;
  }
}

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The script: everything it needs is in its arguments and HOSTPLANE_JOIN_TOKEN (never a flag). */
export function installScript(base: string, nodeSha: string, agentSha: string): string {
  return `#!/bin/sh
# hostplane node install, served by the controller at ${base}.
# Installs the controller's Node runtime and the agent (one file) under --prefix, then enrolls this
# node with the join token in HOSTPLANE_JOIN_TOKEN and starts the agent: as a systemd service when
# systemd runs (the token goes to a 0600 environment file), else in the foreground (--no-systemd).
# Arguments after -- go to hostplane-agent as they are (e.g. --vhosts-root DIR).
set -eu
BASE='${base}'
NODE_SHA256='${nodeSha}'
AGENT_SHA256='${agentSha}'
PREFIX=/opt/hostplane
SYSTEMD=yes
CONTROLLER=''
CA_HASH=''
NAME=''
die() { echo "hostplane install: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --controller) [ $# -ge 2 ] || die "--controller needs HOST:PORT"; CONTROLLER=$2; shift 2 ;;
    --ca-hash) [ $# -ge 2 ] || die "--ca-hash needs sha256:HEX"; CA_HASH=$2; shift 2 ;;
    --prefix) [ $# -ge 2 ] || die "--prefix needs a directory"; PREFIX=$2; shift 2 ;;
    --name) [ $# -ge 2 ] || die "--name needs a host name"; NAME=$2; shift 2 ;;
    --no-systemd) SYSTEMD=no; shift ;;
    --) shift; break ;;
    *) die "unknown option $1 (--controller HOST:PORT [--ca-hash sha256:HEX] [--prefix DIR] [--name NAME] [--no-systemd] [-- AGENT OPTIONS])" ;;
  esac
done
case "$CONTROLLER" in *?:[0-9]*) ;; *) die "--controller HOST:PORT is required" ;; esac
[ -n "\${HOSTPLANE_JOIN_TOKEN:-}" ] || [ -f "$PREFIX/state/credential.json" ] || die "HOSTPLANE_JOIN_TOKEN is not set: create one with 'hostplane host token create'"
command -v curl >/dev/null || die "curl is required"
command -v sha256sum >/dev/null || die "sha256sum is required"
if [ -n "\${HOSTPLANE_INSTALL_CA:-}" ]; then CACERT="--cacert $HOSTPLANE_INSTALL_CA"; else CACERT=''; fi
mkdir -p "$PREFIX/bin" "$PREFIX/lib" "$PREFIX/state"
chmod 700 "$PREFIX/state"
fetch() {
  # shellcheck disable=SC2086
  curl -fsS $CACERT -o "$2.part" "$BASE/install/$1" || die "cannot download $BASE/install/$1"
  echo "$3  $2.part" | sha256sum -c --status - || { rm -f "$2.part"; die "$1 does not match its SHA-256: not installed"; }
  mv "$2.part" "$2"
}
fetch node "$PREFIX/bin/node" "$NODE_SHA256"
chmod 755 "$PREFIX/bin/node"
fetch hostplane-agent.mjs "$PREFIX/lib/hostplane-agent.mjs" "$AGENT_SHA256"
cat > "$PREFIX/bin/hostplane-agent" <<EOS
#!/bin/sh
exec "$PREFIX/bin/node" --max-semi-space-size=1 "$PREFIX/lib/hostplane-agent.mjs" "\\$@"
EOS
chmod 755 "$PREFIX/bin/hostplane-agent"
set -- --controller "$CONTROLLER" --state-dir "$PREFIX/state" "$@"
[ -z "$CA_HASH" ] || set -- --ca-hash "$CA_HASH" "$@"
[ -z "$NAME" ] || set -- --name "$NAME" "$@"
if [ "$SYSTEMD" = yes ] && command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
  umask 077
  printf 'HOSTPLANE_JOIN_TOKEN=%s\\n' "\${HOSTPLANE_JOIN_TOKEN:-}" > /etc/default/hostplane-agent
  umask 022
  {
    echo '[Unit]'
    echo 'Description=hostplane agent'
    echo 'After=network-online.target'
    echo '[Service]'
    echo 'EnvironmentFile=-/etc/default/hostplane-agent'
    printf 'ExecStart=%s/bin/hostplane-agent' "$PREFIX"
    for a in "$@"; do printf ' %s' "$a"; done
    echo
    echo 'Restart=on-failure'
    echo 'RestartPreventExitStatus=78'
    echo 'KillMode=process'
    echo '[Install]'
    echo 'WantedBy=multi-user.target'
  } > /etc/systemd/system/hostplane-agent.service
  systemctl daemon-reload
  systemctl enable --now hostplane-agent
  echo "hostplane agent installed under $PREFIX and started (systemctl status hostplane-agent)"
else
  echo "hostplane agent installed under $PREFIX; running it in the foreground" >&2
  exec "$PREFIX/bin/hostplane-agent" "$@"
fi
`;
}

/** Serves the install routes; returns false for any other path. */
export function installRoutes(caPem: string | undefined): (req: IncomingMessage, res: ServerResponse, path: string) => Promise<boolean> {
  const node: Artifact = { file: process.execPath };
  const bundle = agentBundle();
  const agent: Artifact | undefined = bundle ? { file: bundle } : undefined;
  const stream = (res: ServerResponse, artifact: Artifact, type: string) => {
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
    // pipeline: a missing file or a client that goes away closes both ends (no crash, no leak).
    pipeline(createReadStream(artifact.file), res).catch(() => res.destroy());
  };
  const notBuilt = (res: ServerResponse) => {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('the agent bundle is not built on this controller: run npm run build\n');
  };
  return async (req, res, path) => {
    if (req.method !== 'GET' || !(path === '/install.sh' || path.startsWith('/install/'))) return false;
    if (path === '/install.sh') {
      if (!agent) return (notBuilt(res), true);
      const [nodeSha, agentSha] = [await hashOf(node), await hashOf(agent)];
      const proto = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
      // The base the node reached us by; only a name and a port (a forged Host header misleads no one else).
      const host = /^[A-Za-z0-9.[\]:-]{1,300}$/.test(req.headers.host ?? '') ? req.headers.host! : 'localhost';
      res.writeHead(200, { 'content-type': 'text/x-shellscript', 'cache-control': 'no-store' });
      res.end(installScript(`${proto}://${host}`, nodeSha, agentSha));
      return true;
    }
    if (path === '/install/node') return (stream(res, node, 'application/octet-stream'), true);
    if (path === '/install/hostplane-agent.mjs') return (agent ? stream(res, agent, 'text/javascript') : notBuilt(res), true);
    if (path === '/install/ca.pem' && caPem) {
      res.writeHead(200, { 'content-type': 'application/x-pem-file' });
      res.end(caPem);
      return true;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found\n');
    return true;
  };
}
