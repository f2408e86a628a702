package consent

import (
	"net/http"
	"slices"
	"strings"

	"github.com/samtykke/caddy-consent/internal/urlhost"
	"github.com/samtykke/caddy-consent/module/banner"
	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/htmlrewrite"
	"github.com/samtykke/caddy-consent/module/inventory"
	"github.com/samtykke/caddy-consent/module/policy"
)

// maxUnknownHostsPerPage bounds what one response reports to the inventory.
const maxUnknownHostsPerPage = 16

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
			if s == htmlrewrite.Unclassified {
				// A held third party names no service; the key cannot be a
				// service ID, which never holds a space.
				return h.rendered.get(v, " unclassified", func() []byte { return banner.PlaceholderUnclassified(v) })
			}
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

// Unknown third parties (unknown_hosts, first_party): a host is the site's
// own when it has the request host's registrable domain (for an IP address
// or a single label such as localhost: the same host), or lies under a
// first_party domain. Anything else that no catalog row, block_list or
// allow rule names is unclassified, and held until the visitor has granted
// every offered category.

// siteHosts is what a response's own hosts are decided against, worked out
// once per response, on the first URL that needs it.
type siteHosts struct {
	host   string // the request host: lower case, no port, no trailing dot
	domain string // its registrable domain; "" for an IP address or a single label
}

func newSiteHosts(reqHost string) siteHosts {
	s := siteHosts{host: urlhost.NormaliseString(reqHost)}
	s.domain, _ = urlhost.Registrable(s.host)
	return s
}

// ownHostIn reports whether host (of a URL on a page whose own hosts are s)
// is the site's own: the same registrable domain, or under a first_party
// domain. host is compared ASCII case-insensitively, without a trailing dot,
// and is not copied.
func (h *Handler) ownHostIn(s siteHosts, host []byte) bool {
	if n := len(host); n > 0 && host[n-1] == '.' {
		host = host[:n-1]
	}
	host = urlhost.Unbracket(host) // an IPv6 literal as a URL writes it; s.host has none
	if len(host) == 0 || urlhost.EqualFold(host, s.host) {
		return true
	}
	if s.domain != "" && urlhost.Under(host, s.domain) {
		return true
	}
	for _, d := range h.firstParty {
		if urlhost.Under(host, d) {
			return true
		}
	}
	return false
}

// holdsUnknown reports whether this response holds third parties no rule
// names: unknown_hosts hold, and some offered category is not granted.
func (h *Handler) holdsUnknown(ex *exchange) bool {
	return h.UnknownHosts != "allow" && ex.granted&h.offered != h.offered
}

// unknownFunc is htmlrewrite.Options.Unknown for a response.
func (h *Handler) unknownFunc(ex *exchange) func(*htmlrewrite.Page, []byte) (hold, own bool) {
	return func(_ *htmlrewrite.Page, u []byte) (hold, own bool) {
		host, _ := urlhost.URLHost(u)
		if !ex.siteSet {
			ex.site, ex.siteSet = newSiteHosts(ex.r.Host), true
		}
		if h.ownHostIn(ex.site, host) {
			return false, true
		}
		if h.catalog.Allows(u) {
			return false, false
		}
		return true, false
	}
}

// noteHeld records a held host for the banner's settings layer and the
// inventory's drift warnings, once per page and at most
// maxUnknownHostsPerPage of them.
func (ex *exchange) noteHeld(raw []byte) {
	for _, seen := range ex.heldHosts {
		if urlhost.EqualFold(raw, seen) {
			return
		}
	}
	if len(ex.heldHosts) >= maxUnknownHostsPerPage {
		return
	}
	host := strings.TrimSuffix(strings.ToLower(string(raw)), ".")
	ex.heldHosts = append(ex.heldHosts, host)
	for _, seen := range ex.unknownHosts {
		if seen == host {
			return
		}
	}
	ex.unknownHosts = append(ex.unknownHosts, host)
}

// Inert stand-ins for the globals of blocked trackers (part of the page's
// <head>, before its first script): a page's own code calls ga(), fbq(),
// _gaq.push() and the like, and must not throw when the tracker that
// defines them is held. Each stub is one callable Proxy that swallows
// calls and property reads (no queue: nothing is replayed after consent). A
// stub is defined only where the global is undefined, and only for
// categories not granted. When the banner script reports a consent update
// (it pushes gtag's "consent","update" to dataLayer before it restores
// anything), the stubs of the granted categories are set back to
// undefined, so that the vendors' own loaders, restored in place, still
// initialise: Meta's returns early when window.fbq exists, analytics.js and
// ga.js keep an existing ga or _gaq.

