package consent

import (
	"fmt"
	"strconv"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
	"github.com/caddyserver/caddy/v2/caddyconfig/httpcaddyfile"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"

	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/policy"
)

func init() {
	httpcaddyfile.RegisterHandlerDirective("consent", parseCaddyfile)
	// Inside encode: we see the upstream's bytes before encode compresses
	// what we emit, so a user's Caddyfile needs no `order` line.
	httpcaddyfile.RegisterDirectiveOrder("consent", httpcaddyfile.After, "encode")
}

func parseCaddyfile(h httpcaddyfile.Helper) (caddyhttp.MiddlewareHandler, error) {
	c := new(Handler)
	if err := c.UnmarshalCaddyfile(h.Dispenser); err != nil {
		return nil, err
	}
	return c, nil
}

// UnmarshalCaddyfile sets up the handler from Caddyfile tokens; the syntax
// is in Handler's comment, the manual. Each subdirective is checked as soon as
// it is read, with validate.go's checks, so that an error names its line.
func (h *Handler) UnmarshalCaddyfile(d *caddyfile.Dispenser) error {
	d.Next() // consume directive name
	if d.NextArg() {
		return d.ArgErr()
	}
	first := map[string]string{} // single-value subdirective → where it was given
	for d.NextBlock(0) {
		sub := d.Val()
		if singleValue[sub] {
			// A second line would silently win over the first; which one the
			// operator meant is not ours to guess.
			if at, ok := first[sub]; ok {
				return d.Errf("%s given twice (first at %s): it takes one value, keep one line", sub, at)
			}
			first[sub] = fmt.Sprintf("%s:%d", d.File(), d.Line())
		}
		switch sub {
		case "policy_version":
			if err := oneArg(d, &h.PolicyVersion); err != nil {
				return err
			}
		case "max_age":
			var s string
			if err := oneArg(d, &s); err != nil {
				return err
			}
			dur, err := caddy.ParseDuration(s)
			if err != nil {
				return d.Errf("max_age: %v", err)
			}
			if err := validMaxAge(dur); err != nil {
				return d.Errf("max_age %s: %v", s, err)
			}
			h.MaxAge = caddy.Duration(dur)
		case "policy_url":
			if err := oneArg(d, &h.PolicyURL); err != nil {
				return err
			}
			if err := validPolicyURL(h.PolicyURL); err != nil {
				return d.Errf("policy_url: %v", err)
			}
		case "categories":
			args := d.RemainingArgs()
			if len(args) == 0 {
				return d.ArgErr()
			}
			for _, a := range args {
				if _, err := parseOptionalCategory(a); err != nil {
					return d.Errf("categories: %v", err)
				}
			}
			h.Categories = append(h.Categories, args...)
		case "languages":
			args := d.RemainingArgs()
			if len(args) == 0 {
				return d.ArgErr()
			}
			if err := each(args, validLanguage); err != nil {
				return d.Errf("languages: %v", err)
			}
			h.Languages = append(h.Languages, args...)
		case "gpc":
			b, err := onOff(d)
			if err != nil {
				return err
			}
			h.GPC = &b
		case "dnt":
			b, err := onOff(d)
			if err != nil {
				return err
			}
			h.DNT = b
		case "secret":
			if err := oneArg(d, &h.Secret); err != nil {
				return err
			}
			// A placeholder is expanded at provision time and checked there
			// too; {env.*} ones are checked here already, so that the error
			// names this line.
			if err := validSecret(h.Secret); err != nil {
				return d.WrapErr(err)
			}
		case "cookie_name":
			if err := oneArg(d, &h.CookieName); err != nil {
				return err
			}
			if err := validCookieName(h.CookieName); err != nil {
				return d.Errf("cookie_name: %v", err)
			}
		case "path":
			if err := oneArg(d, &h.Path); err != nil {
				return err
			}
			if err := validPathPrefix(h.Path); err != nil {
				return d.Errf("path: %v", err)
			}
		case "cookie":
			args := d.RemainingArgs()
			if len(args) < 2 || len(args) > 3 {
				return d.ArgErr()
			}
			if err := catalog.ValidCookieGlob(args[0]); err != nil {
				return d.Errf("cookie: %v", err)
			}
			if _, err := policy.ParseCategory(args[1]); err != nil {
				return d.Errf("cookie %s: %v", args[0], err)
			}
			r := CookieRule{Name: args[0], Category: args[1]}
			if len(args) == 3 {
				r.Purpose = args[2]
			}
			for nesting := d.Nesting(); d.NextBlock(nesting); {
				field := d.Val()
				var dst *string
				switch field {
				case "provider":
					dst = &r.Provider
				case "service":
					dst = &r.Service
				default:
					return d.Errf("cookie %s: unrecognized option %q (want provider or service)", r.Name, field)
				}
				if *dst != "" {
					return d.Errf("cookie %s: %s given twice", r.Name, field)
				}
				if err := oneArg(d, dst); err != nil {
					return err
				}
			}
			h.Cookies = append(h.Cookies, r)
		case "block":
			var glob, cat string
			if !d.Args(&glob, &cat) || d.NextArg() {
				return d.ArgErr()
			}
			if err := catalog.ValidURLGlob(glob); err != nil {
				return d.Errf("block: %v", err)
			}
			if _, err := parseBlockCategory(cat); err != nil {
				return d.Errf("block %s: %v", glob, err)
			}
			h.Block = append(h.Block, BlockRule{URL: glob, Category: cat})
		case "block_inline":
			var sub, cat string
			if !d.Args(&sub, &cat) || d.NextArg() {
				return d.ArgErr()
			}
			if err := validInlineSubstring(sub); err != nil {
				return d.Errf("block_inline %q: %v", sub, err)
			}
			if _, err := parseBlockCategory(cat); err != nil {
				return d.Errf("block_inline %q: %v", sub, err)
			}
			h.BlockInline = append(h.BlockInline, InlineRule{Contains: sub, Category: cat})
		case "allow":
			var glob string
			if err := oneArg(d, &glob); err != nil {
				return err
			}
			if err := catalog.ValidURLGlob(glob); err != nil {
				return d.Errf("allow: %v", err)
			}
			h.Allow = append(h.Allow, glob)
		case "unknown_cookies":
			if err := choice(d, &h.UnknownCookies); err != nil {
				return err
			}
		case "bypass":
			args := d.RemainingArgs()
			if len(args) == 0 {
				return d.ArgErr()
			}
			if err := each(args, validPathGlob); err != nil {
				return d.Errf("bypass: %v", err)
			}
			h.Bypass = append(h.Bypass, args...)
		case "google_consent_mode":
			b, err := onOff(d)
			if err != nil {
				return err
			}
			h.GoogleConsentMode = &b
		case "upstream_ip_truncate":
			args := d.RemainingArgs()
			if len(args) > 2 {
				return d.ArgErr()
			}
			t := &IPTruncate{IPv4Bits: DefaultIPv4Bits, IPv6Bits: DefaultIPv6Bits}
			for i, a := range args {
				n, err := strconv.Atoi(a)
				if err != nil {
					return d.Errf("upstream_ip_truncate: %q is not a number of bits", a)
				}
				if i == 0 {
					t.IPv4Bits = n
				} else {
					t.IPv6Bits = n
				}
			}
			if err := validTruncate(t); err != nil {
				return d.Errf("upstream_ip_truncate: %v", err)
			}
			h.UpstreamIPTruncate = t
		case "text":
			var lang, key, text string
			if !d.Args(&lang, &key, &text) || d.NextArg() {
				return d.ArgErr()
			}
			if err := validText(lang, key); err != nil {
				return d.Errf("text: %v", err)
			}
			if h.Texts == nil {
				h.Texts = map[string]map[string]string{}
			}
			if h.Texts[lang] == nil {
				h.Texts[lang] = map[string]string{}
			}
			h.Texts[lang][key] = text
		case "records":
			b, err := onOff(d)
			if err != nil {
				return err
			}
			h.Records = &b
		case "declaration":
			if err := choice(d, &h.Declaration); err != nil {
				return err
			}
		case "csp":
			if err := choice(d, &h.CSP); err != nil {
				return err
			}
		case "unknown_hosts":
			if err := choice(d, &h.UnknownHosts); err != nil {
				return err
			}
		case "block_list":
			args := d.RemainingArgs()
			if len(args) < 1 || len(args) > 2 {
				return d.ArgErr()
			}
			bl := BlockList{File: args[0]}
			cat := blockListCategory
			if len(args) == 2 {
				bl.Category, cat = args[1], args[1]
			}
			if err := checkBlockList(bl.File, cat); err != nil {
				return d.Errf("block_list %s: %v", bl.File, err)
			}
			h.BlockLists = append(h.BlockLists, bl)
		case "first_party":
			args := d.RemainingArgs()
			if len(args) == 0 {
				return d.ArgErr()
			}
			if _, err := parseFirstParty(args); err != nil {
				return d.Errf("first_party: %v", err)
			}
			h.FirstParty = append(h.FirstParty, args...)
		default:
			return d.Errf("unrecognized consent subdirective %q", sub)
		}
	}
	return nil
}

