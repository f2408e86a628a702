package htmlrewrite

import (
	"bytes"

	"github.com/samtykke/caddy-consent/internal/urlhost"
)

// Third parties no rule names (Options.Unknown): which elements they hold
// (the unknown column of elemRules) and the per-URL question, with a memo
// of the site's own "scheme://host/" so that its URLs cost a prefix test.

// ownPrefixLen bounds the remembered prefix of the site's own URLs.
const ownPrefixLen = 64

// holdsUnknown reports whether an element whose rule holds unknowns under
// the condition how meets it: a beacon-like image, a hint or preload link.
func (r *Rewriter) holdsUnknown(tag []byte, how uint8) bool {
	switch how {
	case holdAlways:
		return true
	case holdBeacon:
		return r.tok.noscript || r.beacon(tag)
	case holdHint:
		a := r.first(akRel)
		return a != nil && isHint(r.unescape(tag[a.vs:a.ve]))
	}
	return false
}

// beacon reports whether an image is drawn so that nobody sees it: 1 or 0
// pixels wide or high, the hidden attribute, or a style of display:none or
// visibility:hidden. Such an image only reports a visit.
func (r *Rewriter) beacon(tag []byte) bool {
	if r.first(akHidden) != nil {
		return true
	}
	for _, k := range [...]uint8{akWidth, akHeight} {
		if a := r.first(k); a != nil && tinySize(r.unescape(tag[a.vs:a.ve])) {
			return true
		}
	}
	if a := r.first(akStyle); a != nil {
		return hiddenStyle(r.unescape(tag[a.vs:a.ve]))
	}
	return false
}

// tinySize reports whether a width or height value is 0 or 1 pixel.
func tinySize(v []byte) bool {
	v = bytes.TrimSpace(v)
	if len(v) > 2 && eqFold(v[len(v)-2:], "px") {
		v = v[:len(v)-2]
	}
	return len(v) == 1 && (v[0] == '0' || v[0] == '1')
}

// hiddenStyle reports whether a style attribute holds display:none or
// visibility:hidden (ASCII case and whitespace ignored).
func hiddenStyle(v []byte) bool {
	for _, p := range [...]struct{ prop, val string }{{"display", "none"}, {"visibility", "hidden"}} {
		for s := v; ; {
			k := indexFold(s, p.prop)
			if k < 0 {
				break
			}
			s = s[k+len(p.prop):]
			i := skipSpace(s, 0)
			if i < len(s) && s[i] == ':' {
				i = skipSpace(s, i+1)
				if len(s)-i >= len(p.val) && eqFold(s[i:i+len(p.val)], p.val) {
					return true
				}
			}
		}
	}
	return false
}

// indexFold is bytes.Index for a lower-case ASCII needle, ignoring case.
func indexFold(s []byte, needle string) int {
	for i := 0; i+len(needle) <= len(s); i++ {
		if lower(s[i]) == needle[0] && eqFold(s[i:i+len(needle)], needle) {
			return i
		}
	}
	return -1
}

// isHint reports whether a rel value names a resource hint or preload:
// what makes a browser contact a host before anything uses it.
func isHint(rel []byte) bool {
	for len(rel) > 0 {
		i := skipSpace(rel, 0)
		j := i
		for j < len(rel) && ctab[rel[j]]&cSpace == 0 {
			j++
		}
		switch w := rel[i:j]; {
		case eqFold(w, "preconnect"), eqFold(w, "dns-prefetch"), eqFold(w, "preload"),
			eqFold(w, "prefetch"), eqFold(w, "modulepreload"), eqFold(w, "prerender"):
			return true
		}
		rel = rel[j:]
	}
	return false
}

// reportHeld tells Options.Held the URL of the first attribute in held (a
// mask of attribute keys) of an element about to be held as Unclassified.
func (r *Rewriter) reportHeld(tag []byte, held uint32) {
	if r.o.Held == nil {
		return
	}
	for i := range r.attrs {
		if a := &r.attrs[i]; held&(1<<a.key) != 0 {
			r.o.Held(&r.page, r.unescape(tag[a.vs:a.ve]))
			return
		}
	}
}

// unknownURL asks Options.Unknown about u (entity-decoded) unless it is
// relative, or starts with the prefix of a URL already found to be the
// site's own.
func (r *Rewriter) unknownURL(u []byte) bool {
	return !r.knownOwn(u) && r.askUnknown(u)
}

// knownOwn reports whether u is relative or starts with the prefix of a URL
// already found to be the site's own.
func (r *Rewriter) knownOwn(u []byte) bool {
	return !urlhost.NamesHost(u) || r.ownN > 0 && bytes.HasPrefix(u, r.ownPre[:r.ownN])
}

// askUnknown asks Options.Unknown whether to hold u, and remembers the
// prefix of a URL it calls the site's own.
func (r *Rewriter) askUnknown(u []byte) bool {
	hold, own := r.o.Unknown(&r.page, u)
	if own {
		if p := urlhost.PlainPrefix(u); len(p) <= ownPrefixLen {
			r.ownN = copy(r.ownPre[:], p)
		}
	}
	return hold
}
