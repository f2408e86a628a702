# Shared by the e2e setup scripts (setup.sh, drupal-setup.sh, cluster/setup.sh).
# Source it after defining log and die. Runs as root.

alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

fpm_bin() { ls /usr/sbin/php-fpm* 2>/dev/null | sort -V | tail -n1; }

# apt_install PKG...: installs Debian packages without letting their scripts
# start services on the standard ports (the tests run private instances of
# their own). 101 = "action forbidden" for invoke-rc.d and deb-systemd-invoke.
apt_install() {
	log "installing $*"
	local made_policy= status=0
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		made_policy=1
	fi
	export DEBIAN_FRONTEND=noninteractive
	{ apt-get update -qq && apt-get install -y -qq --no-install-recommends "$@" >/dev/null; } || status=$?
	if [ -n "$made_policy" ]; then rm -f /usr/sbin/policy-rc.d; fi
	return "$status"
}

# start_fpm DIR POOL: a private php-fpm master with one pool, listening on
# DIR/php-fpm.sock (set in fpm_sock), logging under DIR; a running one is
# reused.
start_fpm() {
	local dir=$1 pool=$2 fpm pid
	fpm=$(fpm_bin)
	fpm_sock=$dir/php-fpm.sock
	pid=$dir/php-fpm.pid
	cat >"$dir/php-fpm.conf" <<CONF
[global]
pid = $pid
error_log = $dir/php-fpm.log
daemonize = yes

[$pool]
user = www-data
group = www-data
listen = $fpm_sock
; the test's Caddy may run as another user than root
listen.mode = 0666
pm = static
pm.max_children = 4
catch_workers_output = yes
php_admin_value[error_log] = $dir/php-error.log
php_admin_flag[log_errors] = on
CONF
	if ! alive "$pid"; then
		log "starting $(basename "$fpm")"
		rm -f "$fpm_sock"
		"$fpm" --fpm-config "$dir/php-fpm.conf" </dev/null
		for _ in $(seq 50); do [ -S "$fpm_sock" ] && break; sleep 0.1; done
		[ -S "$fpm_sock" ] || { tail -n 20 "$dir/php-fpm.log" >&2; die "php-fpm did not come up"; }
	fi
}
