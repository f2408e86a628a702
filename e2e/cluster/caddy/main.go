// Command caddy is the Caddy the cluster end-to-end test runs: Caddy's
// standard modules, every caddy-consent module, and the test's own Redis
// storage (redisstore, caddy.storage.consent_test_redis), as an operator
// running several servers would build it with xcaddy and a storage module.
package main

import (
	caddycmd "github.com/caddyserver/caddy/v2/cmd"

	_ "github.com/caddyserver/caddy/v2/modules/standard"
	_ "github.com/samtykke/caddy-consent"
	_ "github.com/samtykke/caddy-consent/e2e/cluster/caddy/redisstore"
)

func main() {
	caddycmd.Main()
}
