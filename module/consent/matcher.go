package consent

import (
	"fmt"
	"net/http"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"

	"github.com/samtykke/caddy-consent/module/policy"
)

func init() {
	caddy.RegisterModule(MatchConsent{})
}

// grantedVarKey is the request variable through which the consent handler
// tells later routes what the visitor granted.
const grantedVarKey = "consent.granted"

// MatchConsent matches requests whose visitor granted every listed category,
// so ops can route by consent:
//
//	@stats consent analytics
//	reverse_proxy @stats analytics-backend:8080
//
// The consent handler works the state out, so the matcher sees it on routes
// that run after `consent` (every handler directive ordered after `encode`,
// and anything inside `handle`/`route` blocks). Before it, only "necessary"
// matches.
type MatchConsent []string

// CaddyModule returns the Caddy module information.
func (MatchConsent) CaddyModule() caddy.ModuleInfo {
	return caddy.ModuleInfo{
		ID:  "http.matchers.consent",
		New: func() caddy.Module { return new(MatchConsent) },
	}
}

// UnmarshalCaddyfile sets up the matcher. Syntax:
//
//	consent <category>...
func (m *MatchConsent) UnmarshalCaddyfile(d *caddyfile.Dispenser) error {
	for d.Next() {
		args := d.RemainingArgs()
		if len(args) == 0 {
			return d.ArgErr()
		}
		*m = append(*m, args...)
		if err := m.Validate(); err != nil {
			return d.WrapErr(err) // the error names this line
		}
	}
	return nil
}

// Validate checks the categories of a JSON config.
func (m MatchConsent) Validate() error {
	if len(m) == 0 {
		return fmt.Errorf("consent matcher: no categories")
	}
	for _, a := range m {
		if _, err := policy.ParseCategory(a); err != nil {
			return fmt.Errorf("consent matcher: %v", err)
		}
	}
	return nil
}

// MatchWithError reports whether every category is granted.
func (m MatchConsent) MatchWithError(r *http.Request) (bool, error) {
	granted, _ := caddyhttp.GetVar(r.Context(), grantedVarKey).(policy.Set)
	for _, a := range m {
		c, err := policy.ParseCategory(a)
		if err != nil {
			return false, err
		}
		if !granted.Has(c) {
			return false, nil
		}
	}
	return true, nil
}

// Match is MatchWithError for callers of the older interface.
func (m MatchConsent) Match(r *http.Request) bool {
	ok, _ := m.MatchWithError(r)
	return ok
}

// Interface guards
var (
	_ caddyhttp.RequestMatcherWithError = (*MatchConsent)(nil)
	_ caddyhttp.RequestMatcher          = (*MatchConsent)(nil)
	_ caddy.Validator                   = (*MatchConsent)(nil)
	_ caddyfile.Unmarshaler             = (*MatchConsent)(nil)
)
