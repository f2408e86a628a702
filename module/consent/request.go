package consent

import (
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"

	"github.com/samtykke/caddy-consent/module/firewall"
	"github.com/samtykke/caddy-consent/module/htmlrewrite"
	"github.com/samtykke/caddy-consent/module/policy"
)

// exchange is one request's consent state.
type exchange struct {
	r       *http.Request
	orig    *url.URL     // the URL the visitor requested, before any rewrite; a choice returns there (returnPath)
	state   policy.State // the visitor's recorded choice, valid when decided
	decided bool         // the visitor made an explicit choice under this policy version
	// prepared: the request was shaped for a rewritten answer (validators
	// carry our entity-tag suffix only then).
	prepared bool
	granted  policy.Set // what this request may use
	reason   string     // why: policy.Reason*
	sig      policy.Signals
	expire   []string // Set-Cookie lines that expire leftovers of withdrawn categories
	// Nonces of the page's Content-Security-Policy, for what is inserted.
	scriptNonce, styleNonce string
	unknownHosts            []string  // third-party script hosts the catalog does not know
	heldHosts               []string  // third parties no rule names, held as unclassified on this page
	site                    siteHosts // the request's own hosts, once a URL needs them
	siteSet                 bool
	scriptHosts             []string // other hosts of external scripts on the page, decided
	opts                    htmlrewrite.Options
}

// ServeHTTP answers the consent endpoints and rewrites everything else.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request, next caddyhttp.Handler) (err error) {
	ex := h.readExchange(r)
	if repl, ok := r.Context().Value(caddy.ReplacerCtxKey).(*caddy.Replacer); ok {
		repl.Set("http.consent.categories", ex.granted.String())
	}
	caddyhttp.SetVar(r.Context(), grantedVarKey, ex.granted)
	// A site-wide rewrite runs before consent in the Caddyfile's order (a
	// front-controller try_files sends every missing path to /index.php), so
	// endpoints and bypass paths are also looked up as the visitor asked.
	for _, p := range []string{r.URL.Path, ex.orig.Path} {
		if p == h.Path || strings.HasPrefix(p, h.Path+"/") {
			return h.serveEndpoint(w, r, ex, p)
		}
	}
	h.firewallRequest(r, ex)
	if h.UpstreamIPTruncate != nil {
		h.truncator.UpstreamRequest(r)
	}
	bypass := h.bypassed(r.URL) || ex.orig != r.URL && h.bypassed(ex.orig)
	if !bypass && (r.Method == http.MethodGet || r.Method == http.MethodPost || r.Method == http.MethodHead) {
		switch {
		case acceptsHTML(r.Header):
			h.prepareRequest(r, ex)
		case mayRender(r.Header):
			// Not a browser navigation, but the answer may still be a page we
			// rewrite (curl sends */*): ask for it uncompressed too, so a
			// visitor cannot push pages through the decoder at will.
			r.Header.Set("Accept-Encoding", "identity")
		}
	}
	rw := &responseWriter{
		ResponseWriterWrapper: &caddyhttp.ResponseWriterWrapper{ResponseWriter: w},
		h:                     h,
		req:                   r,
		ex:                    ex,
		bypass:                bypass,
	}
	// A handler below may panic: reverse_proxy aborts a body cut mid-stream
	// with panic(http.ErrAbortHandler). The response's clean-up must run then
	// too, or a decoding goroutine outlives the response and writes into it.
	defer func() {
		if v := recover(); v != nil {
			if rw.recovered(v) {
				err = nil
				return
			}
			panic(v)
		}
	}()
	if err := next.ServeHTTP(rw, r); err != nil {
		if !rw.decided {
			// Nothing reached the client: leave the error to handle_errors
			// instead of turning it into a 200 (replace-response PR #21).
			// Whatever headers the handler set go out with the error page,
			// so its cookies pass the firewall first (found by fuzzing).
			h.dropResponseCookies(w.Header(), ex)
			return err
		}
		_ = rw.close()
		return err
	}
	return rw.close()
}

// readExchange works out what this request may use.
func (h *Handler) readExchange(r *http.Request) *exchange {
	ex := &exchange{r: r, sig: policy.ReadSignals(r.Header), orig: r.URL}
	// The page's own URL, as the visitor asked for it: php_fastcgi and
	// rewrite change r.URL before the banner is rendered (to /index.php).
	if orig, ok := r.Context().Value(caddyhttp.OriginalRequestCtxKey).(http.Request); ok && orig.URL != nil {
		ex.orig = orig.URL
	}
	ex.state, ex.decided = h.codec.Read(r, h.version(r))
	ex.granted, ex.reason = policy.Effective(ex.state, ex.decided, h.offered, ex.sig, h.gpc(), h.DNT)
	return ex
}

