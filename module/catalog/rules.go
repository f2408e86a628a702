package catalog

import (
	"errors"
	"fmt"
	"strings"

	"github.com/samtykke/caddy-consent/module/policy"
)

// Rules are a site operator's additions to the catalog, from the Caddyfile
// subdirectives block, block_inline, allow and cookie (DESIGN §4).
type Rules struct {
	Block       []URLRule
	BlockInline []InlineRule
	Allow       []string // URL globs never blocked (see ValidURLGlob)
	Cookies     []CookieRule
}

// URLRule classifies resources matching Glob (see ValidURLGlob).
type URLRule struct {
	Glob     string
	Category policy.Category
}

// InlineRule classifies inline scripts that contain Substring (case-sensitive).
type InlineRule struct {
	Substring string
	Category  policy.Category
}

// CookieRule classifies cookies whose name matches Glob (see ValidCookieGlob).
type CookieRule struct {
	Glob     string
	Category policy.Category
	Purpose  string // optional; shown in the cookie declaration
	// Provider is who sets the cookie (a company, or the site's own name);
	// optional. Service names what sets it: a catalog service ID links the
	// row to that service, any other text is shown as the service's name.
	Provider string
	Service  string
}

// applyCookieRuleNames gives a row the provider and service a cookie rule
// names.
func applyCookieRuleNames(ck *Cookie, rule CookieRule, byID map[string]*Service) {
	if p := strings.TrimSpace(rule.Provider); p != "" {
		ck.Provider = p
	}
	switch svc := strings.TrimSpace(rule.Service); {
	case svc == "":
	case byID[svc] != nil:
		ck.Service, ck.ServiceName = svc, ""
	default:
		ck.Service, ck.ServiceName = "", svc
	}
}

// customPurpose explains rows that only an operator's rule describes.
const customPurpose = "Classified by the site's operator."

