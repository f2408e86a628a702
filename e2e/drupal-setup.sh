#!/usr/bin/env bash
# Brings up a throw-away Drupal 7 (Pressflow 7.101, from the tarball in
# ../shared/drupal beside the repository) for e2e/drupal_test.go: SQLite, a
# private php-fpm on a unix socket under $CONSENT_E2E_DRUPAL_DIR, no systemd.
# Caddy is started by the test itself. Idempotent: a second run reuses the
# unpacked tree, the database and a running php-fpm.
#
# The tarball is pinned by its SHA-256, and its listing is checked before
# anything is unpacked: regular files and directories under drupal-7.101/
# only, no absolute paths, no "..", no links or devices.
#
# Writes $CONSENT_E2E_DRUPAL_DIR/state.env (KEY=VALUE lines) for the test.
# Undo with e2e/drupal-teardown.sh. Runs as root (apt-get, www-data).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
dir=${CONSENT_E2E_DRUPAL_DIR:-/tmp/consent-e2e-drupal}
src=${CONSENT_DRUPAL_SRC:-$repo/../shared/drupal}
tarball=$src/drupal-7.101-pressflow.tar.gz
tarball_sha256=07ea5e3a807c768be53766777b89cd6daaaa3e7e613f6201e78befd9c53348e6
top=drupal-7.101
admin_user=admin

