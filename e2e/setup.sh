#!/usr/bin/env bash
# Brings up a throw-away WordPress for the e2e test: Debian's wordpress package,
# a private MariaDB and a private php-fpm, started without systemd, reachable
# only through unix sockets under $CONSENT_E2E_DIR. Caddy is started by the
# test itself. Idempotent: a second run reuses what is already up.
#
# Writes $CONSENT_E2E_DIR/state.env (KEY=VALUE lines) for the test.
# Undo with e2e/teardown.sh. Runs as root (apt-get, daemons' users).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir=${CONSENT_E2E_DIR:-/tmp/consent-e2e}
config_name=consent-e2e                        # Debian: /etc/wordpress/config-<name>.php
config_file=/etc/wordpress/config-$config_name.php
db_name=consent_e2e
db_user=consent_e2e
admin_user=admin

log() { printf 'e2e setup: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (sudo $0): it installs packages and starts daemons as mysql and www-data"

# shellcheck source=e2e/lib.sh
. "$here/lib.sh"

# --- packages ---------------------------------------------------------------

missing=()
[ -f /usr/share/wordpress/wp-settings.php ] || missing+=(wordpress)
[ -d /usr/share/wordpress/wp-content/themes/twentytwentyone ] || missing+=(wordpress-theme-twentytwentyone)
command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || missing+=(mariadb-server)
command -v mariadb >/dev/null || missing+=(mariadb-client)
[ -n "$(fpm_bin)" ] || missing+=(php-fpm)
php -r 'exit(extension_loaded("mysqli") ? 0 : 1);' 2>/dev/null || missing+=(php-mysql)
if [ ${#missing[@]} -gt 0 ]; then
	# wordpress depends on an httpd and on libapache2-mod-php | php; apt picks
	# Apache for both. It is installed, never started.
	apt_install wordpress wordpress-theme-twentytwentyone mariadb-server mariadb-client php-fpm php-mysql
fi
mariadbd=$(command -v mariadbd || echo /usr/sbin/mariadbd)

# --- state directory and secrets --------------------------------------------

mkdir -p "$dir"
chmod 755 "$dir"
secrets=$dir/secrets.env
if [ ! -s "$secrets" ]; then
	rand() { head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c "$1"; }
	umask 077
	{
		echo "DB_PASSWORD=$(rand 24)"
		echo "ADMIN_PASSWORD=$(rand 20)"
		for k in AUTH_KEY SECURE_AUTH_KEY LOGGED_IN_KEY NONCE_KEY AUTH_SALT SECURE_AUTH_SALT LOGGED_IN_SALT NONCE_SALT; do
			echo "$k=$(rand 48)"
		done
	} >"$secrets"
	umask 022
fi
# shellcheck disable=SC1090
. "$secrets"

# --- MariaDB: own datadir, unix socket only (skip-networking) ---------------

# mariadbd runs as mysql: it owns $dir/db, where its socket, pid and log live.
db=$dir/db
db_sock=$db/mysqld.sock
db_pid=$db/mysqld.pid
if [ ! -d "$db/data/mysql" ]; then
	log "initialising MariaDB datadir"
	rm -rf "$db"
	mkdir -p "$db/data"
	chown -R mysql:mysql "$db"
	mariadb-install-db --no-defaults --user=mysql --datadir="$db/data" \
		--auth-root-authentication-method=socket --skip-test-db >"$dir/mysql-install.log" 2>&1 ||
		{ cat "$dir/mysql-install.log" >&2; die "mariadb-install-db failed"; }
fi
if ! alive "$db_pid"; then
	log "starting MariaDB"
	rm -f "$db_sock"
	setsid "$mariadbd" --no-defaults --user=mysql --datadir="$db/data" \
		--socket="$db_sock" --pid-file="$db_pid" --skip-networking --skip-log-bin \
		--log-error="$db/mysqld.log" --innodb-buffer-pool-size=64M \
		--performance-schema=OFF </dev/null >/dev/null 2>&1 &
	for _ in $(seq 100); do
		mariadb-admin --no-defaults --socket="$db_sock" -uroot ping >/dev/null 2>&1 && break
		sleep 0.2
	done
	mariadb-admin --no-defaults --socket="$db_sock" -uroot ping >/dev/null 2>&1 ||
		{ tail -n 20 "$db/mysqld.log" >&2; die "MariaDB did not come up"; }
fi
mariadb --no-defaults --socket="$db_sock" -uroot <<SQL
CREATE DATABASE IF NOT EXISTS $db_name;
CREATE USER IF NOT EXISTS '$db_user'@'localhost' IDENTIFIED BY '$DB_PASSWORD';
ALTER USER '$db_user'@'localhost' IDENTIFIED BY '$DB_PASSWORD';
GRANT ALL ON $db_name.* TO '$db_user'@'localhost';
SQL

# --- WordPress: Debian's code, our config and wp-content --------------------

# WP_CONTENT_DIR of our own, so the mu-plugin never touches the machine's
# /var/lib/wordpress/wp-content. The theme is linked in as Debian does.
content=$dir/wp-content
mkdir -p "$content/mu-plugins" "$content/plugins" "$content/themes" "$content/uploads"
ln -sfn /usr/share/wordpress/wp-content/themes/twentytwentyone "$content/themes/twentytwentyone"
install -m 644 "$here/wordpress/consent-demo.php" "$content/mu-plugins/consent-demo.php"
chown -R www-data:www-data "$content/uploads"

mkdir -p /etc/wordpress
tmp=$(mktemp /etc/wordpress/.config-XXXXXX)
cat >"$tmp" <<PHP
<?php
// Written by caddy-consent e2e/setup.sh; removed by e2e/teardown.sh.
// Selected through the WORDPRESS_CONFIG environment variable (README.Debian).
define('DB_NAME', '$db_name');
define('DB_USER', '$db_user');
define('DB_PASSWORD', '$DB_PASSWORD');
define('DB_HOST', 'localhost:$db_sock');
define('WP_CONTENT_DIR', '$content');
// The test's Caddy listens on a new port each run.
\$consent_e2e_host = preg_replace('/[^A-Za-z0-9.:\\[\\]-]/', '', isset(\$_SERVER['HTTP_HOST']) ? \$_SERVER['HTTP_HOST'] : '127.0.0.1');
define('WP_HOME', 'http://' . \$consent_e2e_host);
define('WP_SITEURL', 'http://' . \$consent_e2e_host);
// No network here: fail outbound HTTP at once instead of waiting on DNS.
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('AUTH_KEY', '$AUTH_KEY');
define('SECURE_AUTH_KEY', '$SECURE_AUTH_KEY');
define('LOGGED_IN_KEY', '$LOGGED_IN_KEY');
define('NONCE_KEY', '$NONCE_KEY');
define('AUTH_SALT', '$AUTH_SALT');
define('SECURE_AUTH_SALT', '$SECURE_AUTH_SALT');
define('LOGGED_IN_SALT', '$LOGGED_IN_SALT');
define('NONCE_SALT', '$NONCE_SALT');
\$table_prefix = 'wp_';
PHP
chown root:www-data "$tmp"
chmod 640 "$tmp"
mv -f "$tmp" "$config_file"

# --- php-fpm: own master, own pool, unix socket ------------------------------

start_fpm "$dir" "$config_name"

# --- install WordPress and the test content ---------------------------------

post=$(WORDPRESS_CONFIG=$config_name HTTP_HOST=127.0.0.1 \
	php -d display_errors=stderr "$here/wordpress/install.php" "$admin_user" "$ADMIN_PASSWORD") ||
	die "installing WordPress failed"
read -r post_id post_path <<<"$post"

tmp=$(mktemp "$dir/.state-XXXXXX")
cat >"$tmp" <<STATE
# Written by e2e/setup.sh for e2e/wordpress_test.go.
CONSENT_WP_ROOT=/usr/share/wordpress
CONSENT_WP_CONTENT_PARENT=$dir
CONSENT_WP_CONFIG=$config_name
CONSENT_WP_FPM=$fpm_sock
CONSENT_WP_DB_SOCKET=$db_sock
CONSENT_WP_DB_NAME=$db_name
CONSENT_WP_DB_USER=$db_user
CONSENT_WP_DB_PASSWORD=$DB_PASSWORD
CONSENT_WP_ADMIN_USER=$admin_user
CONSENT_WP_ADMIN_PASSWORD=$ADMIN_PASSWORD
CONSENT_WP_POST_ID=$post_id
CONSENT_WP_POST_PATH=$post_path
STATE
chmod 600 "$tmp"
mv -f "$tmp" "$dir/state.env"
log "WordPress ready: state in $dir/state.env (post $post_id at $post_path)"
