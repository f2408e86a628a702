package inventory

import (
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// writer builds ASCII-only markup, the way module/banner does (its writer is
// unexported, so this is the same few lines): raw for the package's own
// markup, esc for everything else: cookie names an upstream chose, catalog
// text, translations.
type writer struct{ b []byte }

func (w *writer) raw(s string) { w.b = append(w.b, s...) }

// esc writes s escaped for HTML text or a double-quoted attribute value.
// Characters beyond ASCII become numeric character references, correct in any
// charset; controls, C1 codes and invalid UTF-8 are dropped.
func (w *writer) esc(s string) {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c == '&':
				w.raw("&amp;")
			case c == '<':
				w.raw("&lt;")
			case c == '>':
				w.raw("&gt;")
			case c == '"':
				w.raw("&#34;")
			case c == '\'':
				w.raw("&#39;")
			case c < 0x20 && c != '\t' && c != '\n' && c != '\r', c == 0x7f:
			default:
				w.b = append(w.b, c)
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r == utf8.RuneError && size == 1 || r < 0xa0 {
			continue
		}
		w.raw("&#")
		w.b = strconv.AppendInt(w.b, int64(r), 10)
		w.b = append(w.b, ';')
	}
}

// attr writes ` name="value"` with the value escaped.
func (w *writer) attr(name, value string) {
	w.b = append(w.b, ' ')
	w.raw(name)
	w.raw(`="`)
	w.esc(value)
	w.b = append(w.b, '"')
}

// tagText writes <tag attrs>text</tag>; attrs is the package's own markup.
func (w *writer) tagText(tag, attrs, text string) {
	w.b = append(w.b, '<')
	w.raw(tag)
	w.raw(attrs)
	w.b = append(w.b, '>')
	w.esc(text)
	w.raw("</")
	w.raw(tag)
	w.b = append(w.b, '>')
}

// safeURL reports whether u may become an href: an http(s) URL or a site path,
// never javascript: or data:.
func safeURL(u string) bool {
	if u == "" || strings.ContainsAny(u, "\x00\t\n\r") {
		return false
	}
	if u[0] == '/' {
		return len(u) == 1 || u[1] != '/' && u[1] != '\\'
	}
	p, err := url.Parse(u)
	return err == nil && (p.Scheme == "http" || p.Scheme == "https") && p.Host != ""
}