log() { printf 'e2e drupal setup: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (sudo $0): it installs packages and runs PHP as www-data"

# shellcheck source=e2e/lib.sh
. "$here/lib.sh"

# --- packages ---------------------------------------------------------------

has_ext() { php -r "exit(extension_loaded('$1') ? 0 : 1);" 2>/dev/null; }

missing=()
command -v php >/dev/null || missing+=(php-cli)
[ -n "$(fpm_bin)" ] || missing+=(php-fpm)
has_ext pdo_sqlite || missing+=(php-sqlite3)
has_ext gd || missing+=(php-gd)
has_ext dom || missing+=(php-xml)
has_ext mbstring || missing+=(php-mbstring)
command -v sqlite3 >/dev/null || missing+=(sqlite3)
command -v runuser >/dev/null || missing+=(util-linux)
if [ ${#missing[@]} -gt 0 ]; then
	apt_install "${missing[@]}"
fi

# --- state directory and secrets --------------------------------------------

mkdir -p "$dir"
chmod 755 "$dir"
secrets=$dir/secrets.env
if [ ! -s "$secrets" ]; then
	rand() { head -c 64 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c "$1"; }
	umask 077
	{
		echo "ADMIN_PASSWORD=$(rand 20)"
		echo "HASH_SALT=$(rand 43)"
	} >"$secrets"
	umask 022
fi
# shellcheck disable=SC1090
. "$secrets"

# --- Drupal code: the pinned tarball, checked before it is unpacked ----------

root=$dir/$top
if [ ! -f "$root/.consent-e2e-unpacked" ]; then
	[ -f "$tarball" ] || die "no Drupal tarball at $tarball (the repository's sibling shared/drupal/)"
	got=$(sha256sum "$tarball" | cut -d' ' -f1)
	[ "$got" = "$tarball_sha256" ] || die "$tarball: sha256 $got, want $tarball_sha256"
	# Every entry a plain file or directory inside $top/.
	bad=$(tar -tvzf "$tarball" | awk -v top="$top/" '
		{ type = substr($1, 1, 1); name = $6 }
		(type != "-" && type != "d") || NF != 6 || index(name, top) != 1 || name ~ /(^|\/)\.\.(\/|$)/ { print; n++ }
		END { exit n > 0 }' | head -n 5) || die "$tarball: unexpected entries: $bad"
	log "unpacking $(basename "$tarball")"
	rm -rf "$root" "$dir/.unpack"
	mkdir -p "$dir/.unpack"
	tar -xzf "$tarball" -C "$dir/.unpack" --no-same-owner --no-same-permissions
	grep -q "define('VERSION', '7.101')" "$dir/.unpack/$top/includes/bootstrap.inc" ||
		die "$tarball: includes/bootstrap.inc is not Drupal 7.101"
	mv "$dir/.unpack/$top" "$root"
	rmdir "$dir/.unpack"
	touch "$root/.consent-e2e-unpacked"
fi

# The test's module, as a site builder installs a custom one.
rm -rf "$root/sites/all/modules/consent_e2e"
cp -r "$here/drupal/consent_e2e" "$root/sites/all/modules/consent_e2e"

# SQLite database and temporary files outside the web root; public files
# (aggregated CSS and JS) inside it, as Drupal serves them.
data=$dir/data
db_file=$data/drupal.sqlite
mkdir -p "$data" "$dir/tmp" "$root/sites/default/files"
chown www-data:www-data "$data" "$dir/tmp"
chown -R www-data:www-data "$root/sites/default/files"
chmod 750 "$data"

tmp=$(mktemp "$root/sites/default/.settings-XXXXXX")
cat >"$tmp" <<PHP
<?php
// Written by caddy-consent e2e/drupal-setup.sh.
\$databases['default']['default'] = array(
  'driver' => 'sqlite',
  'database' => '$db_file',
  'prefix' => '',
);
\$drupal_hash_salt = '$HASH_SALT';
// Caddy on loopback in front, as a site moved off Varnish keeps it: trust
// X-Forwarded-For from 127.0.0.1. With upstream_ip_truncate, REMOTE_ADDR and
// X-Forwarded-For both carry the truncated client, so that is what Drupal
// records whichever it picks.
\$conf['reverse_proxy'] = TRUE;
\$conf['reverse_proxy_header'] = 'HTTP_X_FORWARDED_FOR';
\$conf['reverse_proxy_addresses'] = array('127.0.0.1');
\$conf['file_temporary_path'] = '$dir/tmp';
// No sendmail here: keep mails in a variable instead (core's test mailer).
\$conf['mail_system'] = array('default-system' => 'TestingMailSystem');
PHP
chown root:www-data "$tmp"
chmod 640 "$tmp"
mv -f "$tmp" "$root/sites/default/settings.php"

# --- php-fpm: own master, own pool, unix socket ------------------------------

start_fpm "$dir" consent-e2e-drupal

# --- install Drupal and the test content, as www-data ------------------------

asweb() { runuser -u www-data -- env HOME="$dir/tmp" "$@"; }

if [ ! -f "$data/.installed" ]; then
	log "installing Drupal (standard profile, SQLite)"
	rm -f "$db_file" "$db_file"-journal
	start=$(date +%s)
	asweb php -d display_errors=stderr "$here/drupal/install.php" "$root" "$admin_user" "$ADMIN_PASSWORD" ||
		die "installing Drupal failed"
	log "installed in $(($(date +%s) - start)) s"
	touch "$data/.installed"
fi
node=$(asweb php -d display_errors=stderr "$here/drupal/configure.php" "$root" "$admin_user" "$ADMIN_PASSWORD") ||
	die "configuring Drupal failed"
read -r node_id node_path <<<"$node"

tmp=$(mktemp "$dir/.state-XXXXXX")
cat >"$tmp" <<STATE
# Written by e2e/drupal-setup.sh for e2e/drupal_test.go.
CONSENT_DRUPAL_ROOT=$root
CONSENT_DRUPAL_FPM=$fpm_sock
CONSENT_DRUPAL_DB=$db_file
CONSENT_DRUPAL_ADMIN_USER=$admin_user
CONSENT_DRUPAL_ADMIN_PASSWORD=$ADMIN_PASSWORD
CONSENT_DRUPAL_NODE_ID=$node_id
CONSENT_DRUPAL_NODE_PATH=$node_path
STATE
chmod 600 "$tmp"
mv -f "$tmp" "$dir/state.env"
log "Drupal ready: state in $dir/state.env (node $node_id at $node_path)"
