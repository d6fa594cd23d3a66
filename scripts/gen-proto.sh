#!/usr/bin/env bash
# Regenerates the TypeScript of the gRPC contract from scratch: proto/hostplane/v1/*.proto →
# proto/gen/ (ts-proto via buf, both from node_modules; offline and deterministic).
#
# Usage: scripts/gen-proto.sh [OUT_ROOT]
#   OUT_ROOT  where to write instead of the repository (the code lands in OUT_ROOT/proto/gen);
#             test/proto/generated.test.ts uses it to check that proto/gen/ is up to date.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

buf=./node_modules/.bin/buf
plugin=./node_modules/.bin/protoc-gen-ts_proto
for tool in "$buf" "$plugin"; do
  if [[ ! -x $tool ]]; then
    echo "gen-proto: $tool is missing; run 'npm install' at the repository root" >&2
    exit 1
  fi
done

"$buf" lint

if [[ $# -ge 1 ]]; then
  out="$(mkdir -p "$1" && cd "$1" && pwd)"
  "$buf" generate --template buf.gen.yaml --output "$out"
else
  "$buf" generate --template buf.gen.yaml
fi
