package consent

import (
	"net/http"
	"strings"
)

// cspNonces returns the nonces a page's enforced Content-Security-Policy
// allows scripts and styles with, so that the banner's script, stylesheet and
// the Consent Mode prelude carry them and are not refused. A policy that
// allows by 'self' needs none (the assets are same-origin); one that allows
// only by hash gets none and the banner still works as a plain form. Every
// policy of every header must allow an element, so the nonce must come from
// a directive in each policy that restricts it; the first one found is used.
func cspNonces(hdr http.Header) (script, style string) {
	for _, line := range hdr.Values("Content-Security-Policy") {
		for _, p := range strings.Split(line, ",") {
			if script == "" {
				script = directiveNonce(p, "script-src-elem", "script-src", "default-src")
			}
			if style == "" {
				style = directiveNonce(p, "style-src-elem", "style-src", "default-src")
			}
		}
	}
	return script, style
}

// directiveNonce finds the first of the directives (in order of CSP's
// fallback) present in policy p and returns its nonce source, if any.
func directiveNonce(p string, names ...string) string {
	dirs := strings.Split(p, ";")
	for _, name := range names {
		for _, d := range dirs {
			f := strings.Fields(d)
			if len(f) == 0 || !strings.EqualFold(f[0], name) {
				continue
			}
			for _, src := range f[1:] {
				if len(src) > len("'nonce-'") && strings.EqualFold(src[:len("'nonce-")], "'nonce-") && src[len(src)-1] == '\'' {
					if n := src[len("'nonce-") : len(src)-1]; validNonce(n) {
						return n
					}
				}
			}
			return "" // the first directive present decides (CSP fallback)
		}
	}
	return ""
}

// validNonce accepts base64 and base64url values (CSP's nonce-source
// grammar), bounded, so nothing else is ever copied into the page.
func validNonce(n string) bool {
	if len(n) > 256 {
		return false
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '-' || c == '_' || c == '=') {
			return false
		}
	}
	return true
}
