package htmlrewrite

import (
	"bytes"
	"html"
	"io"
	"unicode/utf8"

	"github.com/samtykke/caddy-consent/module/catalog"
)

// attr is an attribute of a held tag that the rewriter reads, as offsets into
// the tag's bytes.
type attr struct {
	ns, ne int32 // name
	vs, ve int32 // value, without quotes (empty when absent)
	key    uint8
}

// maxAttrs bounds the attributes kept per tag: a tag repeating src a thousand
// times passes unchanged (and counts as an overflow) rather than cost memory.
const maxAttrs = 64

// parseAttrs lists the attributes with a key (lookupAttr) of a complete tag t,
// starting at i (just after the tag name). It makes the same decisions as
// scanAttrs. ok is false when there are more than maxAttrs of them.
func parseAttrs(t []byte, i int, out []attr) (_ []attr, ok bool) {
	n := len(t)
	for i < n {
		c := t[i]
		if ctab[c]&cSpace != 0 || c == '/' { // a '/' not before '>' counts as space
			i++
			continue
		}
		if c == '>' {
			break
		}
		ns := i
		i++ // the first byte is part of the name even if it is '='
		for i < n && ctab[t[i]]&cAttrEnd == 0 {
			i++
		}
		ne := i
		for i < n && ctab[t[i]]&cSpace != 0 {
			i++
		}
		vs, ve := ne, ne
		if i < n && t[i] == '=' {
			i++
			for i < n && ctab[t[i]]&cSpace != 0 {
				i++
			}
			if i < n {
				switch q := t[i]; q {
				case '"', '\'':
					k := bytes.IndexByte(t[i+1:], q)
					if k < 0 {
						k = n - i - 1
					}
					vs, ve = i+1, i+1+k
					i += k + 2
				case '>':
					vs, ve = i, i
				default:
					vs = i
					for i < n && ctab[t[i]]&cUnqEnd == 0 {
						i++
					}
					ve = i
				}
			}
		}
		if key := lookupAttr(t[ns:ne]); key != akOther {
			if len(out) == maxAttrs {
				return out, false
			}
			out = append(out, attr{int32(ns), int32(ne), int32(vs), int32(ve), key})
		}
	}
	return out, true
}

// unescape decodes character references in an attribute value with
// html.UnescapeString semantics. It copies only when v holds an '&'; common
// references are decoded without allocating.
func (r *Rewriter) unescape(v []byte) []byte {
	k := bytes.IndexByte(v, '&')
	if k < 0 {
		return v
	}
	dst, ok := appendUnescaped(append(r.dec[:0], v[:k]...), v[k:])
	if !ok {
		dst = append(r.dec[:0], html.UnescapeString(string(v))...)
	}
	r.dec = dst
	return dst
}

