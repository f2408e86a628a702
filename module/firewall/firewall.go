// Package firewall keeps cookies of categories a visitor has not granted away
// from the browser and from the upstream: it drops upstream Set-Cookie lines,
// writes Set-Cookie lines that expire such cookies the browser still holds,
// and strips them from the request's Cookie header. It imports nothing of
// Caddy.
//
// Cookie names are read the way browsers read them (internal/setcookie), and
// every line or pair that is kept passes byte for byte.
package firewall

import (
	"net/http"

	"github.com/samtykke/caddy-consent/internal/setcookie"
	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/policy"
)

// Classifier says which catalog row a cookie name falls under, or nil when no
// row knows it. *catalog.Catalog is one.
type Classifier interface {
	MatchCookie(name string) *catalog.Cookie
}

// Dropped is one Set-Cookie line FilterSetCookie removed.
type Dropped struct {
	Name     string
	Category policy.Category // zero when Unknown
	Unknown  bool            // no catalog row knows the name; dropped under unknown_cookies block
}

// FilterSetCookie removes from h["Set-Cookie"] every line whose cookie falls in
// a category not in granted; names c does not know are kept when
// unknownAllowed. Kept lines stay in order, byte for byte, in h's own slice;
// when nothing is dropped nothing is allocated. It returns what it dropped.
//
// The consent cookie must classify as necessary: wrap c with WithNecessary
// (or set the consent cookie after filtering).
func FilterSetCookie(h http.Header, granted policy.Set, c Classifier, unknownAllowed bool) []Dropped {
	lines := h["Set-Cookie"]
	var dropped []Dropped
	kept := lines[:0]
	for i, line := range lines {
		name := setcookie.SentName(line)
		row := match(c, name)
		if allowed(row, granted, unknownAllowed) {
			kept = append(kept, line)
			continue
		}
		if dropped == nil {
			dropped = make([]Dropped, 0, len(lines)-i)
		}
		d := Dropped{Name: name, Unknown: row == nil}
		if row != nil {
			d.Category = row.Category
		}
		dropped = append(dropped, d)
	}
	if dropped == nil {
		return nil
	}
	clear(lines[len(kept):]) // let the dropped strings go
	if len(kept) == 0 {
		delete(h, "Set-Cookie")
	} else {
		h["Set-Cookie"] = kept
	}
	return dropped
}

func match(c Classifier, name string) *catalog.Cookie {
	if c == nil {
		return nil
	}
	return c.MatchCookie(name)
}

// allowed decides one cookie. A row with no valid category is not granted:
// a data error must fail closed.
func allowed(row *catalog.Cookie, granted policy.Set, unknownAllowed bool) bool {
	if row == nil {
		return unknownAllowed
	}
	return row.Category != 0 && granted.Has(row.Category)
}

// WithNecessary returns a Classifier that classifies names as necessary and
// asks c about everything else: for the consent cookie and any other cookie
// the module itself sets, so no rule or unknown_cookies block can drop them.
func WithNecessary(c Classifier, names ...string) Classifier {
	p := pinned{next: c, rows: make(map[string]*catalog.Cookie, len(names))}
	for _, n := range names {
		p.rows[n] = &catalog.Cookie{
			Pattern:      n,
			Category:     policy.Necessary,
			CategoryName: policy.Necessary.String(),
			Purpose:      "Set by the consent module itself, such as the cookie that stores the visitor's choice.",
		}
	}
	return p
}

type pinned struct {
	next Classifier
	rows map[string]*catalog.Cookie
}

func (p pinned) MatchCookie(name string) *catalog.Cookie {
	if row, ok := p.rows[name]; ok {
		return row
	}
	return match(p.next, name)
}
