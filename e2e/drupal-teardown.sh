#!/usr/bin/env bash
# Undoes e2e/drupal-setup.sh: stops its php-fpm (by its pid file, never by
# name) and removes the state directory with the unpacked Drupal and its
# database. Packages stay installed. Safe to run twice.
set -uo pipefail

dir=${CONSENT_E2E_DRUPAL_DIR:-/tmp/consent-e2e-drupal}

log() { printf 'e2e drupal teardown: %s\n' "$*" >&2; }

pidfile=$dir/php-fpm.pid
if [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
	pid=$(cat "$pidfile")
	log "stopping php-fpm ($pid)"
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 150); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		log "php-fpm ($pid) did not stop; killing it"
		kill -KILL "$pid" 2>/dev/null
	fi
fi

# Refuse to remove anything that is not our own state directory.
if [ -d "$dir" ] && [ -f "$dir/secrets.env" ]; then
	rm -rf "$dir"
fi
log "done"