// appendUnescaped decodes numeric references and the named references in
// commonRefs; ok is false when it met another named reference.
func appendUnescaped(dst, s []byte) (_ []byte, ok bool) {
	for len(s) > 0 {
		k := bytes.IndexByte(s, '&')
		if k < 0 {
			return append(dst, s...), true
		}
		dst = append(dst, s[:k]...)
		s = s[k:]
		if len(s) > 1 && s[1] == '#' {
			var rn rune
			var n int
			rn, n = numericRef(s)
			if n == 0 {
				dst = append(dst, '&')
				s = s[1:]
				continue
			}
			dst = utf8.AppendRune(dst, rn)
			s = s[n:]
			continue
		}
		i := 1
		for i < len(s) && isAlnum(s[i]) {
			i++
		}
		if i == 1 { // a lone '&'
			dst = append(dst, '&')
			s = s[1:]
			continue
		}
		if i < len(s) && s[i] == ';' {
			if c, found := commonRef(s[1:i]); found {
				dst = append(dst, c)
				s = s[i+1:]
				continue
			}
		}
		return dst, false
	}
	return dst, true
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// commonRef decodes the named references that appear in URLs.
func commonRef(name []byte) (byte, bool) {
	switch string(name) {
	case "amp", "AMP":
		return '&', true
	case "quot", "QUOT":
		return '"', true
	case "apos":
		return '\'', true
	case "lt", "LT":
		return '<', true
	case "gt", "GT":
		return '>', true
	case "sol":
		return '/', true
	case "colon":
		return ':', true
	case "period":
		return '.', true
	case "quest":
		return '?', true
	case "equals":
		return '=', true
	case "num":
		return '#', true
	case "percnt":
		return '%', true
	case "commat":
		return '@', true
	case "lowbar":
		return '_', true
	case "plus":
		return '+', true
	case "comma":
		return ',', true
	case "semi":
		return ';', true
	}
	return 0, false
}

// numericRef decodes "&#…" at the start of s exactly as html.UnescapeString
// does, quirks included; n is the number of bytes consumed, 0 when s holds no
// reference.
func numericRef(s []byte) (x rune, n int) {
	if len(s) <= 3 { // at least "&#."
		return 0, 0
	}
	i := 2
	hex := false
	if c := s[i]; c == 'x' || c == 'X' {
		hex = true
		i++
	}
	for i < len(s) {
		c := s[i]
		i++
		if hex {
			switch {
			case '0' <= c && c <= '9':
				x = 16*x + rune(c) - '0'
				continue
			case 'a' <= c && c <= 'f':
				x = 16*x + rune(c) - 'a' + 10
				continue
			case 'A' <= c && c <= 'F':
				x = 16*x + rune(c) - 'A' + 10
				continue
			}
		} else if '0' <= c && c <= '9' {
			x = 10*x + rune(c) - '0'
			continue
		}
		if c != ';' {
			i--
		}
		break
	}
	if i <= 3 {
		return 0, 0
	}
	switch {
	case 0x80 <= x && x <= 0x9F:
		x = win1252[x-0x80]
	case x == 0 || 0xD800 <= x && x <= 0xDFFF || x > utf8.MaxRune:
		x = utf8.RuneError
	}
	return x, i
}

// win1252 maps references to 0x80–0x9F as HTML does (§13.2.5.80).
var win1252 = [32]rune{
	'\u20AC', '\u0081', '\u201A', '\u0192', '\u201E', '\u2026', '\u2020', '\u2021',
	'\u02C6', '\u2030', '\u0160', '\u2039', '\u0152', '\u008D', '\u017D', '\u008F',
	'\u0090', '\u2018', '\u2019', '\u201C', '\u201D', '\u2022', '\u2013', '\u2014',
	'\u02DC', '\u2122', '\u0161', '\u203A', '\u0153', '\u009D', '\u017E', '\u0178',
}

// classifyURL is the Classifier's MatchURL, through the response's memo.
func (r *Rewriter) classifyURL(u []byte) *catalog.Service {
	return r.o.Classifier.MatchURLMemo(u, &r.memo)
}

// maxSrcdocDepth bounds iframes nested through srcdoc that are looked into.
const maxSrcdocDepth = 3

// matchSrcdoc classifies the document of an iframe's srcdoc: it is rewritten
// on its own, with the same classifier and grants, and the first service it
// finds that is not granted (else the first one granted) stands for the
// iframe, which is then blocked whole. Deeper than maxSrcdocDepth it is not
// looked into.
func (r *Rewriter) matchSrcdoc(v []byte) *catalog.Service {
	if r.depth >= maxSrcdocDepth || len(v) == 0 {
		return nil
	}
	doc := bytes.Clone(r.unescape(v)) // r.dec is reused by the outer rewriter
	o := Options{Classifier: r.o.Classifier, Granted: r.o.Granted, MaxTag: r.o.MaxTag, MaxInline: r.o.MaxInline}
	inner := New(io.Discard, &o)
	inner.depth = r.depth + 1
	inner.Write(doc)
	inner.Close()
	var granted *catalog.Service
	for _, s := range inner.page.Found {
		if !r.o.Granted.Has(s.Category) {
			return s
		}
		if granted == nil {
			granted = s
		}
	}
	return granted
}

// matchSrcset classifies each candidate URL of a srcset; it returns the first
// service not granted, else the first one granted.
func (r *Rewriter) matchSrcset(v []byte) *catalog.Service { return r.matchURLList(v, true) }

// matchPing does the same for a ping attribute, a list of URLs separated by
// ASCII whitespace.
func (r *Rewriter) matchPing(v []byte) *catalog.Service { return r.matchURLList(v, false) }

// matchURLList classifies each URL of a srcset (candidates: a URL, optional
// descriptors, then ',' — HTML §4.8.4.3.10) or of a whitespace-separated
// list: the first service not granted wins, else the first one granted.
func (r *Rewriter) matchURLList(v []byte, srcset bool) *catalog.Service {
	s := r.unescape(v)
	var granted *catalog.Service
	for len(s) > 0 {
		for len(s) > 0 && (ctab[s[0]]&cSpace != 0 || srcset && s[0] == ',') {
			s = s[1:]
		}
		k := 0
		for k < len(s) && ctab[s[k]]&cSpace == 0 {
			k++
		}
		u := s[:k]
		s = s[k:]
		if srcset { // skip the descriptors up to the next candidate
			if k > 0 && u[k-1] == ',' {
				u = bytes.TrimRight(u, ",")
			} else if c := bytes.IndexByte(s, ','); c >= 0 {
				s = s[c+1:]
			} else {
				s = nil
			}
		}
		if len(u) == 0 {
			continue
		}
		svc := r.classifyURL(u)
		if svc == nil {
			continue
		}
		if !r.o.Granted.Has(svc.Category) {
			if granted != nil {
				r.found(granted)
			}
			return svc
		}
		if granted == nil {
			granted = svc
		}
	}
	return granted
}
