package iplog

import "net/http"

// keptHeaders are the request headers Request leaves alone: credentials and
// cookies, which must reach the upstream as sent, and headers whose dotted
// numbers are versions or validators, not addresses. Every other header is
// scanned, because proxies and CDNs pass the client address on under dozens
// of names (X-Forwarded-For, Forwarded, Cf-Connecting-Ip, True-Client-Ip,
// X-Azure-ClientIP, X-Appengine-User-IP, X-Envoy-External-Address, Via,
// an IP inside Referer, …; security audit L2).
var keptHeaders = map[string]bool{
	"Cookie": true, "Authorization": true, "Proxy-Authorization": true,
	"User-Agent": true, "Sec-Ch-Ua": true, "Sec-Ch-Ua-Full-Version-List": true,
	"Sec-Ch-Ua-Platform-Version": true, "Sec-Ch-Ua-Full-Version": true,
	"If-None-Match": true, "If-Match": true, "If-Range": true, "Range": true,
	"Content-Type": true, "Content-Length": true, "Content-Md5": true,
	"Accept": true, "Accept-Encoding": true, "Accept-Language": true,
	"Sec-Websocket-Key": true, "Sec-Websocket-Accept": true,
}

// Request truncates the client address before r goes upstream. It rewrites
// r.RemoteAddr, keeping the port, so that Caddy's reverse_proxy derives a
// truncated X-Forwarded-For and php_fastcgi passes a truncated REMOTE_ADDR,
// and it truncates every address in every request header but keptHeaders
// (X-Forwarded-For, X-Real-Ip, Forwarded, Cf-Connecting-Ip and every other
// name a proxy may use), because reverse_proxy appends to X-Forwarded-For
// from trusted peers instead of replacing it.
//
// Whatever runs after Request sees the truncated address: remote_ip matchers,
// placeholders such as {http.request.remote.host}. Call it after every
// decision that needs the real peer.
func (t Truncator) Request(r *http.Request) {
	r.RemoteAddr = t.RemoteAddr(r.RemoteAddr)
	for name := range r.Header {
		if keptHeaders[name] {
			continue
		}
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
