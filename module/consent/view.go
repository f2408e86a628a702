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
		Return:     policy.SafeReturn(r.URL.Path),
		GPC:        ex.reason == policy.ReasonGPC,
		DNT:        ex.reason == policy.ReasonDNT,
		AssetCSS:   h.assetURL(".css"),
		AssetJS:    h.assetURL(".js"),
	}
}

// assetURL is the hashed URL of the banner asset whose name ends in ext.
func (h *Handler) assetURL(ext string) string {
	for _, a := range banner.Assets() {
		if len(a.Name) > len(ext) && a.Name[len(a.Name)-len(ext):] == ext {
			return h.Path + "/assets/" + a.Name
		}
	}
	return ""
}

// version is the policy version consent is asked under.
func (h *Handler) version() string { return h.PolicyVersion }
