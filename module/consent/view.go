package consent

import (
	"net/http"

	"github.com/samtykke/caddy-consent/module/banner"
	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/policy"
)

// view is what the banner needs to know about this request. Nothing from the
// request but its path, Accept-Language and privacy signals goes in: no query,
// no Referer, no other header is ever reflected into the page.
func (h *Handler) view(r *http.Request, ex *exchange, found []*catalog.Service, htmlLang string) *banner.View {
	return &banner.View{
		Lang:       banner.Negotiate(htmlLang, r.Header.Get("Accept-Language"), h.Languages),
		Categories: h.offeredCat,
		Granted:    ex.granted,
		Decided:    ex.decided,
		Found:      found,
		Cookies:    h.catalog.MatchCookie,
		PolicyURL:  h.PolicyURL,
		Endpoint:   h.Path,
		Return:     policy.SafeReturn(ex.path),
		GPC:        ex.reason == policy.ReasonGPC,
		DNT:        ex.reason == policy.ReasonDNT,
		Texts:      h.Texts,
		AssetCSS:   h.cssURL,
		AssetJS:    h.jsURL,
	}
}

// version is the policy version consent is asked under; "auto" follows what
// the site is seen to use (a hash of its declared cookies and trackers).
func (h *Handler) version(r *http.Request) string {
	if h.PolicyVersion == "auto" {
		return h.inv.Version(r.Host, "auto")
	}
	return h.PolicyVersion
}
