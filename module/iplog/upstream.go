package iplog

import (
	"net/http"

	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
)

// UpstreamRequest is Request for a request inside a Caddy handler chain. It
// also truncates the client_ip variable that Caddy's server derived from
// trusted proxies before any handler ran, because {client_ip} (a common
// header_up value), client_ip matchers and reverse_proxy's PROXY protocol
// header all read that variable instead of r.RemoteAddr.
func (t Truncator) UpstreamRequest(r *http.Request) {
	t.Request(r)
	if ip, ok := caddyhttp.GetVar(r.Context(), caddyhttp.ClientIPVarKey).(string); ok {
		if nip := t.RemoteAddr(ip); nip != ip {
			caddyhttp.SetVar(r.Context(), caddyhttp.ClientIPVarKey, nip)
		}
	}
}
