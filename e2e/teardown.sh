#!/usr/bin/env bash
# Undoes e2e/setup.sh: stops its MariaDB and php-fpm (by their pid files, never
# by name), removes the state directory with the database, and the WordPress
# config it wrote; then undoes e2e/drupal-setup.sh. Packages stay installed.
# Safe to run twice.
set -uo pipefail

dir=${CONSENT_E2E_DIR:-/tmp/consent-e2e}
config_file=/etc/wordpress/config-consent-e2e.php

log() { printf 'e2e teardown: %s\n' "$*" >&2; }

# stop <pidfile> <name>: TERM, wait up to 15 s, then KILL.
stop() {
	local pidfile=$1 name=$2 pid
	[ -s "$pidfile" ] || return 0
	pid=$(cat "$pidfile")
	kill -0 "$pid" 2>/dev/null || return 0
	log "stopping $name ($pid)"
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 150); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	log "$name ($pid) did not stop; killing it"
	kill -KILL "$pid" 2>/dev/null
}

stop "$dir/php-fpm.pid" php-fpm
stop "$dir/db/mysqld.pid" mariadbd

rm -f "$config_file"
# Refuse to remove anything that is not our own state directory.
if [ -d "$dir" ] && [ -f "$dir/secrets.env" ]; then
	rm -rf "$dir"
fi
# The Drupal site of drupal-setup.sh, in its own directory.
bash "$(dirname "${BASH_SOURCE[0]}")/drupal-teardown.sh"
log "done"
