package consent

import (
	"net/http"
	"strings"
	"time"

	"github.com/samtykke/caddy-consent/internal/setcookie"
	"github.com/samtykke/caddy-consent/module/firewall"
	"github.com/samtykke/caddy-consent/module/policy"
)

// filterResponseCookies drops upstream Set-Cookie headers of categories not
// granted and expires the leftovers the browser still sent.
func (h *Handler) filterResponseCookies(hdr http.Header, ex *exchange) {
	if len(hdr["Set-Cookie"]) > 0 {
		// The inventory sees the upstream's own lines: after filtering, a visitor
		// who rejected would hide every cookie from the declaration.
		h.drift(h.observed.ObserveSetCookie(h.sites.inventoryKey(ex.r.Host), hdr["Set-Cookie"], time.Now()))
		for _, d := range firewall.FilterSetCookie(hdr, ex.granted, h.cookies, h.unknownAllowed()) {
			h.metrics.cookiesDropped[cookieMetricIndex(d.Category, d.Unknown)].Inc()
		}
	}
	for _, line := range ex.expire {
		hdr.Add("Set-Cookie", line)
	}
	ex.expire = nil
}

// dropResponseCookies drops the Set-Cookie lines of an interim (1xx)
// response that the visitor has not granted; expiry lines wait for the final
// response.
func (h *Handler) dropResponseCookies(hdr http.Header, ex *exchange) {
	for _, d := range firewall.FilterSetCookie(hdr, ex.granted, h.cookies, h.unknownAllowed()) {
		h.metrics.cookiesDropped[cookieMetricIndex(d.Category, d.Unknown)].Inc()
	}
}

// expireWithdrawn expires, on a consent post, the cookies of categories the
// new choice no longer grants.
func (h *Handler) expireWithdrawn(hdr http.Header, r *http.Request, granted policy.Set) {
	lines, _ := firewall.Expire(r.Header, r.Host, granted, h.cookies)
	h.countExpired(lines)
	for _, line := range lines {
		hdr.Add("Set-Cookie", line)
	}
}

// countExpired counts each expired cookie once, whatever the number of its
// path and domain variants.
func (h *Handler) countExpired(lines []string) {
	last := ""
	for _, l := range lines {
		name := setcookie.Name(l)
		if name == last {
			continue
		}
		last = name
		if c := h.cookies.MatchCookie(name); c != nil {
			h.metrics.cookiesExpired[cookieMetricIndex(c.Category, false)].Inc()
		}
	}
}

func (h *Handler) unknownAllowed() bool { return h.UnknownCookies != "block" }

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

// fetchRels are the link relations with which a Link response header, on a
// page or in a 103 Early Hints response, makes a browser contact the target
// before any HTML is parsed: the rewriter never sees these.
var fetchRels = []string{"preload", "modulepreload", "prefetch", "preconnect", "dns-prefetch", "prerender", "stylesheet"}

// filterLinkHeader drops from hdr's Link header every link-value that would
// make a browser contact a tracker of a category the visitor has not granted;
// the other link-values keep their bytes. It returns how many it dropped.
func (h *Handler) filterLinkHeader(hdr http.Header, granted policy.Set) int {
	lines := hdr["Link"]
	if len(lines) == 0 {
		return 0
	}
	blocked := func(target string) bool {
		s := h.catalog.MatchURL([]byte(target))
		return s != nil && !granted.Has(s.Category)
	}
	dropped := 0
	out := lines[:0:0]
	for _, line := range lines {
		kept, n := filterLinkValues(line, blocked)
		dropped += n
		if strings.TrimSpace(kept) != "" {
			out = append(out, kept)
		}
	}
	if dropped == 0 {
		return 0
	}
	if len(out) == 0 {
		hdr.Del("Link")
	} else {
		hdr["Link"] = out
	}
	return dropped
}

// filterLinkValues splits a Link field value into its link-values (RFC 8288:
// "<target>; param=value, <target>; …", commas inside <> or quotes do not
// split) and leaves out those with a fetching rel whose target is blocked.
// Parts it cannot read are kept: a browser cannot act on them either.
func filterLinkValues(v string, blocked func(target string) bool) (string, int) {
	var b strings.Builder
	dropped, sep := 0, ""
	for first := true; ; first = false {
		end := linkValueEnd(v)
		part, last := v[:end], end == len(v)
		if !last {
			v = v[end+1:]
		}
		if target, rels, ok := parseLinkValue(part); ok && fetches(rels) && blocked(target) {
			dropped++
		} else {
			if sep == "" && !first {
				part = strings.TrimLeft(part, " \t") // it followed a dropped one
			}
			b.WriteString(sep)
			b.WriteString(part)
			sep = ","
		}
		if last {
			return b.String(), dropped
		}
	}
}

// linkValueEnd returns the index of the comma that ends the first link-value
// of v, or len(v).
func linkValueEnd(v string) int {
	inURI, inQuote := false, false
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case inQuote:
			if c == '\\' {
				i++
			} else if c == '"' {
				inQuote = false
			}
		case inURI:
			inURI = c != '>'
		case c == '<':
			inURI = true
		case c == '"':
			inQuote = true
		case c == ',':
			return i
		}
	}
	return len(v)
}

// parseLinkValue returns the target and the rel parameter of one link-value.
func parseLinkValue(p string) (target, rels string, ok bool) {
	p = strings.TrimSpace(p)
	if !strings.HasPrefix(p, "<") {
		return "", "", false
	}
	end := strings.IndexByte(p, '>')
	if end < 0 {
		return "", "", false
	}
	target = strings.TrimSpace(p[1:end])
	for _, param := range strings.Split(p[end+1:], ";") {
		name, value, _ := strings.Cut(param, "=")
		if strings.EqualFold(strings.TrimSpace(name), "rel") && rels == "" {
			rels = strings.Trim(strings.TrimSpace(value), `"`)
		}
	}
	return target, rels, true
}

// fetches reports whether a space-separated rel list holds a fetching relation.
func fetches(rels string) bool {
	for _, r := range strings.Fields(rels) {
		for _, f := range fetchRels {
			if strings.EqualFold(r, f) {
				return true
			}
		}
	}
	return false
}
