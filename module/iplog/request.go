package iplog

import "net/http"

// forwardingHeaders are the request headers through which clients and proxies
// pass client addresses on. The names are in canonical form, as Go keys them.
var forwardingHeaders = [...]string{
	"X-Forwarded-For",
	"X-Real-Ip",
	"Forwarded", // RFC 7239: for=, by=
	"Cf-Connecting-Ip",
	"True-Client-Ip",
	"Fastly-Client-Ip",
	"X-Client-Ip",
	"X-Cluster-Client-Ip",
	"X-Original-Forwarded-For",
	"X-Forwarded",
	"Forwarded-For",
	"Client-Ip",
}

// Request truncates the client address before r goes upstream. It rewrites
// r.RemoteAddr, keeping the port, so that Caddy's reverse_proxy derives a
// truncated X-Forwarded-For and php_fastcgi passes a truncated REMOTE_ADDR,
// and it truncates every address in the client-sent forwarding headers
// (X-Forwarded-For, X-Real-Ip, Forwarded, Cf-Connecting-Ip, True-Client-Ip,
// Fastly-Client-Ip, X-Client-Ip, X-Cluster-Client-Ip and a few rarer ones),
// because reverse_proxy appends to X-Forwarded-For from trusted peers instead
// of replacing it.
//
// Whatever runs after Request sees the truncated address: remote_ip matchers,
// placeholders such as {http.request.remote.host}. Call it after every
// decision that needs the real peer.
func (t Truncator) Request(r *http.Request) {
	r.RemoteAddr = t.RemoteAddr(r.RemoteAddr)
	for _, name := range forwardingHeaders {
		vals, copied := r.Header[name], false
		for i, v := range vals {
			nv := t.String(v)
			if nv == v {
				continue
			}
			if !copied { // the slice may be shared with a clone of r
				vals, copied = append([]string(nil), vals...), true
				r.Header[name] = vals
			}
			vals[i] = nv
		}
	}
}
