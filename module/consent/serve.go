package consent

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"

	"github.com/samtykke/caddy-consent/internal/urlhost"
	"github.com/samtykke/caddy-consent/module/banner"
	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/htmlrewrite"
	"github.com/samtykke/caddy-consent/module/inventory"
	"github.com/samtykke/caddy-consent/module/policy"
)

// maxUnknownHostsPerPage bounds what one response reports to the inventory.
const maxUnknownHostsPerPage = 16

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

// acceptsHTML reports whether the request may get an HTML page back. Browsers
// send text/html on navigations only, so subresources keep their encodings.
func acceptsHTML(hdr http.Header) bool {
	a := hdr.Get("Accept")
	return a == "" || strings.Contains(a, "text/html")
}

// pageOrigin is the origin the banner's URLs must carry on a page with a
// <base> element, which would re-target them (security audit L7); "" on
// every other page, whose root-relative URLs need none. The Host header is
// used only when it is a plain host[:port].
func pageOrigin(r *http.Request, p *htmlrewrite.Page) string {
	if !p.Base || r.Host == "" {
		return ""
	}
	for i := 0; i < len(r.Host); i++ {
		c := r.Host[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-' || c == ':' || c == '[' || c == ']') {
			return ""
		}
	}
	if r.TLS != nil {
		return "https://" + r.Host
	}
	return "http://" + r.Host
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

// prepareRewrittenHeaders fixes the headers of a response whose body changes.
func (h *Handler) prepareRewrittenHeaders(hdr http.Header, ex *exchange) {
	hdr.Del("Content-Length")
	hdr.Del("Accept-Ranges")
	hdr.Del("Last-Modified")
	hdr.Del("Content-MD5")
	if et := hdr.Get("Etag"); et != "" {
		hdr.Set("Etag", consentETag(et, etagSuffix(ex)))
	}
	addVary(hdr, "Cookie")
	if len(h.Languages) != 1 {
		// The banner's language may come from Accept-Language.
		addVary(hdr, "Accept-Language")
	}
	if h.gpc() && !ex.decided {
		// The banner notes a GPC signal, and GPC may deny marketing.
		addVary(hdr, "Sec-GPC")
	}
	if ex.decided || ex.granted != policy.SetOf(policy.Necessary) {
		// A visitor's own variant (consented, or decided and so without the
		// banner open) must never be served to another visitor by a shared
		// cache that ignores Vary, whatever the upstream allowed.
		hdr.Set("Cache-Control", privateCacheControl(hdr.Get("Cache-Control")))
	}
	h.addPolicyHeader(hdr, ex)
}

// rewriteOptions are the rewriter's options for this request.
func (h *Handler) rewriteOptions(ex *exchange) *htmlrewrite.Options {
	ex.opts = htmlrewrite.Options{
		Classifier: h.catalog,
		Granted:    ex.granted,
		Banner: func(p *htmlrewrite.Page) []byte {
			if !ex.decided {
				h.metrics.banner(ex.r) // the first layer: an impression, for consent rates
			}
			v := h.view(ex.r, ex, p.Found, p.Lang)
			v.Origin = pageOrigin(ex.r, p)
			return h.rendered.get(v, "", func() []byte { return banner.Render(v) })
		},
		Placeholder: func(p *htmlrewrite.Page, s *catalog.Service) []byte {
			v := h.view(ex.r, ex, nil, p.Lang)
			v.Origin = pageOrigin(ex.r, p)
			return h.rendered.get(v, s.ID, func() []byte { return banner.Placeholder(v, s, s.Category) })
		},
	}
	ex.opts.Declaration = func(p *htmlrewrite.Page) []byte { return h.embeddedDeclaration(ex.r, p.Lang) }
	ex.opts.UnknownScript = func(_ *htmlrewrite.Page, src []byte) {
		// A site's own scripts cost a comparison; each other host is
		// decided once per page (third party or not) and copied once.
		raw, _ := urlhost.URLHost(src)
		if len(raw) == 0 {
			return
		}
		if !ex.siteSet {
			ex.site, ex.siteSet = newSiteHosts(ex.r.Host), true
		}
		if urlhost.EqualFold(raw, ex.site.host) {
			return
		}
		for _, seen := range ex.scriptHosts {
			if urlhost.EqualFold(raw, seen) {
				return
			}
		}
		if len(ex.scriptHosts) >= maxUnknownHostsPerPage {
			return
		}
		seen := strings.ToLower(string(raw))
		ex.scriptHosts = append(ex.scriptHosts, seen)
		if host, ok := inventory.ThirdPartyHost("//"+seen, ex.r.Host); ok && !slices.Contains(ex.unknownHosts, host) {
			ex.unknownHosts = append(ex.unknownHosts, host) // a held host is there already
		}
	}
	if h.holdsUnknown(ex) {
		ex.opts.Unknown = h.unknownFunc(ex)
		ex.opts.Held = func(_ *htmlrewrite.Page, u []byte) {
			host, _ := urlhost.URLHost(u)
			ex.noteHeld(host)
		}
	}
	ex.opts.Stubs = stubsScript(ex)
	if h.GoogleConsentMode == nil || *h.GoogleConsentMode {
		ex.opts.Prelude = consentModeScript(ex)
		ex.opts.PreludeFor = readsConsentMode
	}
	return &ex.opts
}

// readsConsentMode reports whether Google Consent Mode applies to a service:
// the catalog's consent_mode column (catalog.Service.ConsentMode).
func readsConsentMode(s *catalog.Service) bool { return s.ConsentMode }

// etagSuffix ties an entity tag to the consent state the page was rendered for.
func etagSuffix(ex *exchange) string {
	b := byte('a' + byte(ex.granted))
	if ex.decided {
		return "-c" + string(b) + "d"
	}
	return "-c" + string(b)
}

// consentETag weakens an upstream entity tag and marks the consent state: the
// bytes differ from the upstream's, and differ again for another state.
func consentETag(et, suffix string) string {
	et = strings.TrimPrefix(et, "W/")
	if len(et) >= 2 && et[0] == '"' && et[len(et)-1] == '"' {
		return `W/"` + et[1:len(et)-1] + suffix + `"`
	}
	return et
}

// etagsForUpstream keeps the If-None-Match tags made for the current state,
// with our suffix removed so the upstream recognises its own tags; tags of
// another state are dropped so they can never revalidate.
func etagsForUpstream(inm, suffix string) string {
	var out []string
	for _, t := range strings.Split(inm, ",") {
		t = strings.TrimSpace(t)
		t = strings.TrimPrefix(t, "W/")
		if len(t) < 2 || t[0] != '"' || t[len(t)-1] != '"' {
			continue
		}
		inner := t[1 : len(t)-1]
		if !strings.HasSuffix(inner, suffix) {
			continue
		}
		out = append(out, `"`+strings.TrimSuffix(inner, suffix)+`"`, `W/"`+strings.TrimSuffix(inner, suffix)+`"`)
	}
	return strings.Join(out, ", ")
}

func addVary(hdr http.Header, field string) {
	for _, v := range hdr.Values("Vary") {
		for _, f := range strings.Split(v, ",") {
			f = strings.TrimSpace(f)
			if f == "*" || strings.EqualFold(f, field) {
				return
			}
		}
	}
	hdr.Add("Vary", field)
}

// privateCacheControl turns a Cache-Control value into one no shared cache may store.
func privateCacheControl(cc string) string {
	var keep []string
	for _, d := range strings.Split(cc, ",") {
		d = strings.TrimSpace(d)
		name := strings.ToLower(d)
		if i := strings.IndexByte(name, '='); i >= 0 {
			name = name[:i]
		}
		switch name {
		case "", "public", "private", "s-maxage", "proxy-revalidate":
			continue
		}
		keep = append(keep, d)
	}
	return strings.Join(append([]string{"private"}, keep...), ", ")
}
