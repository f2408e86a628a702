package consent

import (
	"fmt"
	"net/url"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/samtykke/caddy-consent/internal/setcookie"
	"github.com/samtykke/caddy-consent/internal/urlhost"
	"github.com/samtykke/caddy-consent/module/banner"
	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/policy"
)

// Every check of the config is here, once. The Caddyfile parser makes each
// as soon as it has read the subdirective, so that the error names its line;
// Validate makes them on a JSON config (Provision has already parsed the
// categories, first_party, the rules and the block lists).

// Validate checks the provisioned config as the Caddyfile parser does.
func (h *Handler) Validate() error {
	maxAge := time.Duration(h.MaxAge)
	for _, err := range []error{
		named("max_age "+maxAge.String(), validMaxAge(maxAge)),
		named("policy_url", validPolicyURL(h.PolicyURL)),
		named("cookie_name", validCookieName(h.CookieName)),
		named("path", validPathPrefix(h.Path)),
		named("languages", each(h.Languages, validLanguage)),
		named("text", validTexts(h.Texts)),
		validChoice("unknown_cookies", h.UnknownCookies),
		validChoice("declaration", h.Declaration),
		validChoice("unknown_hosts", h.UnknownHosts),
		named("bypass", each(h.bypass, validPathGlob)),
		named("allow", each(h.Allow, catalog.ValidURLGlob)),
		validChoice("csp", h.CSP),
		named("upstream_ip_truncate", validTruncate(h.UpstreamIPTruncate)),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}

// named puts the subdirective (and value) an error is about in front of it.
func named(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %v", what, err)
}

// each checks every value of a list.
func each[T any](vals []T, valid func(T) error) error {
	for _, v := range vals {
		if err := valid(v); err != nil {
			return err
		}
	}
	return nil
}

func validMaxAge(d time.Duration) error {
	if d <= 0 || d > MaxMaxAge {
		days := MaxMaxAge / (24 * time.Hour)
		return fmt.Errorf("must be between 1s and %dd (browsers cap cookies at %d days)", days, days)
	}
	return nil
}

// choices are the words of the subdirectives that take one of a few, the
// default first.
var choices = map[string][]string{
	"unknown_cookies": {"allow", "block"},
	"declaration":     {"learn", "pin"},
	"unknown_hosts":   {"hold", "allow"},
	"csp":             {CSPReport, CSPEnforce, CSPOff},
}

// validChoice checks the value of a subdirective that takes one of choices[sub].
func validChoice(sub, v string) error {
	want := choices[sub]
	if slices.Contains(want, v) {
		return nil
	}
	return fmt.Errorf("%s %q: want %s or %s", sub, v, strings.Join(want[:len(want)-1], ", "), want[len(want)-1])
}

func validPolicyURL(s string) error {
	if s == "" {
		return nil
	}
	if strings.HasPrefix(s, "/") && !strings.HasPrefix(s, "//") && !strings.HasPrefix(s, "/\\") {
		if strings.ContainsAny(s, " \t\r\n\"<>\\") {
			return fmt.Errorf("%q: a site path may not contain spaces, quotes, angle brackets or backslashes", s)
		}
		return nil
	}
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("%q: %v", s, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q: want an http(s) URL or a site path starting with /", s)
	}
	if strings.ContainsAny(s, " \t\r\n\"<>\\") {
		return fmt.Errorf("%q: may not contain spaces, quotes, angle brackets or backslashes", s)
	}
	return nil
}

func parseOptionalCategory(n string) (policy.Category, error) {
	c, err := policy.ParseCategory(n)
	if err != nil {
		return 0, err
	}
	if c == policy.Necessary {
		return 0, fmt.Errorf("necessary is always on and cannot be offered as a choice")
	}
	return c, nil
}

func validLanguage(tag string) error {
	if slices.Contains(banner.Languages(), tag) {
		return nil
	}
	if hint := languageHint(tag); hint != "" {
		return fmt.Errorf("%q is not a built-in banner language; use %q (the banner's languages have no regions: one text serves every region)", tag, hint)
	}
	return fmt.Errorf("%q is not a built-in banner language (have %v)", tag, banner.Languages())
}

// languageHint names the built-in language a region tag (en-GB, nb_NO, NB)
// or an alias (no) stands for, or "".
func languageHint(tag string) string {
	base := strings.ToLower(tag)
	if i := strings.IndexAny(base, "-_"); i >= 0 {
		base = base[:i]
	}
	if slices.Contains(banner.Languages(), base) {
		return base
	}
	// Negotiate knows the aliases (no → nb); it falls back to English for
	// anything it does not know, which is no hint unless asked for English.
	if l := banner.Negotiate(tag, "", nil); l != "en" {
		return l
	}
	return ""
}

var envPlaceholder = regexp.MustCompile(`\{env\.([^{}]+)\}`)

// validSecret checks a secret as far as the config can: a literal one's
// length, and one made of {env.*} placeholders (and literal text) resolved
// as provisioning will. The Caddyfile is adapted by the process that then
// runs it (caddy run, and caddy reload under the same systemd unit), with the
// same environment. A secret with other placeholders is left to provisioning.
func validSecret(secret string) error {
	if !hasPlaceholder(secret) && len(secret) < MinSecretLen {
		return fmt.Errorf("secret: %d bytes, want at least %d", len(secret), MinSecretLen)
	}
	if !hasPlaceholder(secret) || hasPlaceholder(envPlaceholder.ReplaceAllString(secret, "")) {
		return nil
	}
	var empty []string
	resolved := envPlaceholder.ReplaceAllStringFunc(secret, func(m string) string {
		name := envPlaceholder.FindStringSubmatch(m)[1]
		v := os.Getenv(name)
		if v == "" {
			empty = append(empty, name)
		}
		return v
	})
	if len(empty) > 0 {
		return fmt.Errorf("secret %s: environment variable %s is empty or unset; give Caddy the key (at least %d bytes), e.g. with EnvironmentFile= in its systemd unit", secret, strings.Join(empty, ", "), MinSecretLen)
	}
	if len(resolved) < MinSecretLen {
		return fmt.Errorf("secret %s: resolves to %d bytes, want at least %d", secret, len(resolved), MinSecretLen)
	}
	return nil
}

func hasPlaceholder(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '{' {
			return true
		}
	}
	return false
}

