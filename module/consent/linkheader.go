package consent

import (
	"net/http"
	"strings"

	"github.com/samtykke/caddy-consent/module/policy"
)

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
