package firewall

import (
	"net/http"
	"strings"

	"github.com/samtykke/caddy-consent/internal/setcookie"
	"github.com/samtykke/caddy-consent/module/policy"
)

// StripRequestCookies rewrites h's Cookie header lines so the upstream never
// sees a cookie whose category is not in granted (or, unless unknownAllowed,
// that c does not know). Kept pairs stay in order, byte for byte; a line with
// nothing to strip is left as it is, without allocating. Lines left empty are
// removed. It returns how many pairs it removed.
func StripRequestCookies(h http.Header, granted policy.Set, c Classifier, unknownAllowed bool) (removed int) {
	lines := h["Cookie"]
	kept := lines[:0]
	for _, line := range lines {
		out, n := stripLine(line, granted, c, unknownAllowed)
		removed += n
		if out != "" {
			kept = append(kept, out)
		}
	}
	if removed == 0 {
		return 0
	}
	clear(lines[len(kept):])
	if len(kept) == 0 {
		delete(h, "Cookie")
	} else {
		h["Cookie"] = kept
	}
	return removed
}

// stripLine returns line without the pairs to strip, and how many it took.
func stripLine(line string, granted policy.Set, c Classifier, unknownAllowed bool) (string, int) {
	// First pass: most lines lose nothing and are returned as they are.
	strip := false
	for rest, more := line, true; more && !strip; {
		var pair string
		pair, rest, more = setcookie.NextPair(rest)
		strip = pair != "" && !allowed(match(c, setcookie.PairName(pair)), granted, unknownAllowed)
	}
	if !strip {
		return line, 0
	}
	var b strings.Builder
	b.Grow(len(line))
	removed := 0
	for rest, more := line, true; more; {
		var pair string
		pair, rest, more = setcookie.NextPair(rest)
		if pair == "" {
			continue
		}
		if !allowed(match(c, setcookie.PairName(pair)), granted, unknownAllowed) {
			removed++
			continue
		}
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		b.WriteString(pair)
	}
	return b.String(), removed
}
