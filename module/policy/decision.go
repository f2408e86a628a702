package policy

import (
	"fmt"
	"net/url"
	"strings"
)

// The actions of the consent form (DESIGN §5).
const (
	ActionAcceptAll = "accept-all"
	ActionRejectAll = "reject-all"
	ActionSave      = "save"
)

// ParseDecision reads a consent form post: exactly one action, accept-all
// (everything offered), reject-all (necessary only) or save (necessary plus
// the repeated category fields). Every category field must name a category on
// offer, whatever the action, so a stale or forged form fails loudly (400)
// instead of granting something by accident. "necessary" is accepted and
// changes nothing: a site's own form may post it from a locked checkbox.
func ParseDecision(form url.Values, offered Set) (action string, granted Set, err error) {
	actions := form["action"]
	if len(actions) != 1 {
		return "", 0, fmt.Errorf("consent form: want one action, got %d", len(actions))
	}
	necessary := Set(Necessary)
	chosen := necessary
	for _, name := range form["category"] {
		c, err := ParseCategory(name)
		if err != nil {
			return "", 0, fmt.Errorf("consent form: %v", err)
		}
		if c != Necessary && offered&Set(c) == 0 {
			return "", 0, fmt.Errorf("consent form: category %q is not offered", name)
		}
		chosen = chosen.With(c)
	}
	switch action = actions[0]; action {
	case ActionAcceptAll:
		return action, offered&All | necessary, nil
	case ActionRejectAll:
		return action, necessary, nil
	case ActionSave:
		return action, chosen, nil
	}
	return "", 0, fmt.Errorf("consent form: unknown action %q (want accept-all, reject-all or save)", actions[0])
}

// maxReturnLen bounds the redirect target; longer ones are not ours.
const maxReturnLen = 2048

// SafeReturn returns ret if it is a path on this site, else "/". It is the
// Location of the 303 after a consent post, so it must never lead elsewhere:
//
//   - it must start with "/" and its path must hold no "//": browsers read
//     "//evil" as another host, and "//" anywhere in the path can become a
//     leading one through dot segments ("/.//evil" resolves to path "//evil")
//     or an upstream that normalises and redirects again;
//   - no backslash: WHATWG URL parsing reads "\" as "/" in http(s) URLs, so
//     "/\evil" is "//evil";
//   - no control character or space: browsers delete tab, CR and LF inside
//     URLs ("/\t/evil" is "//evil"), CR and LF would split the header;
//   - the path (before "?" or "#") must pass the same checks, spaces aside,
//     after percent-decoding, repeated until nothing is left to decode:
//     a browser keeps "/%2F%2Fevil" on this site, but any server or framework
//     behind or after us that decodes once (or twice, for "%252F") and
//     redirects would turn it into "//evil". Malformed escapes in the path
//     are refused.
//
// Anything not starting with "/" ("https://…", "javascript:…", "evil.com")
// is refused. Bytes beyond ASCII are percent-encoded so the header stays
// ASCII; the query and fragment pass otherwise unchanged.
func SafeReturn(ret string) string {
	if len(ret) > maxReturnLen || !safeRaw(ret) {
		return "/"
	}
	path := ret
	if i := strings.IndexAny(ret, "?#"); i >= 0 {
		path = ret[:i]
	}
	for round := 0; strings.Contains(path, "%"); round++ {
		if round == 4 {
			return "/" // still decoding after four rounds: nobody links like that
		}
		d, err := url.PathUnescape(path)
		if err != nil {
			if round == 0 {
				return "/"
			}
			break // a later decoder stops here too: what we checked is final
		}
		if !safePath(d) {
			return "/"
		}
		path = d
	}
	out := escapeNonASCII(ret)
	// A bad escape in the fragment would make Go's url.Parse (and so
	// http.Redirect's clean-up) give up on it; not a link we wrote.
	if _, err := url.Parse(out); err != nil {
		return "/"
	}
	return out
}

// safeRaw checks ret as it goes into the Location header.
func safeRaw(s string) bool {
	if s == "" || s[0] != '/' {
		return false
	}
	path := s
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		path = s[:i]
	}
	if strings.Contains(path, "//") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c == 0x7f || c == '\\' {
			return false
		}
	}
	return true
}

// safePath checks a percent-decoded path, the part a later decode-and-redirect
// could turn into a host. (Its query may decode to spaces or newlines: harmless.)
func safePath(p string) bool {
	if p == "" || p[0] != '/' || strings.Contains(p, "//") {
		return false
	}
	for i := 0; i < len(p); i++ {
		if c := p[i]; c < ' ' || c == 0x7f || c == '\\' {
			return false
		}
	}
	return true
}

func escapeNonASCII(s string) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			n++
		}
	}
	if n == 0 {
		return s
	}
	const hexDigits = "0123456789ABCDEF"
	b := make([]byte, 0, len(s)+2*n)
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 {
			b = append(b, '%', hexDigits[c>>4], hexDigits[c&15])
		} else {
			b = append(b, c)
		}
	}
	return string(b)
}
