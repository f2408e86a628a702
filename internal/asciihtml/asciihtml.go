// Package asciihtml writes HTML whose every byte is ASCII: the banner, the
// placeholders and the cookie declaration are inserted into pages of any
// charset, and numeric character references mean the same in all of them.
package asciihtml

import (
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Writer builds markup whose every byte is ASCII. Markup given to Raw is the
// caller's own; everything else goes through Esc, which is correct in text and
// in double-quoted attribute values, the only two contexts data is put in.
type Writer struct{ b []byte }

// NewWriter returns a Writer with room for size bytes.
func NewWriter(size int) *Writer { return &Writer{b: make([]byte, 0, size)} }

// Bytes returns what was written.
func (w *Writer) Bytes() []byte { return w.b }

// Raw writes s as it is: the caller's own markup.
func (w *Writer) Raw(s string) { w.b = append(w.b, s...) }

// Esc writes s escaped for HTML text or a quoted attribute value. Characters
// beyond ASCII become numeric character references, which mean the same in
// every charset a page may declare (DESIGN §7). Controls, C1 codes (which an
// NCR would turn into windows-1252 characters) and invalid UTF-8 are dropped.
func (w *Writer) Esc(s string) {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c == '&':
				w.Raw("&amp;")
			case c == '<':
				w.Raw("&lt;")
			case c == '>':
				w.Raw("&gt;")
			case c == '"':
				w.Raw("&#34;")
			case c == '\'':
				w.Raw("&#39;")
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
		w.Raw("&#")
		w.b = strconv.AppendInt(w.b, int64(r), 10)
		w.b = append(w.b, ';')
	}
}

// Attr writes ` name="value"` with the value escaped.
func (w *Writer) Attr(name, value string) {
	w.b = append(w.b, ' ')
	w.Raw(name)
	w.Raw(`="`)
	w.Esc(value)
	w.b = append(w.b, '"')
}

// TagText writes <tag attrs>text</tag>, with text escaped; attrs is the
// package's own markup.
func (w *Writer) TagText(tag, attrs, text string) {
	w.b = append(w.b, '<')
	w.Raw(tag)
	w.Raw(attrs)
	w.b = append(w.b, '>')
	w.Esc(text)
	w.Raw("</")
	w.Raw(tag)
	w.b = append(w.b, '>')
}

// SafeURL reports whether u may become an href: an http(s) URL or a site path,
// never javascript:, data: or a protocol-relative //host. The consent module
// validates policy_url already; this keeps such a URL out even if a caller
// forgets.
func SafeURL(u string) bool {
	if u == "" || strings.ContainsAny(u, "\x00\t\n\r") {
		return false
	}
	if u[0] == '/' {
		return SitePath(u)
	}
	p, err := url.Parse(u)
	return err == nil && (p.Scheme == "http" || p.Scheme == "https") && p.Host != ""
}

// SitePath reports whether p is a path on this site ("/x", not "//host").
func SitePath(p string) bool {
	return p != "" && p[0] == '/' && (len(p) == 1 || p[1] != '/' && p[1] != '\\') && !strings.ContainsAny(p, "\x00\t\n\r")
}
