package consent

import (
	"fmt"
	"net/url"
	"os"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"
	"golang.org/x/net/publicsuffix"

	"github.com/samtykke/caddy-consent/module/banner"
	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/policy"
)

// Validate checks the config for what the Caddyfile parser cannot see, such as
// a JSON config written by hand.
func (h *Handler) Validate() error {
	if time.Duration(h.MaxAge) <= 0 || time.Duration(h.MaxAge) > MaxMaxAge {
		return fmt.Errorf("max_age %s: must be between 1s and 400d", time.Duration(h.MaxAge))
	}
	if err := validPolicyURL(h.PolicyURL); err != nil {
		return fmt.Errorf("policy_url: %v", err)
	}
	if err := validCookieName(h.CookieName); err != nil {
		return fmt.Errorf("cookie_name: %v", err)
	}
	if err := validPathPrefix(h.Path); err != nil {
		return fmt.Errorf("path: %v", err)
	}
	for _, l := range h.Languages {
		if err := validLanguage(l); err != nil {
			return fmt.Errorf("languages: %v", err)
		}
	}
	for l, kv := range h.Texts {
		for k := range kv {
			if err := validText(l, k); err != nil {
				return fmt.Errorf("text: %v", err)
			}
		}
	}
	if h.UnknownCookies != "allow" && h.UnknownCookies != "block" {
		return fmt.Errorf("unknown_cookies %q: want allow or block", h.UnknownCookies)
	}
	if h.Declaration != "" && h.Declaration != "learn" && h.Declaration != "pin" {
		return fmt.Errorf("declaration %q: want learn or pin", h.Declaration)
	}
	if h.UnknownHosts != "hold" && h.UnknownHosts != "allow" {
		return fmt.Errorf("unknown_hosts %q: want hold or allow", h.UnknownHosts)
	}
	for _, b := range h.bypass {
		if err := validPathGlob(b); err != nil {
			return fmt.Errorf("bypass: %v", err)
		}
	}
	for _, a := range h.Allow {
		if err := catalog.ValidURLGlob(a); err != nil {
			return fmt.Errorf("allow: %v", err)
		}
	}
	if err := validCSPMode(h.CSP); err != nil {
		return fmt.Errorf("csp: %v", err)
	}
	if t := h.UpstreamIPTruncate; t != nil {
		if err := validBits(t.IPv4Bits, t.IPv6Bits); err != nil {
			return fmt.Errorf("upstream_ip_truncate: %v", err)
		}
	}
	return nil
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

// checkEnvSecret resolves a secret made of {env.*} placeholders (and
// literal text) as provisioning will, and reports a variable that is empty
// or a result too short. The Caddyfile is adapted by the process that then
// runs it (caddy run, and caddy reload under the same systemd unit), with the
// same environment. A secret with other placeholders is left to provisioning.
func checkEnvSecret(secret string) error {
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
		return fmt.Errorf("environment variable %s is empty or unset; give Caddy the key (at least %d bytes), e.g. with EnvironmentFile= in its systemd unit", strings.Join(empty, ", "), MinSecretLen)
	}
	if len(resolved) < MinSecretLen {
		return fmt.Errorf("resolves to %d bytes, want at least %d", len(resolved), MinSecretLen)
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
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("()<>@,;:\\\"/[]?={}", c) >= 0 {
			return fmt.Errorf("%q: not a valid cookie name (RFC 6265 token)", s)
		}
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

func validPathGlob(s string) error {
	if !strings.HasPrefix(s, "/") {
		return fmt.Errorf("%q: a path glob starts with /", s)
	}
	if _, err := path.Match(s, "/"); err != nil {
		return fmt.Errorf("%q: %v", s, err)
	}
	return nil
}

func validBits(v4, v6 int) error {
	if v4 < 0 || v4 > 32 {
		return fmt.Errorf("ipv4 bits %d: want 0 to 32", v4)
	}
	if v6 < 0 || v6 > 128 {
		return fmt.Errorf("ipv6 bits %d: want 0 to 128", v6)
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

// validCSPMode checks the csp value.
func validCSPMode(m string) error {
	switch m {
	case CSPReport, CSPEnforce, CSPOff:
		return nil
	}
	return errCSPMode(m)
}

type errCSPMode string

func (e errCSPMode) Error() string {
	return strconv.Quote(string(e)) + ": want report, enforce or off"
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
		if suffix, icann := publicsuffix.PublicSuffix(n); suffix == n && (icann || strings.Contains(n, ".")) {
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