// With returns a new catalog: c plus r. c itself is never changed.
//
//   - A block rule naming a host, URL glob or path that a service already lists
//     re-categorises that whole service: its hosts, URLs, inline markers, and
//     the cookies that name it and shared its category (unless a cookie rule
//     says otherwise). Any other
//     block rule adds a service named after the rule's host ("cdn.example.com";
//     the path for a path-only glob), one per host and category.
//   - A block_inline rule with a built-in marker re-categorises that service;
//     another adds a service named after the substring.
//   - An allow rule wins over everything in MatchURL.
//   - A cookie rule with the pattern of a built-in row replaces that row's
//     category (and purpose, when given); another adds a row.
//
// Rows that rules create or change have Custom set. Malformed globs, invalid
// categories and contradictory rules are errors.
func (c *Catalog) With(r Rules) (*Catalog, error) {
	var errs []error
	services := make([]*Service, len(c.services))
	byID := make(map[string]*Service, len(c.services))
	known := map[string]*Service{}   // canonical glob → (copied) service
	markers := map[string]*Service{} // inline marker → (copied) service
	for i, s := range c.services {
		cp := *s
		services[i] = &cp
		byID[cp.ID] = &cp
		for _, h := range cp.Hosts {
			known[h] = &cp
		}
		for _, u := range cp.URLs {
			if g, err := parseURLGlob(u); err == nil {
				known[g.String()] = &cp
			}
		}
		for _, m := range cp.Inline {
			markers[m] = &cp
		}
	}
	recategorised := map[*Service]string{} // service → the rule that did it
	recategorise := func(s *Service, cat policy.Category, rule string) {
		if prev, ok := recategorised[s]; ok && s.Category != cat {
			errs = append(errs, fmt.Errorf("rules %q and %q give service %q different categories", prev, rule, s.ID))
			return
		}
		recategorised[s] = rule
		s.Category, s.CategoryName, s.Custom = cat, cat.String(), true
	}
	ids := map[string]bool{}
	for _, s := range services {
		ids[s.ID] = true
	}
	newID := func(base string) string {
		id := "custom-" + slug(base)
		for n := 2; ids[id]; n++ {
			id = fmt.Sprintf("custom-%s-%d", slug(base), n)
		}
		ids[id] = true
		return id
	}

	blocked := map[string]policy.Category{} // canonical glob → category
	custom := map[string]*Service{}         // name + category → synthesised service
	for _, rule := range r.Block {
		g, err := parseURLGlob(rule.Glob)
		if err != nil {
			errs = append(errs, fmt.Errorf("block: %v", err))
			continue
		}
		if !rule.Category.Valid() {
			errs = append(errs, fmt.Errorf("block %q: invalid category %d", rule.Glob, rule.Category))
			continue
		}
		key := g.String()
		if prev, ok := blocked[key]; ok {
			if prev != rule.Category {
				errs = append(errs, fmt.Errorf("block %q is given two categories, %s and %s", rule.Glob, prev, rule.Category))
			}
			continue
		}
		blocked[key] = rule.Category
		if s := known[key]; s != nil {
			recategorise(s, rule.Category, rule.Glob)
			continue
		}
		name := g.host
		if name == "" {
			name = g.path
		}
		ck := name + "\x00" + rule.Category.String()
		s := custom[ck]
		if s == nil {
			s = &Service{
				ID:           newID(name),
				Name:         name,
				Category:     rule.Category,
				CategoryName: rule.Category.String(),
				Purpose:      customPurpose,
				Custom:       true,
			}
			custom[ck] = s
			services = append(services, s)
		}
		if g.path == "" && !g.sub {
			s.Hosts = append(s.Hosts, key)
		} else {
			s.URLs = append(s.URLs, key)
		}
	}

	inlineSeen := map[string]policy.Category{}
	for _, rule := range r.BlockInline {
		if len(rule.Substring) < 3 {
			errs = append(errs, fmt.Errorf("block_inline %q: a substring shorter than 3 bytes would match ordinary scripts", rule.Substring))
			continue
		}
		if !rule.Category.Valid() {
			errs = append(errs, fmt.Errorf("block_inline %q: invalid category %d", rule.Substring, rule.Category))
			continue
		}
		if prev, ok := inlineSeen[rule.Substring]; ok {
			if prev != rule.Category {
				errs = append(errs, fmt.Errorf("block_inline %q is given two categories, %s and %s", rule.Substring, prev, rule.Category))
			}
			continue
		}
		inlineSeen[rule.Substring] = rule.Category
		if s := markers[rule.Substring]; s != nil {
			recategorise(s, rule.Category, rule.Substring)
			continue
		}
		services = append(services, &Service{
			ID:           newID("inline-" + rule.Substring),
			Name:         rule.Substring,
			Category:     rule.Category,
			CategoryName: rule.Category.String(),
			Purpose:      customPurpose,
			Inline:       []string{rule.Substring},
			Custom:       true,
		})
	}

	var allow *hostTable
	if len(r.Allow) > 0 {
		allow = newHostTable()
		seen := map[string]bool{}
		for _, a := range r.Allow {
			g, err := parseURLGlob(a)
			if err != nil {
				errs = append(errs, fmt.Errorf("allow: %v", err))
				continue
			}
			key := g.String()
			if cat, ok := blocked[key]; ok {
				errs = append(errs, fmt.Errorf("%q is both blocked (%s) and allowed", a, cat))
				continue
			}
			if seen[key] {
				continue
			}
			seen[key] = true
			if err := allow.add(key, allowed); err != nil {
				errs = append(errs, fmt.Errorf("allow: %v", err))
			}
		}
	}

	// Cookies: copy; follow re-categorised services; then apply cookie rules.
	cookies := make([]*Cookie, len(c.cookies))
	byPattern := map[string]*Cookie{}
	for i, ck := range c.cookies {
		cp := *ck
		// A cookie follows its re-categorised service, unless it had a category
		// of its own (such as a vendor's opt-out cookie, necessary).
		if s := byID[cp.Service]; s != nil && s.Custom && cp.Category == c.byID[cp.Service].Category {
			cp.Category, cp.CategoryName, cp.Custom = s.Category, s.CategoryName, true
		}
		cookies[i] = &cp
		byPattern[cp.Pattern] = &cp
	}
	cookieSeen := map[string]policy.Category{}
	for _, rule := range r.Cookies {
		if err := ValidCookieGlob(rule.Glob); err != nil {
			errs = append(errs, fmt.Errorf("cookie: %v", err))
			continue
		}
		if !rule.Category.Valid() {
			errs = append(errs, fmt.Errorf("cookie %q: invalid category %d", rule.Glob, rule.Category))
			continue
		}
		if prev, ok := cookieSeen[rule.Glob]; ok {
			if prev != rule.Category {
				errs = append(errs, fmt.Errorf("cookie %q is given two categories, %s and %s", rule.Glob, prev, rule.Category))
			}
			continue
		}
		cookieSeen[rule.Glob] = rule.Category
		purpose := strings.TrimSpace(rule.Purpose)
		if ck := byPattern[rule.Glob]; ck != nil {
			ck.Category, ck.CategoryName, ck.Custom = rule.Category, rule.Category.String(), true
			if purpose != "" {
				ck.Purpose, ck.OperatorPurpose = purpose, true
			}
			applyCookieRuleNames(ck, rule, byID)
			continue
		}
		ck := &Cookie{
			Pattern:         rule.Glob,
			Category:        rule.Category,
			CategoryName:    rule.Category.String(),
			Purpose:         purpose,
			Custom:          true,
			OperatorPurpose: purpose != "",
		}
		if purpose == "" {
			ck.Purpose = customPurpose
		}
		applyCookieRuleNames(ck, rule, byID)
		cookies = append(cookies, ck)
		byPattern[ck.Pattern] = ck
	}

	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("catalog rules: %w", err)
	}
	out, err := compile(services, cookies)
	if err != nil {
		return nil, fmt.Errorf("catalog rules: %w", err)
	}
	if allow != nil {
		allow.sort()
		out.allow = allow
		out.allowOnly = &Catalog{block: allow}
	}
	return out, nil
}

// allowed stands for "an allow rule matched" inside the allow table.
var allowed = &Service{ID: "allow"}

// slug turns a host, path or substring into something safe for an ID.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for i := 0; i < len(s) && b.Len() < 48; i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '.':
			b.WriteByte(c)
			dash = false
		case c >= 'A' && c <= 'Z':
			b.WriteByte(c + 'a' - 'A')
			dash = false
		default:
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	out := strings.Trim(b.String(), "-.")
	if out == "" {
		out = "rule"
	}
	return out
}
