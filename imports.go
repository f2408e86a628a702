// Package caddyconsent brings every caddy-consent module into a Caddy build:
//
//	xcaddy build --with github.com/samtykke/caddy-consent
package caddyconsent

import (
	// http.handlers.consent and its Caddyfile directive.
	_ "github.com/samtykke/caddy-consent/module/consent"
	// the command caddy consent audit.
	_ "github.com/samtykke/caddy-consent/module/audit"
	// caddy.logging.encoders.ip_truncate.
	_ "github.com/samtykke/caddy-consent/module/iplog"
)
