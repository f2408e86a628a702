package consent

import (
	"bytes"
	"net/http"
	"slices"
	"strings"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"

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
	path    string       // the path the visitor requested, where a choice returns to
	state   policy.State // the visitor's recorded choice, valid when decided
	decided bool         // the visitor made an explicit choice under this policy version
	granted policy.Set   // what this request may use
	reason  string       // why: policy.Reason*
	sig     policy.Signals
	expire  []string // Set-Cookie lines that expire leftovers of withdrawn categories
	// Nonces of the page's Content-Security-Policy, for what is inserted.
	scriptNonce, styleNonce string
	unknownHosts            []string  // third-party script hosts the catalog does not know
	heldHosts               []string  // third parties no rule names, held as unclassified on this page
	site                    siteHosts // the request's own hosts, once a URL needs them
	siteSet                 bool
	scriptHosts             []string // other hosts of external scripts on the page, decided
	opts                    htmlrewrite.Options
}

// exchangeKey is where the request's consent state sits in its context, for
// the request matcher.
type exchangeKey struct{}

// ServeHTTP answers the consent endpoints and rewrites everything else.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request, next caddyhttp.Handler) error {
	ex := h.readExchange(r)
	if repl, ok := r.Context().Value(caddy.ReplacerCtxKey).(*caddy.Replacer); ok {
		repl.Set("http.consent.categories", ex.granted.String())
	}
	caddyhttp.SetVar(r.Context(), grantedVarKey, ex.granted)
	if p := r.URL.Path; p == h.Path || strings.HasPrefix(p, h.Path+"/") {
		return h.serveEndpoint(w, r, ex)
	}
	h.firewallRequest(r, ex)
	if h.UpstreamIPTruncate != nil {
		h.truncator.UpstreamRequest(r)
	}
	bypass := h.bypassed(r.URL.Path)
	if !bypass && acceptsHTML(r.Header) && (r.Method == http.MethodGet || r.Method == http.MethodPost || r.Method == http.MethodHead) {
		h.prepareRequest(r, ex)
	}
	rw := &responseWriter{
		ResponseWriterWrapper: &caddyhttp.ResponseWriterWrapper{ResponseWriter: w},
		h:                     h,
		req:                   r,
		ex:                    ex,
		bypass:                bypass,
	}
	if err := next.ServeHTTP(rw, r); err != nil {
		if !rw.decided {
			// Nothing reached the client: leave the error to handle_errors
			// instead of turning it into a 200 (replace-response PR #21).
			return err
		}
		_ = rw.close()
		return err
	}
	return rw.close()
}

// readExchange works out what this request may use.
func (h *Handler) readExchange(r *http.Request) *exchange {
	ex := &exchange{r: r, sig: policy.ReadSignals(r.Header), path: r.URL.Path}
	// The page's own path, as the visitor asked for it: php_fastcgi and
	// rewrite change r.URL before the banner is rendered (to /index.php).
	if orig, ok := r.Context().Value(caddyhttp.OriginalRequestCtxKey).(http.Request); ok && orig.URL != nil {
		ex.path = orig.URL.Path
	}
	ex.state, ex.decided = h.codec.Read(r, h.version(r))
	ex.granted, ex.reason = policy.Effective(ex.state, ex.decided, h.offered, ex.sig, h.gpc(), h.DNT)
	return ex
}

func (h *Handler) gpc() bool { return h.GPC == nil || *h.GPC }

// acceptsHTML reports whether the request may get an HTML page back. Browsers
// send text/html on navigations only, so subresources keep their encodings.
func acceptsHTML(hdr http.Header) bool {
	a := hdr.Get("Accept")
	return a == "" || strings.Contains(a, "text/html")
}

// prepareRequest shapes a request whose response we may rewrite.
func (h *Handler) prepareRequest(r *http.Request, ex *exchange) {
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
	if ex.granted != policy.SetOf(policy.Necessary) {
		// A consented variant must never be served to another visitor by a
		// shared cache, whatever the upstream allowed.
		hdr.Set("Cache-Control", privateCacheControl(hdr.Get("Cache-Control")))
	}
}

// rewriteOptions are the rewriter's options for this request.
func (h *Handler) rewriteOptions(ex *exchange) *htmlrewrite.Options {
	ex.opts = htmlrewrite.Options{
		Classifier: h.catalog,
		Granted:    ex.granted,
		Banner: func(p *htmlrewrite.Page) []byte {
			v := h.view(ex.r, ex, p.Found, p.Lang)
			return h.rendered.get(v, "", func() []byte { return banner.Render(v) })
		},
		Placeholder: func(p *htmlrewrite.Page, s *catalog.Service) []byte {
			v := h.view(ex.r, ex, nil, p.Lang)
			return h.rendered.get(v, s.ID, func() []byte { return banner.Placeholder(v, s, s.Category) })
		},
	}
	ex.opts.UnknownScript = func(_ *htmlrewrite.Page, src []byte) {
		// A site's own scripts cost a comparison; each other host is
		// decided once per page (third party or not) and copied once.
		raw := scriptHost(src)
		if len(raw) == 0 {
			return
		}
		if !ex.siteSet {
			ex.site, ex.siteSet = newSiteHosts(ex.r.Host), true
		}
		if asciiEqualFold(raw, ex.site.host) {
			return
		}
		for _, seen := range ex.scriptHosts {
			if asciiEqualFold(raw, seen) {
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
		ex.opts.Held = func(_ *htmlrewrite.Page, u []byte) { ex.noteHeld(scriptHost(u)) }
	}
	ex.opts.Stubs = stubsScript(ex)
	if h.GoogleConsentMode == nil || *h.GoogleConsentMode {
		ex.opts.Prelude = consentModeScript(ex)
		ex.opts.PreludeFor = isGoogleTag
	}
	return &ex.opts
}

// googleTags are the catalog services that read Google Consent Mode: the
// Google tag (gtag.js), Tag Manager and Google's advertising tags. Embeds such
// as Maps, YouTube or reCAPTCHA do not.
var googleTags = map[string]bool{
	"google-analytics":    true,
	"universal-analytics": true,
	"google-tag-manager":  true,
	"google-ads":          true,
	"doubleclick":         true,
	"google-adsense":      true,
	"google-ad-manager":   true,
}

// isGoogleTag reports whether Google Consent Mode applies to a service.
func isGoogleTag(s *catalog.Service) bool { return googleTags[s.ID] }

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

// scriptHost returns the host of an absolute or protocol-relative URL as
// written (no user info, no port), or nil for a relative URL.
func scriptHost(u []byte) []byte {
	switch {
	case len(u) > 8 && asciiEqualFold(u[:8], "https://"):
		u = u[8:]
	case len(u) > 7 && asciiEqualFold(u[:7], "http://"):
		u = u[7:]
	case len(u) > 2 && u[0] == '/' && u[1] == '/':
		u = u[2:]
	default:
		return nil
	}
	for i, c := range u {
		if c == '/' || c == '?' || c == '#' || c == '\\' {
			u = u[:i]
			break
		}
	}
	if i := bytes.LastIndexByte(u, '@'); i >= 0 {
		u = u[i+1:]
	}
	if i := bytes.LastIndexByte(u, ':'); i >= 0 && bytes.IndexByte(u, ']') < i {
		u = u[:i]
	}
	return u
}

// asciiEqualFold compares bytes with a string, ASCII case-insensitively,
// without converting either.
func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		x, y := b[i], s[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
