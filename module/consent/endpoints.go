package consent

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
	"go.uber.org/zap"

	"github.com/samtykke/caddy-consent/internal/urlhost"
	"github.com/samtykke/caddy-consent/module/banner"
	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/inventory"
	"github.com/samtykke/caddy-consent/module/policy"
)

// maxFormBytes bounds a consent post: a handful of short fields.
const maxFormBytes = 4 << 10

// serveEndpoint answers the requests under h.Path (DESIGN §5); p is the
// request's path under it.
func (h *Handler) serveEndpoint(w http.ResponseWriter, r *http.Request, ex *exchange, p string) error {
	rest := strings.TrimPrefix(p, h.Path)
	switch {
	case rest == "" || rest == "/":
		if r.Method != http.MethodPost {
			return methodNotAllowed(w, "POST", "consent decisions are posted")
		}
		return h.serveDecision(w, r, ex)
	case rest == cspReportPath:
		return h.serveCSPReport(w, r, ex)
	case r.Method != http.MethodGet && r.Method != http.MethodHead:
		return methodNotAllowed(w, "GET, HEAD", "consent pages and assets are read with GET")
	case rest == "/settings":
		return h.serveSettings(w, r, ex)
	case rest == "/cookies":
		return h.serveDeclaration(w, r)
	case strings.HasPrefix(rest, "/assets/"):
		return h.serveAsset(w, r, strings.TrimPrefix(rest, "/assets/"))
	}
	return caddyhttp.Error(http.StatusNotFound, fmt.Errorf("no consent endpoint %s", p))
}

func methodNotAllowed(w http.ResponseWriter, allow, why string) error {
	w.Header().Set("Allow", allow)
	return caddyhttp.Error(http.StatusMethodNotAllowed, errors.New(why))
}

// crossSite reports whether a request was sent by another site's page. Browsers
// send Sec-Fetch-Site with every request and Origin with every POST; either
// naming another origin is enough to refuse (a CSRF defence that needs no token,
// so the form also works from cached pages). What no browser sends is refused
// too (security audit I2): a repeated header, an Origin with userinfo or a
// path, and an http:// Origin on an HTTPS connection, which is another origin.
func crossSite(r *http.Request) bool {
	switch fetchSite := r.Header.Values("Sec-Fetch-Site"); {
	case len(fetchSite) > 1:
		return true
	case len(fetchSite) == 1 && fetchSite[0] != "same-origin" && fetchSite[0] != "none":
		// same-site is a sibling subdomain: another origin, possibly another owner.
		return true
	}
	origins := r.Header.Values("Origin")
	switch {
	case len(origins) == 0 || len(origins) == 1 && origins[0] == "":
		return false // not a browser, or a same-origin GET
	case len(origins) > 1 || origins[0] == "null":
		return true
	}
	u, err := url.Parse(origins[0])
	if err != nil || u.Host == "" || u.User != nil || u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return true
	}
	switch u.Scheme {
	case "https":
	case "http":
		if r.TLS != nil {
			return true
		}
	default:
		return true
	}
	return !strings.EqualFold(u.Host, r.Host)
}