// validCookieName accepts an RFC 6265 token.
func validCookieName(s string) error {
	if s == "" {
		return fmt.Errorf("empty")
	}
	if !setcookie.ValidName(s) {
		return fmt.Errorf("%q: not a valid cookie name (RFC 6265 token)", s)
	}
	return nil
}

func validPathPrefix(s string) error {
	if !strings.HasPrefix(s, "/") || s == "/" || strings.HasSuffix(s, "/") {
		return fmt.Errorf("%q: want a path such as /_consent (leading slash, no trailing slash)", s)
	}
	if strings.ContainsAny(s, " *?[]{}\\\"'<>") {
		return fmt.Errorf("%q: may not contain spaces, globs, quotes or backslashes", s)
	}
	return nil
}

// parseBlockCategory is for block rules: blocking as "necessary" would never
// block, which is what `allow` is for.
func parseBlockCategory(n string) (policy.Category, error) {
	c, err := policy.ParseCategory(n)
	if err != nil {
		return 0, err
	}
	if c == policy.Necessary {
		return 0, fmt.Errorf("necessary resources are never blocked; use allow instead")
	}
	return c, nil
}

// minInlineSubstring is the shortest block_inline substring: a shorter one
// would match ordinary scripts.
const minInlineSubstring = 4

func validInlineSubstring(s string) error {
	if len(s) < minInlineSubstring {
		return fmt.Errorf("a substring this short would match ordinary scripts; use at least %d characters", minInlineSubstring)
	}
	return nil
}

func validPathGlob(s string) error {
	if !strings.HasPrefix(s, "/") {
		return fmt.Errorf("%q: a path glob starts with /", s)
	}
	if _, err := path.Match(s, "/"); err != nil {
		return fmt.Errorf("%q: %v", s, err)
	}
	return nil
}

func validTruncate(t *IPTruncate) error {
	switch {
	case t == nil:
	case t.IPv4Bits < 0 || t.IPv4Bits > 32:
		return fmt.Errorf("ipv4 bits %d: want 0 to 32", t.IPv4Bits)
	case t.IPv6Bits < 0 || t.IPv6Bits > 128:
		return fmt.Errorf("ipv6 bits %d: want 0 to 128", t.IPv6Bits)
	}
	return nil
}

