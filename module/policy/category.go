// Package policy holds a visitor's consent state: the categories a site offers,
// which of them a visitor granted, and how that choice travels in a signed cookie.
// It also reads the browser's privacy signals (Sec-GPC, DNT), combines them with
// the choice (Effective), and parses the consent form. It imports nothing of Caddy.
package policy

import (
	"fmt"
	"strings"
)

// Category is one purpose a visitor can consent to. Necessary is always granted
// and never offered as a choice.
type Category uint8

// The categories of DESIGN §4, as bits so that a Set is one byte.
const (
	Necessary Category = 1 << iota
	Preferences
	Analytics
	Marketing
)

// NumCategories is the number of categories.
const NumCategories = 4

// Ordered is every category in the one order the product shows and counts
// them in: necessary first, as in the banner, the declaration, the metrics and
// the audit. Category.Index is a category's place in it.
var Ordered = [NumCategories]Category{Necessary, Preferences, Analytics, Marketing}

// Optional lists the categories a visitor can choose, in banner order.
var Optional = Ordered[1:]

var categoryNames = [NumCategories]string{"necessary", "preferences", "analytics", "marketing"}

// Index returns c's place in Ordered, 0…NumCategories-1, for arrays indexed by
// category; -1 if c is not one category.
func (c Category) Index() int {
	switch c {
	case Necessary:
		return 0
	case Preferences:
		return 1
	case Analytics:
		return 2
	case Marketing:
		return 3
	}
	return -1
}

// Valid reports whether c is exactly one category.
func (c Category) Valid() bool { return c.Index() >= 0 }

// String returns the category's config name, such as "analytics".
func (c Category) String() string {
	if i := c.Index(); i >= 0 {
		return categoryNames[i]
	}
	return fmt.Sprintf("category(%d)", uint8(c))
}

// ParseCategory reads a category by its config name.
func ParseCategory(s string) (Category, error) {
	for i, n := range categoryNames {
		if n == s {
			return Ordered[i], nil
		}
	}
	return 0, fmt.Errorf("unknown category %q (want one of %s)", s, strings.Join(categoryNames[:], ", "))
}

// Set is a set of categories, such as the ones a visitor granted.
type Set uint8

// SetOf returns the set holding cs.
func SetOf(cs ...Category) Set {
	var s Set
	for _, c := range cs {
		s |= Set(c)
	}
	return s
}

// All is every category.
const All = Set(Necessary | Preferences | Analytics | Marketing)

// Has reports whether c is in s. Necessary is always in.
func (s Set) Has(c Category) bool { return c == Necessary || s&Set(c) != 0 }

// With returns s plus c.
func (s Set) With(c Category) Set { return s | Set(c) }

// Without returns s less c.
func (s Set) Without(c Category) Set { return s &^ Set(c) }

// Categories lists the categories in s in a fixed order, necessary first.
func (s Set) Categories() []Category {
	out := make([]Category, 0, NumCategories)
	for _, c := range Ordered {
		if s.Has(c) {
			out = append(out, c)
		}
	}
	return out
}

// String lists the categories in s, comma-separated, necessary first: the form of
// the {http.consent.categories} placeholder.
func (s Set) String() string {
	var b strings.Builder
	for i, c := range s.Categories() {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(c.String())
	}
	return b.String()
}
