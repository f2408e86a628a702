// Command caddy is Caddy with its standard modules and every caddy-consent module.
package main

import (
	caddycmd "github.com/caddyserver/caddy/v2/cmd"

	_ "github.com/caddyserver/caddy/v2/modules/standard"
	_ "github.com/samtykke/caddy-consent"
)

func main() {
	caddycmd.Main()
}
