package consent

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/samtykke/caddy-consent/module/banner"
	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/policy"
)

// view is what the banner needs to know about this request. Nothing from the
// request but its path, Accept-Language and privacy signals goes in: no query,
// no Referer, no other header is ever reflected into the page.
func (h *Handler) view(r *http.Request, ex *exchange, found []*catalog.Service, htmlLang string) *banner.View {
	lang := banner.Negotiate(htmlLang, r.Header.Get("Accept-Language"), h.Languages)
	return &banner.View{
		Lang:         lang,
		SettingsLang: htmlLang != "" && lang != banner.Negotiate("", r.Header.Get("Accept-Language"), h.Languages),
		Categories:   h.offeredCat,
		Granted:      ex.granted,
		Decided:      ex.decided,
		Found:        found,
		Unclassified: ex.heldHosts,
		Cookies:      h.catalog.MatchCookie,
		PolicyURL:    h.PolicyURL,
		Endpoint:     h.Path,
		Return:       policy.SafeReturn(returnPath(ex.orig)),
		GPC:          ex.reason == policy.ReasonGPC,
		DNT:          ex.reason == policy.ReasonDNT,
		Texts:        h.Texts,
		AssetCSS:     h.cssURL,
		AssetJS:      h.jsURL,
		Nonce:        ex.scriptNonce,
		StyleNonce:   ex.styleNonce,
		Reloads:      h.CSP == CSPEnforce,
	}
}

// version is the policy version consent is asked under; "auto" follows what
// the site is seen to use (a hash of its declared cookies and trackers).
func (h *Handler) version(r *http.Request) string {
	if h.PolicyVersion == "auto" {
		return h.inv.Version(h.sites.inventoryKey(r.Host), "auto")
	}
	return h.PolicyVersion
}

// renderCache keeps rendered banners and placeholders: the same page in the
// same state renders the same bytes, and rendering costs about a third of
// rewriting a median page. Bounded by emptying it when full.
type renderCache struct {
	m sync.Map // key → []byte
	n atomic.Int32
}

const maxRendered = 1024

// get returns the bytes cached for v (and extra), rendering them once. The
// key holds every input of the rendering that varies per request; the rest
// (texts, policy URL, assets) is fixed per handler.
func (c *renderCache) get(v *banner.View, extra string, render func() []byte) []byte {
	if v.Nonce != "" || v.StyleNonce != "" {
		return render() // a nonce is new on every response: nothing to share
	}
	var k strings.Builder
	k.Grow(64 + len(v.Return) + 24*len(v.Found))
	k.WriteString(v.Lang)
	k.WriteByte('|')
	k.WriteString(strconv.Itoa(int(v.Granted)))
	if v.Decided {
		k.WriteString("|d")
	}
	if v.GPC {
		k.WriteString("|g")
	}
	if v.DNT {
		k.WriteString("|t")
	}
	if v.SettingsLang {
		k.WriteString("|l")
	}
	k.WriteByte('|')
	k.WriteString(v.Return)
	k.WriteByte('|')
	k.WriteString(extra)
	if v.Origin != "" {
		k.WriteString("|o")
		k.WriteString(v.Origin)
	}
	for _, s := range v.Found {
		k.WriteByte('|')
		k.WriteString(s.ID)
	}
	for _, host := range v.Unclassified {
		k.WriteString("|u:")
		k.WriteString(host)
	}
	key := k.String()
	if b, ok := c.m.Load(key); ok {
		return b.([]byte)
	}
	b := render()
	if c.n.Add(1) > maxRendered {
		c.m.Clear()
		c.n.Store(0)
	}
	c.m.Store(key, b)
	return b
}