// returnPath is where a choice made on u returns to: its path and query, so
// that WordPress's plain permalinks (/?p=123) land on the same post.
func returnPath(u *url.URL) string {
	if u.RawQuery == "" {
		return u.EscapedPath()
	}
	return u.EscapedPath() + "?" + u.RawQuery
}

func (h *Handler) gpc() bool { return h.GPC == nil || *h.GPC }

// firewallRequest keeps cookies of categories the visitor has not granted away
// from the upstream, and notes which of them the browser must be told to forget.
func (h *Handler) firewallRequest(r *http.Request, ex *exchange) {
	if r.Header.Get("Cookie") == "" {
		return
	}
	// Expiry lines come from what the browser sent, before stripping.
	ex.expire, _ = firewall.Expire(r.Header, r.Host, ex.granted, h.cookies)
	h.countExpired(ex.expire)
	firewall.StripRequestCookies(r.Header, ex.granted, h.cookies, h.unknownAllowed())
}

// bypassed reports whether the request path is one the ops team keeps out of
// rewriting. The globs match the path the upstream will route on: an
// upstream that resolves dot segments serves /wp-admin/..%2f as the home page,
// so a path with dot segments, an encoded slash or a backslash is never
// bypassed (it is rewritten, which fails safe), and the rest is matched
// cleaned of repeated slashes.
func (h *Handler) bypassed(u *url.URL) bool {
	p := u.Path
	if hasDotSegment(p) || strings.IndexByte(p, '\\') >= 0 || u.RawPath != "" && ambiguousEscapes(u.RawPath) {
		return false
	}
	p = path.Clean(p)
	if strings.HasSuffix(u.Path, "/") && p != "/" {
		p += "/"
	}
	for _, g := range h.bypass {
		if ok, _ := path.Match(g, p); ok {
			return true
		}
		// A trailing * is a prefix match, as in Caddy's path matcher:
		// "/wp-admin/*" covers /wp-admin/css/x.css and "/user*" covers
		// /user/login, where path.Match's * stops at a slash.
		if strings.HasSuffix(g, "*") && strings.HasPrefix(p, g[:len(g)-1]) {
			return true
		}
	}
	return false
}

// hasDotSegment reports whether a decoded path holds a "." or ".." segment.
func hasDotSegment(p string) bool {
	for seg := range strings.SplitSeq(p, "/") {
		if seg == "." || seg == ".." {
			return true
		}
	}
	return false
}

// ambiguousEscapes reports whether an escaped path encodes a character that
// servers disagree on: "/" and "\" as %2F and %5C, or a dot as %2E.
func ambiguousEscapes(raw string) bool {
	for i := 0; i+2 < len(raw); i++ {
		if raw[i] != '%' {
			continue
		}
		switch raw[i+1 : i+3] {
		case "2f", "2F", "5c", "5C", "2e", "2E":
			return true
		}
	}
	return false
}

// acceptsHTML reports whether the request may get an HTML page back. Browsers
// send text/html on navigations only, so subresources keep their encodings.
func acceptsHTML(hdr http.Header) bool {
	a := hdr.Get("Accept")
	return a == "" || strings.Contains(a, "text/html")
}

// mayRender reports whether the response could be shown as a page. Browsers
// name a subresource's destination (Fetch §3.2, Sec-Fetch-Dest); a script,
// style or image request keeps its Accept-Encoding, so static files stay
// compressed end to end.
func mayRender(hdr http.Header) bool {
	switch hdr.Get("Sec-Fetch-Dest") {
	case "script", "style", "image", "font", "audio", "video", "track", "manifest",
		"worker", "sharedworker", "serviceworker", "audioworklet", "paintworklet", "xslt", "json":
		return false
	}
	return true
}

// prepareRequest shapes a request whose response we may rewrite.
func (h *Handler) prepareRequest(r *http.Request, ex *exchange) {
	ex.prepared = true
	// Identity from the upstream: decoding and re-encoding costs more than
	// the rewriting itself (research/html-rewrite-perf.md §3); encode compresses.
	r.Header.Set("Accept-Encoding", "identity")
	// A rewritten body has no byte ranges of the upstream's.
	r.Header.Del("Range")
	r.Header.Del("If-Range")
	// Last-Modified is dropped from rewritten pages, so a date validator could
	// only revalidate a copy made under another consent state.
	r.Header.Del("If-Modified-Since")
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		if v := etagsForUpstream(inm, etagSuffix(ex)); v != "" {
			r.Header.Set("If-None-Match", v)
		} else {
			r.Header.Del("If-None-Match")
		}
	}
}