// singleValue are the subdirectives that set one value; the others add to
// a list and may be repeated.
var singleValue = map[string]bool{
	"policy_version": true, "max_age": true, "policy_url": true, "gpc": true, "dnt": true,
	"secret": true, "cookie_name": true, "path": true, "unknown_cookies": true,
	"google_consent_mode": true, "upstream_ip_truncate": true, "records": true, "declaration": true,
}

func oneArg(d *caddyfile.Dispenser, dst *string) error {
	if !d.NextArg() {
		return d.ArgErr()
	}
	v := d.Val()
	if d.NextArg() {
		return d.ArgErr()
	}
	*dst = v
	return nil
}

// choice reads the one word of a subdirective that takes one of choices.
func choice(d *caddyfile.Dispenser, dst *string) error {
	sub := d.Val()
	if err := oneArg(d, dst); err != nil {
		return err
	}
	if err := validChoice(sub, *dst); err != nil {
		return d.WrapErr(err)
	}
	return nil
}

func onOff(d *caddyfile.Dispenser) (bool, error) {
	name := d.Val()
	var v string
	if err := oneArg(d, &v); err != nil {
		return false, err
	}
	switch v {
	case "on":
		return true, nil
	case "off":
		return false, nil
	}
	return false, d.Errf("%s %q: want on or off", name, v)
}

// Interface guards
var _ caddyfile.Unmarshaler = (*Handler)(nil)
