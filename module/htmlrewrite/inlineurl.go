package htmlrewrite

import (
	"bytes"

	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/policy"
)

// Reading an inline script for the URLs it names. A loader that no catalog
// marker knows still names its host in a string literal: "//host/…",
// "https://host", the JSON-escaped "https:\/\/host\/…", or split across a
// concatenation of literals ("https://" + "x.example.com/a.js", or
// (c ? "https://secure" : "http://pixel") + ".quantserve.com/aquant.js").
// The reader looks only at each "//" (or "\/\/") and a bounded window
// around it, so a script costs a vectorised search plus a constant per URL.

// Bounds of the window read around each "//".
const (
	maxInlineHost = 253 // a DNS name
	maxInlinePath = 128 // enough for path rules
	maxConcatGap  = 48  // from the end of a literal to the next one after '+'
)

// inlineURLs classifies the URLs that string literals of an inline script
// name: the first service not granted wins, else the first one granted (nil
// for none), and held tells whether Options.Unknown holds one of them.
func (r *Rewriter) inlineURLs(body []byte) (svc *catalog.Service, held bool) {
	var granted *catalog.Service
	loader := -1 // whether body loads anything at all, once a URL needs it
	// One pass over the slashes: "//" and the JSON-escaped "\/\/".
	for i := 0; ; {
		k := bytes.IndexByte(body[i:], '/')
		if k < 0 || k+i+1 >= len(body) {
			break
		}
		k += i
		n := 2
		switch {
		case body[k+1] == '/':
			i = k + 2
		case body[k+1] == '\\' && k > 0 && body[k-1] == '\\' && k+2 < len(body) && body[k+2] == '/':
			k, n, i = k-1, 4, k+3
		default:
			i = k + 1
			continue
		}
		u, ok := r.inlineURL(body, k, n)
		if !ok || r.knownOwn(u) {
			continue // the site's own URLs say nothing about a loader
		}
		s := r.classifyURL(u)
		if s == nil && held || s != nil && s.Category == policy.Necessary {
			continue
		}
		if loader < 0 {
			// A theme's config names its social profiles; only a
			// script that loads something is classified by its URLs.
			loader = 0
			if loads(body) {
				loader = 1
			}
		}
		if loader == 0 {
			return nil, false
		}
		switch {
		case s == nil:
			if held = r.askUnknown(u); held {
				r.heldURL = append(r.heldURL[:0], u...)
			}
		case !r.o.Granted.Has(s.Category):
			if granted != nil {
				r.foundInline(granted) // named in script text: see Page.InlineOnly
			}
			return s, false
		case granted == nil:
			granted = s
		}
	}
	if held {
		if r.o.Held != nil {
			r.o.Held(&r.page, r.heldURL)
		}
		return nil, true
	}
	return granted, false
}

// inlineURL builds, in r.dec, the URL "https://host/path" (a scheme, so
// that the catalog's memo of host-free prefixes applies) that
// the "//" (of n bytes) at body[k] starts, when it opens a string literal's
// URL (a quote right before it, or before its http: or https:); ok is false
// otherwise. A host that ends its literal is completed by the literal that a
// '+' adds (a bare "https://" takes its whole host from there).
func (r *Rewriter) inlineURL(body []byte, k, n int) (u []byte, ok bool) {
	b := k
	if b >= 6 && eqFold(body[b-6:b], "https:") {
		b -= 6
	} else if b >= 5 && eqFold(body[b-5:b], "http:") {
		b -= 5
	}
	if b == 0 {
		return nil, false
	}
	q := body[b-1]
	if q != '"' && q != '\'' && q != '`' {
		return nil, false
	}
	u = append(r.dec[:0], "https://"...)
	i := k + n
	hostStart := len(u)
	u, i = appendHost(u, body, i)
	if i < len(body) && body[i] == q && (len(u) == hostStart || bytes.IndexByte(u[hostStart:], '.') < 0) {
		// The literal ends in the host: the next one goes on with it.
		if j := concatNext(body, i+1, q); j >= 0 {
			if j < len(body) && body[j] == '.' && len(u) == hostStart {
				j++ // "https://" + ".x.com": no host to continue
			}
			u, i = appendHost(u, body, j)
		}
	}
	host := u[hostStart:]
	if len(host) == 0 || bytes.IndexByte(host, '.') < 0 || host[0] == '.' || host[len(host)-1] == '.' {
		r.dec = u
		return nil, false // not a host name: "//" in text, or a relative "//comment"
	}
	u = append(u, '/')
	// The path, as far as the literal goes: what path rules may need.
	if i < len(body) && (body[i] == '/' || body[i] == '\\' && i+1 < len(body) && body[i+1] == '/') {
		for p := 0; i < len(body) && p < maxInlinePath; p++ {
			c := body[i]
			if c == q || c == '\n' || c == '"' || c == '\'' {
				break
			}
			if c == '\\' && i+1 < len(body) && body[i+1] == '/' {
				i++
				c = '/'
			}
			if p > 0 || c != '/' {
				u = append(u, c)
			}
			i++
		}
	}
	r.dec = u
	return u, true
}

// appendHost appends the host name characters of body from i, lower-cased,
// and returns the index after them.
func appendHost(u, body []byte, i int) ([]byte, int) {
	for start := i; i < len(body) && i-start < maxInlineHost; i++ {
		c := body[i]
		if !(ctab[c]&cLetter != 0 || '0' <= c && c <= '9' || c == '.' || c == '-') {
			break
		}
		u = append(u, lower(c))
	}
	return u, i
}

// concatNext finds, after the end of a string literal at body[i], the next
// literal a '+' joins to it (skipping a ternary's other branch and a closing
// parenthesis within maxConcatGap bytes), and returns the index of its
// first byte, or -1.
func concatNext(body []byte, i int, q byte) int {
	end := min(len(body), i+maxConcatGap)
	plus := bytes.IndexByte(body[i:end], '+')
	if plus < 0 {
		return -1
	}
	j := skipSpace(body[:end], i+plus+1)
	if j < end && (body[j] == '"' || body[j] == '\'' || body[j] == '`') {
		return j + 1
	}
	return -1
}

// loaderWords are what a script that makes the browser fetch something
// from a URL it builds says: an element it creates or writes, a source it
// sets, a request it sends.
var loaderWords = [...]string{
	"createElement", "new Image", "document.write", "innerHTML", "insertAdjacentHTML",
	".src", "appendChild", "insertBefore", "sendBeacon", "fetch(", "XMLHttpRequest",
	"import(", "getScript", "importScripts",
}

// loads reports whether a script says one of loaderWords.
func loads(body []byte) bool {
	for _, w := range loaderWords {
		if bytes.Contains(body, []byte(w)) {
			return true
		}
	}
	return false
}