// trackerGlobals are the stubbed names, by the category whose trackers
// define them.
var trackerGlobals = []struct {
	cat   policy.Category
	names []string
}{
	{policy.Analytics, []string{"ga", "__gaTracker", "gtag", "_gaq", "_paq", "hj", "clarity", "_kmq", "mixpanel", "amplitude"}},
	{policy.Marketing, []string{"fbq", "_fbq", "twq", "ttq", "lintrk", "_linkedin_data_partner_ids", "uetq", "_qevents",
		"snaptr", "pintrk", "rdt", "qp", "_hsq", "obApi", "_tfa", "criteo_q"}},
}

// consentModeKey is the Consent Mode type that says a category is granted
// in the update the banner script pushes.
var consentModeKey = map[policy.Category]string{policy.Analytics: "analytics_storage", policy.Marketing: "ad_storage"}

// stubScripts holds the stubs' JavaScript per granted set (nil when nothing
// needs a stub), built once.
var stubScripts = func() (out [policy.All + 1]string) {
	for g := range out {
		granted := policy.Set(g)
		var names strings.Builder
		for _, tg := range trackerGlobals {
			if granted.Has(tg.cat) {
				continue
			}
			for _, n := range tg.names {
				if names.Len() > 0 {
					names.WriteByte(',')
				}
				names.WriteString(n + `:"` + consentModeKey[tg.cat] + `"`)
			}
		}
		if names.Len() == 0 {
			continue
		}
		// dataLayer is an accessor, so that a page that assigns a new array
		// (dataLayer=[{…}] before its tag manager) keeps the hook.
		out[g] = `(function(w){var u,n,L,c={` + names.String() + `},` +
			`p=new Proxy(function(){},{get:function(t,k){return typeof k=="symbol"||k in t||k=="then"?t[k]:p},apply:function(){return p}});` +
			`function h(a){var P=a&&a.push;if(P&&!a.c$)a.c$=a.push=function(x){if(x&&x[0]=="consent"&&x[1]=="update"&&x[2])for(n in c)if(w[n]===p&&x[2][c[n]]=="granted")w[n]=u;return P.apply(a,arguments)}}` +
			`for(n in c)if(w[n]===u)w[n]=p;` +
			`h(L=w.dataLayer||[]);` +
			`Object.defineProperty(w,"dataLayer",{configurable:true,enumerable:true,get:function(){return L},set:function(v){h(L=v)}})` +
			`})(window)`
	}
	return out
}()

// stubTags are the <script> elements of stubScripts without a nonce, so
// that most responses share them.
var stubTags = func() (out [policy.All + 1][]byte) {
	for g, js := range stubScripts {
		if js != "" {
			out[g] = []byte(`<script data-consent-stubs>` + js + `</script>`)
		}
	}
	return out
}()

// stubsScript is the <script> with the stubs for what ex does not grant, or
// nil.
func stubsScript(ex *exchange) []byte {
	js := stubScripts[ex.granted&policy.All]
	if js == "" {
		return nil
	}
	if ex.scriptNonce == "" {
		return stubTags[ex.granted&policy.All]
	}
	var b strings.Builder
	b.WriteString(`<script data-consent-stubs`)
	if ex.scriptNonce != "" {
		b.WriteString(` nonce="` + ex.scriptNonce + `"`) // validNonce: no quote or markup
	}
	b.WriteString(`>` + js + `</script>`)
	return []byte(b.String())
}

// readsConsentMode reports whether Google Consent Mode applies to a service:
// the catalog's consent_mode column (catalog.Service.ConsentMode).
func readsConsentMode(s *catalog.Service) bool { return s.ConsentMode }

// Google Consent Mode v2 storage types and the category that grants each
// (research/rules-and-catalog.md §3.1).
var consentModeTypes = []struct {
	name     string
	category policy.Category
}{
	{"ad_storage", policy.Marketing},
	{"ad_user_data", policy.Marketing},
	{"ad_personalization", policy.Marketing},
	{"analytics_storage", policy.Analytics},
	{"functionality_storage", policy.Preferences},
	{"personalization_storage", policy.Preferences},
	{"security_storage", policy.Necessary},
}

// consentModeScript is inserted before the first Google tag: every type denied
// by default, then, once the visitor has chosen, an update with what they granted.
func consentModeScript(ex *exchange) []byte {
	var b strings.Builder
	b.WriteString(`<script data-consent-mode`)
	if ex.scriptNonce != "" {
		b.WriteString(` nonce="` + ex.scriptNonce + `"`) // validNonce: no quote or markup
	}
	b.WriteString(`>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}gtag("consent","default",{`)
	for i, t := range consentModeTypes {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(t.name)
		b.WriteString(`:"denied"`)
	}
	b.WriteString(`,wait_for_update:500});`)
	if ex.decided {
		b.WriteString(`gtag("consent","update",{`)
		for i, t := range consentModeTypes {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(t.name)
			if ex.granted.Has(t.category) {
				b.WriteString(`:"granted"`)
			} else {
				b.WriteString(`:"denied"`)
			}
		}
		b.WriteString(`});`)
	}
	b.WriteString(`</script>`)
	return []byte(b.String())
}
