#!/usr/bin/env bash
# Installs what the cluster end-to-end test (e2e/cluster) needs when it is
# missing: Debian's redis-server (and redis-cli, which comes with it). The test
# starts its own private Redis on a random loopback port; the package's own
# service is never started. Runs as root (apt-get).
set -euo pipefail

log() { printf 'e2e cluster setup: %s\n' "$*" >&2; }

if command -v redis-server >/dev/null && command -v redis-cli >/dev/null; then
	exit 0
fi
[ "$(id -u)" = 0 ] || { log "redis-server is missing and installing it needs root (sudo $0)"; exit 1; }
# shellcheck source=e2e/lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/lib.sh"
apt_install redis-server