func (h *Handler) serveDecision(w http.ResponseWriter, r *http.Request, ex *exchange) error {
	if crossSite(r) {
		return caddyhttp.Error(http.StatusForbidden, errors.New("consent can only be given from this site's own pages"))
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		return caddyhttp.Error(http.StatusBadRequest, fmt.Errorf("reading consent form: %v", err))
	}
	action, granted, err := policy.ParseDecision(r.PostForm, h.offered)
	if err != nil {
		return caddyhttp.Error(http.StatusBadRequest, err)
	}
	// Every decision gets a consent ID of its own: a copy planted by a
	// sibling subdomain must not hand its ID to the visitor's record
	// (security audit L1).
	st := ex.state
	if st.ID, err = policy.NewID(); err != nil {
		return caddyhttp.Error(http.StatusInternalServerError, err)
	}
	st.Granted = granted
	st.Version = h.version(r)
	st.Decided = time.Now()
	st.Signals = policy.ReadSignals(r.Header)
	ck := h.codec.Cookie(st, r.TLS != nil)
	if ck == nil {
		return caddyhttp.Error(http.StatusInternalServerError, errors.New("encoding the consent cookie"))
	}
	http.SetCookie(w, ck)
	if ck.Name != h.CookieName && len(r.CookiesNamed(h.CookieName)) > 0 {
		// On HTTPS the choice moved to the __Host- name: forget the old one.
		http.SetCookie(w, h.codec.Clear(false))
	}
	ret := policy.SafeReturn(r.PostForm.Get("return"))
	h.record(r, st, action, ret)
	h.metrics.decision(r, action)
	h.expireWithdrawn(w.Header(), r, granted)

	w.Header().Set("Cache-Control", "no-store")
	if wantsJSON(r) {
		if h.CSP == CSPEnforce && granted&^ex.granted != 0 {
			// The page was served under an enforced policy of what was
			// granted then: what was just allowed loads only on a page
			// served anew, so the banner script reloads instead of
			// starting it in place.
			w.Header().Set("Consent-Reload", "1")
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	w.Header().Set("Location", ret)
	w.WriteHeader(http.StatusSeeOther)
	return nil
}

// wantsJSON: the banner's script posts with Accept: application/json and
// wants no redirect.
func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

// serveSettings answers the settings page. The banner's link names the
// language of the page it came from (lang, which wins over Accept-Language as
// the page's own lang attribute does for the banner). Like the in-page layer
// lists the services of its page, the page lists those found on this site.
func (h *Handler) serveSettings(w http.ResponseWriter, r *http.Request, ex *exchange) error {
	q := r.URL.Query()
	var found []*catalog.Service
	for _, t := range h.siteRecord(r).Trackers {
		if s := h.catalog.Service(t.ID); s != nil && !slices.Contains(found, s) {
			found = append(found, s)
		}
	}
	v := h.view(r, ex, found, q.Get("lang"))
	if ex.decided {
		v.ConsentID, v.DecidedAt = ex.state.ID, ex.state.Decided
	}
	v.Return = policy.SafeReturn(q.Get("return"))
	body := banner.SettingsPage(v)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("X-Robots-Tag", "noindex")
	return writeBody(w, r, body)
}

// writeBody answers 200 with body, which a HEAD request does not get.
func writeBody(w http.ResponseWriter, r *http.Request, body []byte) error {
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
	return nil
}

// serveDeclaration publishes the cookie declaration built from what this site
// really sets and loads (DESIGN §5): HTML in the visitor's language, an HTML
// fragment with ?embed=1 for the site's own privacy page, JSON with ?format=json.
func (h *Handler) serveDeclaration(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	site := h.siteRecord(r)
	lang := banner.Negotiate("", r.Header.Get("Accept-Language"), h.Languages)
	if l := q.Get("lang"); l != "" {
		lang = banner.Negotiate(l, "", h.Languages)
	}
	// The settings page in the declaration's language.
	o := h.declareOptions(h.Path + "/settings?lang=" + url.QueryEscape(lang))
	// The visitor's own choice, for them to quote: this answer is theirs
	// alone and must not be kept by a shared cache.
	if st, decided := h.codec.Read(r, h.version(r)); decided && st.ID != "" {
		o.ConsentID, o.Decided = st.ID, st.Decided
	}
	var body []byte
	if q.Get("format") == "json" {
		o.SettingsURL = h.Path + "/settings"
		var err error
		if body, err = json.Marshal(inventory.Declare(site, h.catalog, o)); err != nil {
			return caddyhttp.Error(http.StatusInternalServerError, err)
		}
		w.Header().Set("Content-Type", "application/json")
	} else {
		body = banner.DeclarationPage(inventory.Declare(site, h.catalog, o),
			banner.DeclarationOptions{Lang: lang, Embed: q.Get("embed") == "1", PolicyURL: h.PolicyURL})
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Add("Vary", "Accept-Language")
	}
	// The declaration changes as the site is seen; a short shared cache is
	// fine unless it carries the visitor's consent ID.
	w.Header().Add("Vary", "Cookie")
	if o.ConsentID != "" {
		w.Header().Set("Cache-Control", "private, no-store")
	} else {
		w.Header().Set("Cache-Control", "public, max-age=300")
	}
	return writeBody(w, r, body)
}

// embeddedDeclaration is the declaration put into an upstream page at its
// <div data-consent-declaration> (a site's privacy page): a fragment in the
// page's language. It never carries the visitor's consent ID, since a page
// may be cached for others.
func (h *Handler) embeddedDeclaration(r *http.Request, pageLang string) []byte {
	lang := banner.Negotiate(pageLang, r.Header.Get("Accept-Language"), h.Languages)
	d := inventory.Declare(h.siteRecord(r), h.catalog, h.declareOptions(h.Path+"/settings?lang="+url.QueryEscape(lang)))
	return banner.DeclarationPage(d, banner.DeclarationOptions{Lang: lang, Embed: true, PolicyURL: h.PolicyURL})
}

// declareOptions are what every declaration states besides the site's
// record: where to change one's choice, and the consent cookie itself.
func (h *Handler) declareOptions(settingsURL string) inventory.DeclareOptions {
	return inventory.DeclareOptions{
		SettingsURL:   settingsURL,
		ConsentCookie: h.CookieName, ConsentMaxAge: time.Duration(h.MaxAge),
		ConsentPurpose: banner.Text("en", "consent_cookie_purpose", nil),
	}
}

func (h *Handler) serveAsset(w http.ResponseWriter, r *http.Request, name string) error {
	for _, a := range assets {
		if a.Name != name {
			continue
		}
		body := a.Body
		w.Header().Set("Content-Type", a.ContentType)
		// The name carries the content hash, so it can be cached for good.
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Add("Vary", "Accept-Encoding")
		if len(a.Gzip) > 0 && acceptsGzip(r.Header.Get("Accept-Encoding")) {
			// Compressed once at start-up; encode leaves an encoded body alone.
			body = a.Gzip
			w.Header().Set("Content-Encoding", "gzip")
		}
		return writeBody(w, r, body)
	}
	return caddyhttp.Error(http.StatusNotFound, fmt.Errorf("no consent asset %q", name))
}

var assets = banner.Assets()

// acceptsGzip reads Accept-Encoding for gzip with a non-zero q-value.
func acceptsGzip(ae string) bool {
	for _, part := range strings.Split(ae, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}

// record logs a decision as proof of consent (DESIGN §4 records), never with a
// full IP address.
func (h *Handler) record(r *http.Request, st policy.State, action, page string) {
	if h.records == nil {
		return
	}
	cats := st.Granted.Categories()
	names := make([]string, len(cats))
	for i, c := range cats {
		names[i] = c.String()
	}
	h.records.Info("consent",
		zap.String("site", recordSite(r.Host)),
		zap.String("consent_id", st.ID),
		zap.String("policy_version", st.Version),
		zap.Strings("granted", names),
		zap.String("action", action),
		zap.String("page", page),
		zap.String("user_agent", uaFamily(r.UserAgent())),
		zap.String("ip", h.recordIP(r)),
		zap.Bool("gpc", st.Signals.GPC),
		zap.Bool("dnt", st.Signals.DNT),
	)
}

// recordSite is the host a decision was made on, as the visitor's browser
// named it (lower case, without port), bounded in length.
func recordSite(host string) string {
	host = strings.ToLower(urlhost.Hostname(host))
	if len(host) > 253 {
		host = host[:253]
	}
	return host
}

// uaFamily keeps only the browser family of a user agent: enough to spot a
// bot storm in the records, too little to fingerprint anyone.
func uaFamily(ua string) string {
	l := strings.ToLower(ua)
	switch {
	case ua == "":
		return "none"
	case strings.Contains(l, "bot") || strings.Contains(l, "spider") || strings.Contains(l, "crawl"):
		return "bot"
	case strings.Contains(l, "edg/"):
		return "Edge"
	case strings.Contains(l, "opr/") || strings.Contains(l, "opera"):
		return "Opera"
	case strings.Contains(l, "samsungbrowser"):
		return "Samsung Internet"
	case strings.Contains(l, "firefox/"):
		return "Firefox"
	case strings.Contains(l, "chrome/") || strings.Contains(l, "chromium/"):
		return "Chrome"
	case strings.Contains(l, "safari/"):
		return "Safari"
	case strings.Contains(l, "curl/") || strings.Contains(l, "wget/") || strings.Contains(l, "go-http-client"):
		return "tool"
	}
	return "other"
}

// recordIP is the client address for a record, truncated: the address Caddy
// resolved through trusted proxies, else the peer.
func (h *Handler) recordIP(r *http.Request) string {
	ip, _ := caddyhttp.GetVar(r.Context(), caddyhttp.ClientIPVarKey).(string)
	if ip == "" {
		ip = urlhost.Hostname(r.RemoteAddr)
	}
	return h.recordTrunc.String(ip)
}

// siteRecord is what the inventory holds for the request's site, named by
// the host the visitor asked for: a catch-all or wildcard site's record is
// kept under one key (siteLabels.inventoryKey), which is no host to show.
func (h *Handler) siteRecord(r *http.Request) inventory.Site {
	site := h.inv.Snapshot(h.sites.inventoryKey(r.Host))
	if host := urlhost.NormaliseString(r.Host); host != "" {
		site.Host = host
	}
	return site
}
