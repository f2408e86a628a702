package htmlrewrite

import (
	"bytes"
	"unicode/utf8"

	"github.com/samtykke/caddy-consent/module/catalog"
)

// matchCSS classifies what a style attribute (or the legacy background
// attribute, given as url(value)) loads (cssLoads). HTML and CSS escapes are
// decoded first. The first service not granted wins, else the first one
// granted.
func (r *Rewriter) matchCSS(v []byte) *catalog.Service {
	s := r.unescape(v)
	if bytes.IndexByte(s, '\\') >= 0 {
		r.css = cssUnescape(r.css[:0], s)
		s = r.css
	}
	var granted *catalog.Service
	r.cssAt = cssLoads(r.cssAt[:0], s)
	for k := 0; k < len(r.cssAt); k += 2 {
		if svc := r.classifyURL(s[r.cssAt[k]:r.cssAt[k+1]]); svc != nil {
			if !r.o.Granted.Has(svc.Category) {
				return svc
			}
			if granted == nil {
				granted = svc
			}
		}
	}
	return granted
}

// cssLoads appends to dst, as (start, end) pairs in order, the URLs naming a
// host ("//") that CSS s loads: the argument of url(), a string of
// image-set() or src(), the string after @import (CSS Values §4.5, CSS
// Images §2.2, CSS Cascade §2). A URL anywhere else (a comment, an
// attribute selector, content) loads nothing and stays. It looks from each
// "//" back to what holds it, so a style sheet full of var() and calc()
// costs only a search for "//". s has no CSS escapes left (cssUnescape).
func cssLoads(dst []int, s []byte) []int {
	prev, inSet := 0, false // where the last "//" was; whether it was a string of image-set() or src()
	for i := 0; ; {
		k := bytes.Index(s[i:], []byte("//"))
		if k < 0 {
			return dst
		}
		k += i
		b := k // back to the scheme, if there is one
		if b > 0 && s[b-1] == ':' {
			for b--; b > 0 && isSchemeByte(s[b-1]); b-- {
			}
		}
		var q byte // the quote around the URL, if any
		j := b
		if j > 0 && (s[j-1] == '"' || s[j-1] == '\'') {
			q = s[j-1]
			j--
		}
		e := k + 2
		if q != 0 {
			if x := bytes.IndexByte(s[e:], q); x >= 0 {
				e += x
			} else {
				e = len(s)
			}
		} else {
			for e < len(s) && s[e] != ')' && ctab[s[e]]&cSpace == 0 {
				e++
			}
		}
		i = e
		j = skipSpaceBack(s, j)
		wasSet := inSet
		inSet = false
		switch {
		case j > 0 && s[j-1] == '(':
			fn := identBefore(s, j-1)
			if eqFold(fn, "url") {
				dst = append(dst, b, e)
			} else if q != 0 && isStringURLFunc(fn) {
				dst = append(dst, b, e)
				inSet = true
			}
		case q == 0:
		case j >= 7 && eqFold(s[j-7:j], "@import"):
			dst = append(dst, b, e)
		case j > 0 && s[j-1] == ',':
			// A later string of image-set("a" 1x, "b" 2x): find the
			// function it is in, back to the last "//" at most (so the
			// whole search stays linear), or go on from that one.
			depth, found := 0, false
		back:
			for x := j - 2; x >= prev; x-- {
				switch s[x] {
				case ')':
					depth++
				case '(':
					if depth == 0 {
						found = true
						inSet = isStringURLFunc(identBefore(s, x))
						break back
					}
					depth--
				case ';', '{', '}':
					found = true
					break back
				}
			}
			if !found && depth == 0 {
				inSet = wasSet
			}
			if inSet {
				dst = append(dst, b, e)
			}
		}
		prev = k + 2
	}
}

// isStringURLFunc reports whether a CSS function takes URLs as strings.
func isStringURLFunc(fn []byte) bool {
	return eqFold(fn, "image-set") || eqFold(fn, "-webkit-image-set") || eqFold(fn, "src")
}

// identBefore returns the CSS identifier that ends right before s[k].
func identBefore(s []byte, k int) []byte {
	i := k
	for i > 0 && (isSchemeByte(s[i-1]) || s[i-1] == '_' || s[i-1] >= 0x80) {
		i--
	}
	return s[i:k]
}

func skipSpaceBack(s []byte, j int) int {
	for j > 0 && ctab[s[j-1]]&cSpace != 0 {
		j--
	}
	return j
}