func validText(lang, key string) error {
	if err := validLanguage(lang); err != nil {
		return err
	}
	if !slices.Contains(banner.TextKeys(), key) {
		return fmt.Errorf("%q is not a banner text key (have %v)", key, banner.TextKeys())
	}
	return nil
}

func validTexts(texts map[string]map[string]string) error {
	for lang, kv := range texts {
		for key := range kv {
			if err := validText(lang, key); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkBlockList is the Caddyfile's early check of a block_list: the file
// must be readable and the category one a block rule may use.
func checkBlockList(file, category string) error {
	if _, err := parseBlockCategory(category); err != nil {
		return err
	}
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	return f.Close()
}

// parseFirstParty checks and normalises first_party domains: lower case,
// without a leading "*." or "." and a trailing dot.
func parseFirstParty(domains []string) ([]string, error) {
	out := make([]string, 0, len(domains))
	for _, d := range domains {
		n := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(strings.ToLower(d), "*."), "."), ".")
		if n == "" || strings.ContainsAny(n, "/:*@ \t") || strings.HasPrefix(n, "-") {
			return nil, fmt.Errorf("%q: want a domain such as cdn.example.net", d)
		}
		if urlhost.IsPublicSuffix(n) {
			return nil, fmt.Errorf("%q: a public suffix would make every site under it first party", d)
		}
		out = append(out, n)
	}
	return out, nil
}

// maxNamedCookies bounds the cookie names one warning lists.
const maxNamedCookies = 12

// ungrantable lists, for each optional category that categories leaves out,
// the cookie names of that category: the operator's cookie rules first, then
// the catalog's. No visitor can grant such a category, so the firewall drops
// those cookies forever.
func (h *Handler) ungrantable() map[policy.Category][]string {
	out := map[policy.Category][]string{}
	missing := func(c policy.Category) bool { return c != policy.Necessary && !h.offered.Has(c) }
	for _, r := range h.Cookies {
		if c, err := policy.ParseCategory(r.Category); err == nil && missing(c) && !slices.Contains(out[c], r.Name) {
			out[c] = append(out[c], r.Name)
		}
	}
	if h.catalog != nil {
		for _, ck := range h.catalog.Cookies() {
			if missing(ck.Category) && !slices.Contains(out[ck.Category], ck.Pattern) {
				out[ck.Category] = append(out[ck.Category], ck.Pattern)
			}
		}
	}
	return out
}

// warnCookiePrefix logs, once at provision, a cookie_name with a __Host- or
// __Secure- prefix: browsers keep such a cookie only from HTTPS (localhost
// aside), so on a plain-HTTP site every page asks again (security audit I5).
// The module adds __Host- on HTTPS by itself, so a plain name loses nothing.
func (h *Handler) warnCookiePrefix() {
	n := strings.ToLower(h.CookieName)
	if !strings.HasPrefix(n, "__host-") && !strings.HasPrefix(n, "__secure-") {
		return
	}
	h.logger.Warn(fmt.Sprintf("cookie_name %s: browsers drop a cookie with this prefix on plain HTTP, so visitors of an http:// site would see the banner on every page; the module sets __Host-<name> on HTTPS by itself, so a name without the prefix is as safe", h.CookieName),
		zap.String("cookie_name", h.CookieName))
}

// warnUngrantable logs, once at provision, every category whose cookies can
// never be set under categories, naming the cookies.
func (h *Handler) warnUngrantable() {
	found := h.ungrantable()
	for _, c := range policy.Optional {
		names := found[c]
		if len(names) == 0 {
			continue
		}
		shown := names
		more := ""
		if len(shown) > maxNamedCookies {
			shown, more = shown[:maxNamedCookies], fmt.Sprintf(" and %d more", len(names)-maxNamedCookies)
		}
		h.logger.Warn(fmt.Sprintf("categories does not offer %s, so no visitor can grant it and these cookies are always dropped: %s%s; add %s to categories, or give the cookies you need a cookie rule with another category", c, strings.Join(shown, ", "), more, c),
			zap.String("category", c.String()),
			zap.Strings("cookies", names),
		)
	}
}
