package consent

import (
	"fmt"
	"slices"
	"strings"

	"go.uber.org/zap"

	"github.com/samtykke/caddy-consent/module/policy"
)

// maxNamedCookies bounds the cookie names one warning lists.
const maxNamedCookies = 12

// ungrantable lists, for each optional category that categories leaves out,
// the cookie names of that category: the operator's cookie rules first, then
// the catalog's. No visitor can grant such a category, so the firewall drops
// those cookies forever.
func (h *Handler) ungrantable() map[policy.Category][]string {
	out := map[policy.Category][]string{}
	missing := func(c policy.Category) bool { return c != policy.Necessary && !h.offered.Has(c) }
	for _, r := range h.Cookies {
		if c, err := policy.ParseCategory(r.Category); err == nil && missing(c) && !slices.Contains(out[c], r.Name) {
			out[c] = append(out[c], r.Name)
		}
	}
	if h.catalog != nil {
		for _, ck := range h.catalog.Cookies() {
			if missing(ck.Category) && !slices.Contains(out[ck.Category], ck.Pattern) {
				out[ck.Category] = append(out[ck.Category], ck.Pattern)
			}
		}
	}
	return out
}

// warnUngrantable logs, once at provision, every category whose cookies can
// never be set under categories, naming the cookies.
func (h *Handler) warnUngrantable() {
	found := h.ungrantable()
	for _, c := range policy.Optional {
		names := found[c]
		if len(names) == 0 {
			continue
		}
		shown := names
		more := ""
		if len(shown) > maxNamedCookies {
			shown, more = shown[:maxNamedCookies], fmt.Sprintf(" and %d more", len(names)-maxNamedCookies)
		}
		h.logger.Warn(fmt.Sprintf("categories does not offer %s, so no visitor can grant it and these cookies are always dropped: %s%s; add %s to categories, or give the cookies you need a cookie rule with another category", c, strings.Join(shown, ", "), more, c),
			zap.String("category", c.String()),
			zap.Strings("cookies", names),
		)
	}
}
