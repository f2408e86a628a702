// Package cluster proves caddy-consent on several servers that share a real
// distributed store: a private Redis (Debian's redis-server on a random
// loopback port, its files in a temporary folder), three Caddy processes
// built with the module and a small Redis storage module of the test's own
// (caddy/redisstore, caddy.storage.consent_test_redis; caddy/ beside this
// file is a Go module of its own) behind a fourth Caddy that balances round
// robin, and an upstream that serves tracker pages and sets cookies.
//
// The test has the build tag e2e and runs in `make e2e`. It needs
// redis-server (setup.sh beside this file installs it) and the Go toolchain,
// which builds that Caddy once into a temporary folder.
package cluster
