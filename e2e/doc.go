// Package e2e proves caddy-consent on a real WordPress: Debian's wordpress
// package on php-fpm and MariaDB (brought up by setup.sh), a real Caddy with
// the consent module in front of php_fastcgi, and headless Chromium as the
// visitor. drupal_test.go does the same for a real Drupal 7 (Pressflow 7.101
// from ../shared/drupal, on SQLite, brought up by drupal-setup.sh); the
// visitor's flows both share (first visit, accept-all, reject-all, a choice
// without JavaScript, a comment) are in flows_test.go. Nothing leaves the
// machine: tracker requests the browser attempts fail on DNS, which is what
// the test counts.
//
// The test has the build tag e2e. Run it with `make e2e`, as root: setup.sh
// installs packages and starts daemons. The test runs setup.sh itself when
// WordPress is not up, and then also tears it down at the end; a WordPress
// that was already up (state file in $CONSENT_E2E_DIR, default
// /tmp/consent-e2e) is left running.
package e2e
