#!/usr/bin/env bash
# Puts a hostplane agent on this node: installs this checkout under /opt/hostplane (built), the
# systemd unit, and its settings; then starts it. The agent enrolls with the join token once and
# keeps its own credential in /var/lib/hostplane-agent (mode 0600).
#
# Usage (as root, from a checkout of hostplane):
#   scripts/agent/install.sh --controller HOST:PORT --join-token TOKEN [--ca-hash sha256:HEX | --ca FILE | --insecure] [--name NAME]
# --ca-hash (printed with the token) pins the controller's own CA; --ca is the CA of an operator's
# certificate; the agent talks plaintext only to a controller on this machine unless told --insecure.
# The join token comes from `hostplane host token create` on the controller side. The host layout
# (paths, nginx/php-fpm validate and reload commands, users) has Debian's defaults; change it in
# /etc/hostplane/agent.json (see docs/operations.md and `hostplane-agent --print-config`).
set -euo pipefail

controller='' token='' ca='' name='' insecure='' cahash=''
while [ $# -gt 0 ]; do
  case "$1" in
    --controller) controller="${2-}"; shift $(( $# > 1 ? 2 : 1 )) ;;
    --join-token) token="${2-}"; shift $(( $# > 1 ? 2 : 1 )) ;;
    --ca) ca="${2-}"; shift $(( $# > 1 ? 2 : 1 )) ;;
    --name) name="${2-}"; shift $(( $# > 1 ? 2 : 1 )) ;;
    --insecure) insecure=1; shift ;;
    --ca-hash) cahash="${2-}"; shift $(( $# > 1 ? 2 : 1 )) ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done

die() { echo "install.sh: $*" >&2; exit 2; }
[ "$(id -u)" = 0 ] || die "run as root"
address_re='^[][A-Za-z0-9.:-]+:[0-9]+$' # ']' first in the bracket: host names, IPv4 and [IPv6]
[[ "$controller" =~ $address_re ]] || die "--controller HOST:PORT is required"
[[ "$token" =~ ^[A-Za-z0-9_-]+$ ]] || die "--join-token TOKEN is required (from 'hostplane host token create')"
[ -z "$name" ] || [[ "$name" =~ ^[a-z0-9][a-z0-9.-]*$ ]] || die "--name: '$name' is not a host name"
[ -z "$ca" ] || [ -r "$ca" ] || die "--ca: cannot read '$ca'"
[ -z "$cahash" ] || [[ "$cahash" =~ ^sha256:[0-9a-f]{64}$ ]] || die "--ca-hash: '$cahash' is not sha256:<64 hex digits>"
command -v node >/dev/null || die "Node.js 20 or later is needed (apt-get install nodejs)"
major=$(node -p 'process.versions.node.split(".")[0]')
[ "$major" -ge 20 ] || die "Node.js 20 or later is needed (found $(node --version))"

src="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
echo "Installing hostplane from $src into /opt/hostplane"
mkdir -p /opt/hostplane
tar -C "$src" --exclude=./node_modules --exclude=./data --exclude='./*/node_modules' --exclude='./*/dist' -cf - . | tar -C /opt/hostplane -xf -
(cd /opt/hostplane && npm ci --no-audit --no-fund && npm run build)

install -d -m 0700 /var/lib/hostplane-agent
install -d -m 0755 /var/www/vhosts /etc/hostplane/agent
if [ -n "$ca" ]; then install -m 0644 "$ca" /etc/hostplane/ca.pem; ca=/etc/hostplane/ca.pem; fi
umask 077
cat > /etc/default/hostplane-agent <<SETTINGS
# Settings of the hostplane agent (see /etc/systemd/system/hostplane-agent.service).
HOSTPLANE_CONTROLLER=$controller
# Needed for the first start only; the agent keeps its own credential afterwards.
HOSTPLANE_JOIN_TOKEN=$token
HOSTPLANE_HOST_NAME=${name:-$(hostname | tr 'A-Z' 'a-z')}
HOSTPLANE_CA=$ca
HOSTPLANE_INSECURE=$insecure
HOSTPLANE_CA_HASH=$cahash
# Further flags, separated by spaces (no quoting), e.g. --reserve 10G --heartbeat-seconds 15
HOSTPLANE_AGENT_ARGS=
SETTINGS
install -m 0644 "$src/scripts/agent/hostplane-agent.service" /etc/systemd/system/hostplane-agent.service
systemctl daemon-reload
systemctl enable --now hostplane-agent
echo "hostplane-agent started; follow it with: journalctl -u hostplane-agent -f"