func skipSpace(s []byte, i int) int {
	for i < len(s) && ctab[s[i]]&cSpace != 0 {
		i++
	}
	return i
}

func isSchemeByte(c byte) bool {
	return ctab[c]&cLetter != 0 || '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'
}

// cssUnescape appends s to dst with its CSS escapes decoded (CSS Syntax
// §4.3.7): a backslash and up to six hex digits, with one optional
// whitespace after them, is that code point (0, surrogates and beyond
// U+10FFFF are U+FFFD); before a newline it is nothing; before any other
// byte it is that byte.
func cssUnescape(dst, s []byte) []byte {
	for {
		k := bytes.IndexByte(s, '\\')
		if k < 0 {
			return append(dst, s...)
		}
		dst = append(dst, s[:k]...)
		s = s[k+1:]
		if len(s) == 0 {
			return utf8.AppendRune(dst, utf8.RuneError)
		}
		n, cp := 0, rune(0)
		for n < len(s) && n < 6 && isHex(s[n]) {
			cp = cp<<4 | rune(hexVal(s[n]))
			n++
		}
		switch {
		case n > 0:
			if cp == 0 || cp > utf8.MaxRune || 0xd800 <= cp && cp <= 0xdfff {
				cp = utf8.RuneError
			}
			dst = utf8.AppendRune(dst, cp)
			if n < len(s) && ctab[s[n]]&cSpace != 0 {
				n++
			}
			s = s[n:]
		case s[0] == '\n' || s[0] == '\f' || s[0] == '\r':
			s = s[1:]
		default:
			dst = append(dst, s[0])
			s = s[1:]
		}
	}
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c|0x20 && c|0x20 <= 'f' }

func hexVal(c byte) byte {
	if c <= '9' {
		return c - '0'
	}
	return c | 0x20 - 'a' + 10
}

// dataPrefix, written before a URL in CSS, turns it into a data: URL that
// loads nothing from the network.
const dataPrefix = "data:,"

// decideStyle classifies a held <style> element whose body ends at bodyEnd
// (the '<' of </style>, or where the body reached MaxInline). Each URL it
// loads (cssLoads) from a service not granted gets dataPrefix in front, and
// the start tag gets the consent attributes: the rest of the style sheet
// still applies. A sheet with CSS escapes, which could hide a URL, or one
// longer than MaxInline, of which only the start was read, is switched off
// whole instead (type="text/plain"). Either way it loads from the next page
// on once the visitor consents.
func (r *Rewriter) decideStyle(bodyEnd int, overflow bool) {
	t := &r.tok
	t.holding, t.inline = false, false
	all := r.contiguous(t.tagStart, bodyEnd)
	tag, body := all[:t.bodyStart-t.tagStart], all[t.bodyStart-t.tagStart:]
	var blocker, granted *catalog.Service
	whole := bytes.IndexByte(body, '\\') >= 0
	if whole {
		if s := r.matchCSS(body); s != nil {
			r.found(s)
			if !r.o.Granted.Has(s.Category) {
				blocker = s
			}
			granted = s // reported live unless blocked
		}
	} else {
		r.cssAt = cssLoads(r.cssAt[:0], body)
		for k := 0; k < len(r.cssAt); k += 2 {
			s := r.classifyURL(body[r.cssAt[k]:r.cssAt[k+1]])
			if s != nil {
				r.found(s)
			}
			if s == nil || r.o.Granted.Has(s.Category) {
				r.cssAt[k] = -1 // stays as it is
				if granted == nil {
					granted = s
				}
			} else if blocker == nil {
				blocker = s
			}
		}
	}
	if blocker == nil {
		if overflow {
			r.page.Overflows++
		}
		if granted != nil {
			r.live(granted, KindLink)
		}
		return
	}
	r.attrs, _ = parseAttrs(tag, t.nameEnd-t.tagStart, r.attrs[:0])
	if whole || overflow { // past the cap, the rest of the sheet was not read
		if overflow {
			r.page.Overflows++
		}
		r.neutralise(tag, t.bodyStart, blocker, blocker.Category, 1<<akType, KindLink, asScript)
		return
	}
	r.neutralise(tag, t.bodyStart, blocker, blocker.Category, 0, KindLink, 0)
	from := 0
	for k := 0; k < len(r.cssAt); k += 2 {
		if b := r.cssAt[k]; b >= 0 {
			r.write(body[from:b])
			r.write([]byte(dataPrefix))
			from = b
		}
	}
	r.write(body[from:])
	r.advance(bodyEnd)
}
