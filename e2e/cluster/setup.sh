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
log "installing redis-server"
# The package's scripts must not start a Redis on the standard port: the test
# runs its own. 101 = "action forbidden" (invoke-rc.d, deb-systemd-invoke).
made_policy=
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d
	made_policy=1
fi
trap 'if [ -n "$made_policy" ]; then rm -f /usr/sbin/policy-rc.d; fi' EXIT
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends redis-server >/dev/null
