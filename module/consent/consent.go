// Package consent is the http.handlers.consent middleware: it reads a visitor's
// consent, rewrites HTML responses so that trackers the visitor has not agreed
// to never load, injects the consent banner, and answers the consent endpoints.
//
// The pure work lives in sibling packages (htmlrewrite, catalog, policy,
// banner, firewall); this package wires them into Caddy.
package consent

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
	"github.com/caddyserver/certmagic"
	"go.uber.org/zap"

	"github.com/samtykke/caddy-consent/internal/setcookie"
	"github.com/samtykke/caddy-consent/module/banner"
	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/firewall"
	"github.com/samtykke/caddy-consent/module/inventory"
	"github.com/samtykke/caddy-consent/module/iplog"
	"github.com/samtykke/caddy-consent/module/policy"
)

func init() {
	caddy.RegisterModule(Handler{})
}

// Defaults of the config fields; the field comments repeat them for the docs.
// The limits and the IP prefix lengths are the packages' that enforce them.
const (
	DefaultPolicyVersion = "1"
	DefaultMaxAge        = 182 * 24 * time.Hour
	MaxMaxAge            = policy.MaxMaxAge // browsers cap cookie lifetimes at 400 days (RFC 6265bis §5.5)
	DefaultCookieName    = "consent"
	DefaultPath          = "/_consent"
	MinSecretLen         = policy.MinSecretLen
	DefaultIPv4Bits      = iplog.DefaultV4Bits // upstream_ip_truncate and the consent records
	DefaultIPv6Bits      = iplog.DefaultV6Bits
)

// DefaultBypass lists the paths left alone unless `bypass` says otherwise:
// the WordPress and Drupal admin and login areas, and their APIs.
var DefaultBypass = []string{"/wp-admin/*", "/wp-login.php", "/wp-json/*", "/xmlrpc.php", "/admin/*", "/user/login*"}

// Handler (http.handlers.consent) puts a consent banner in front of a site
// that was built without one, typically a legacy WordPress or Drupal site
// behind reverse_proxy, and makes the visitor's choice hold:
//
//   - HTML responses are rewritten as they stream: scripts, iframes, images
//     and other elements of tracking services the visitor has not agreed to
//     (the built-in catalog of services, plus block, block_inline and
//     block_list) are neutralised so that browsers do not load or run them,
//     and the banner is inserted before </body>. Third parties no rule names
//     are held until the visitor grants every category (unknown_hosts).
//   - Set-Cookie lines of categories the visitor has not granted are dropped,
//     and cookies of withdrawn categories are expired.
//   - The choice is kept in a signed cookie (cookie_name, max_age); decisions
//     are logged to http.handlers.consent.records with truncated addresses.
//   - Under path (default /_consent) it answers the banner's form (POST),
//     /settings, /cookies (the cookie declaration, built from the catalog and
//     the cookies the site was seen to set), /assets/ and the CSP reports.
//
// Caddyfile (every subdirective is optional; README.md has each one):
//
//	consent [<matcher>] {
//		policy_version       <string>|auto           # default 1
//		max_age              <duration>              # default 182d, at most 400d
//		policy_url           <url>
//		categories           <name>...               # default preferences analytics marketing
//		languages            <tag>...                # default all built in
//		gpc                  on|off                  # default on
//		dnt                  on|off                  # default off
//		secret               <key>                   # default generated, kept in storage
//		cookie_name          <name>                  # default consent
//		path                 <prefix>                # default /_consent
//		cookie               <glob> <category> [<purpose>] [{ provider <name>; service <id|name> }]
//		block                <url-glob> <category>
//		block_inline         <substring> <category>
//		allow                <url-glob>
//		unknown_cookies      allow|block             # default allow
//		unknown_hosts        hold|allow              # default hold
//		first_party          <domain>...
//		block_list           <file> [<category>]     # default category marketing
//		bypass               <path-glob>...          # default WordPress and Drupal admin paths
//		google_consent_mode  on|off                  # default on
//		upstream_ip_truncate [<ipv4_bits> [<ipv6_bits>]]  # off; bits default 24 and 48
//		records              on|off                  # default on
//		declaration          learn|pin               # default learn
//		csp                  report|enforce|off      # default report
//		text                 <lang> <key> <text>
//	}
//
// Categories are necessary (always granted), preferences, analytics and
// marketing. The directive orders itself right after encode, so it sees the
// upstream's uncompressed HTML and encode compresses what it emits; it works
// in front of reverse_proxy, php_fastcgi and file_server.
type Handler struct {
	// PolicyVersion identifies the cookie policy a visitor agreed to. Changing it
	// asks everyone again. "auto" derives it from the declared cookie inventory.
	// Default: "1".
	PolicyVersion string `json:"policy_version,omitempty"`

	// MaxAge is how long a choice (accept or reject alike) is kept. At most 400d.
	// Default: 182d.
	MaxAge caddy.Duration `json:"max_age,omitempty"`

	// PolicyURL is the site's privacy policy, linked from the banner: an http(s)
	// URL or a site path. Default: none (no link).
	PolicyURL string `json:"policy_url,omitempty"`

	// Categories are the optional categories offered to visitors, in banner order.
	// "necessary" is always on and never offered. Default: preferences analytics marketing.
	Categories []string `json:"categories,omitempty"`

	// Languages restricts the banner languages (BCP 47 tags of the built-in
	// translations). Default: all built in.
	Languages []string `json:"languages,omitempty"`

	// GPC makes `Sec-GPC: 1` deny marketing until the visitor makes an explicit
	// choice. Default: true.
	GPC *bool `json:"gpc,omitempty"`

	// DNT treats `DNT: 1` as a rejection of every optional category until the
	// visitor makes an explicit choice. Default: false.
	DNT bool `json:"dnt,omitempty"`

	// Secret is the consent-cookie signing key, at least 32 bytes; placeholders
	// such as {env.CONSENT_SECRET} are expanded. Default: a random key generated
	// once and kept in Caddy storage, so a cluster sharing storage agrees.
	Secret string `json:"secret,omitempty"`

	// CookieName is the name of the consent cookie. Default: "consent".
	CookieName string `json:"cookie_name,omitempty"`

	// Path is the prefix of the consent endpoints. Default: "/_consent".
	Path string `json:"path,omitempty"`

	// Cookies classify cookies by name, adding to and overriding the built-in catalog.
	Cookies []CookieRule `json:"cookies,omitempty"`

	// Block classifies external resources by host or host/path glob, adding to
	// and overriding the built-in catalog.
	Block []BlockRule `json:"block,omitempty"`

	// BlockInline classifies inline scripts that contain a substring.
	BlockInline []InlineRule `json:"block_inline,omitempty"`

	// Allow lists host or host/path globs that are never blocked.
	Allow []string `json:"allow,omitempty"`

	// UnknownCookies decides what happens to upstream cookies no rule classifies:
	// "allow" (and report each name once) or "block". Default: "allow".
	UnknownCookies string `json:"unknown_cookies,omitempty"`

	// Bypass lists path globs that are never rewritten. Setting it replaces the
	// default list. Default: /wp-admin/* /wp-login.php /wp-json/* /xmlrpc.php
	// /admin/* /user/login*.
	Bypass []string `json:"bypass,omitempty"`

	// GoogleConsentMode emits the Google Consent Mode v2 default (every type
	// denied) before the first Google tag, and the update once consent is known.
	// Default: true.
	GoogleConsentMode *bool `json:"google_consent_mode,omitempty"`

	// UpstreamIPTruncate, when set, truncates the client address the upstream
	// sees. Default: off.
	UpstreamIPTruncate *IPTruncate `json:"upstream_ip_truncate,omitempty"`

	// Texts override the banner's built-in texts: language → key → text
	// (keys as in module/banner/i18n/en.json).
	Texts map[string]map[string]string `json:"texts,omitempty"`

	// Records logs every consent decision to the logger
	// http.handlers.consent.records. Default: true.
	Records *bool `json:"records,omitempty"`

	// UnknownHosts decides what happens to third parties no catalog row,
	// block_list or allow rule names (scripts, iframes, frames, embeds,
	// objects, resource hints and preloads, beacon-like images, inline
	// scripts that load from them): "hold" them as unclassified until the
	// visitor grants every offered category, or "allow" them. Default: "hold".
	UnknownHosts string `json:"unknown_hosts,omitempty"`

	// BlockLists are the operator's own lists of tracker hosts: hosts files
	// and Adblock-style "||domain^" rules, read at provision. Their hosts
	// classify what no catalog row names. Default category: marketing.
	BlockLists []BlockList `json:"block_list,omitempty"`

	// FirstParty lists the site's own other domains (a CDN on another
	// registrable domain): they and their subdomains are never held as third
	// parties. Hosts with the request host's registrable domain always count
	// as the site's own.
	FirstParty []string `json:"first_party,omitempty"`

	// Declaration is "learn" (default): the cookie declaration and the auto
	// policy version grow with what the site is seen to set and load; or
	// "pin": they hold only what storage already has (another instance's, or
	// an earlier run's), and what the site starts using is logged as drift
	// instead of declared, so that nothing a visitor can make a page show
	// ever changes them.
	Declaration string `json:"declaration,omitempty"`

	// CSP adds the module's own Content-Security-Policy to rewritten pages,
	// allowing what this visitor may load: "report" sends it as
	// Content-Security-Policy-Report-Only and records what the browser
	// reports (run-time discovery), "enforce" makes the browser refuse the
	// rest, "off" sends none. Default: "report".
	CSP string `json:"csp,omitempty"`

	catalog     *catalog.Catalog
	cookies     firewall.Classifier // the catalog, with our own consent cookie necessary
	offered     policy.Set
	offeredCat  []policy.Category
	bypass      []string
	codec       *policy.Codec
	sites       siteLabels      // the server's site addresses, which key the inventory
	truncator   iplog.Truncator // upstream_ip_truncate
	recordTrunc iplog.Truncator // consent records: never a full address
	logger      *zap.Logger
	records     *zap.Logger // nil when records are off
	cssURL      string      // hashed banner asset URLs
	jsURL       string
	metrics     *metrics
	rendered    *renderCache   // banners and placeholders already rendered
	csp         *contentPolicy // nil when csp is off
	cspIntake   *reportIntake  // CSP report budget and counters
	inv         *inventory.Inventory
	// observed receives what pages show: inv, or under declaration pin a
	// memory-only inventory that only feeds the drift log.
	observed   *inventory.Inventory // what the upstream really sets and loads
	firstParty []string             // FirstParty, normalised (parseFirstParty)
	stopInv    context.CancelFunc
	invDone    chan struct{}
}

// CookieRule classifies cookies whose name matches Name (exact, or a glob with *).
type CookieRule struct {
	Name     string `json:"name"`
	Category string `json:"category"`
	Purpose  string `json:"purpose,omitempty"`
	// Provider is who sets the cookie, for the declaration (default: the
	// site's host). Service is a catalog service ID, or the name of whatever
	// sets it.
	Provider string `json:"provider,omitempty"`
	Service  string `json:"service,omitempty"`
}

// BlockRule puts a resource host or host/path glob in a category.
type BlockRule struct {
	URL      string `json:"url"`
	Category string `json:"category"`
}

// BlockList is one block_list file and the category of its hosts.
type BlockList struct {
	File     string `json:"file"`
	Category string `json:"category,omitempty"` // default marketing
}

// InlineRule puts inline scripts containing Contains in a category.
type InlineRule struct {
	Contains string `json:"contains"`
	Category string `json:"category"`
}

// IPTruncate says how many leading bits of a client address to keep.
type IPTruncate struct {
	// IPv4Bits kept of an IPv4 address. Default: 24.
	IPv4Bits int `json:"ipv4_bits,omitempty"`
	// IPv6Bits kept of an IPv6 address. Default: 48.
	IPv6Bits int `json:"ipv6_bits,omitempty"`
}

// CaddyModule returns the Caddy module information.
func (Handler) CaddyModule() caddy.ModuleInfo {
	return caddy.ModuleInfo{
		ID:  "http.handlers.consent",
		New: func() caddy.Module { return new(Handler) },
	}
}

// Provision sets defaults and compiles the rules.
func (h *Handler) Provision(ctx caddy.Context) error {
	h.logger = ctx.Logger()
	css, js := banner.AssetNames()
	if h.PolicyVersion == "" {
		h.PolicyVersion = DefaultPolicyVersion
	}
	if h.MaxAge == 0 {
		h.MaxAge = caddy.Duration(DefaultMaxAge)
	}
	if h.CookieName == "" {
		h.CookieName = DefaultCookieName
	}
	if h.Path == "" {
		h.Path = DefaultPath
	}
	h.cssURL, h.jsURL = h.Path+"/assets/"+css, h.Path+"/assets/"+js
	h.rendered = new(renderCache)
	var err error
	if h.UnknownCookies == "" {
		h.UnknownCookies = "allow"
	}
	if h.UnknownHosts == "" {
		h.UnknownHosts = "hold"
	}
	if h.firstParty, err = parseFirstParty(h.FirstParty); err != nil {
		return fmt.Errorf("first_party: %v", err)
	}
	h.bypass = h.Bypass
	if h.bypass == nil {
		h.bypass = DefaultBypass
	}
	if h.UpstreamIPTruncate != nil {
		if h.UpstreamIPTruncate.IPv4Bits == 0 {
			h.UpstreamIPTruncate.IPv4Bits = DefaultIPv4Bits
		}
		if h.UpstreamIPTruncate.IPv6Bits == 0 {
			h.UpstreamIPTruncate.IPv6Bits = DefaultIPv6Bits
		}
	}

	names := h.Categories
	if len(names) == 0 {
		names = []string{"preferences", "analytics", "marketing"}
	}
	h.offeredCat = h.offeredCat[:0]
	h.offered = policy.SetOf(policy.Necessary)
	for _, n := range names {
		c, err := parseOptionalCategory(n)
		if err != nil {
			return fmt.Errorf("categories: %v", err)
		}
		if !h.offered.Has(c) {
			h.offeredCat = append(h.offeredCat, c)
		}
		h.offered = h.offered.With(c)
	}

	rules, err := h.catalogRules()
	if err != nil {
		return err
	}
	h.catalog, err = catalog.Default().With(rules)
	if err != nil {
		return fmt.Errorf("loading catalog: %v", err)
	}
	h.warnUngrantable()
	if h.catalog, err = h.withBlockLists(h.catalog); err != nil {
		return err
	}

	secret, err := h.loadSecret(ctx)
	if err != nil {
		return err
	}
	if h.CSP == "" {
		h.CSP = CSPReport
	}
	h.csp = h.provisionCSP()
	if h.cspIntake, err = newReportIntake(ctx.GetMetricsRegistry()); err != nil {
		return fmt.Errorf("registering metrics: %v", err)
	}
	h.cookies = firewall.WithNecessary(h.catalog, h.CookieName, "__Host-"+h.CookieName)
	h.codec, err = policy.NewCodec(secret, h.CookieName, time.Duration(h.MaxAge))
	if err != nil {
		return fmt.Errorf("consent cookie: %v", err)
	}
	if h.UpstreamIPTruncate != nil {
		h.truncator = iplog.Truncator{V4Bits: h.UpstreamIPTruncate.IPv4Bits, V6Bits: h.UpstreamIPTruncate.IPv6Bits}
	}
	h.recordTrunc = iplog.Default()
	if h.UpstreamIPTruncate != nil {
		h.recordTrunc = h.truncator
	}
	if h.metrics, err = newMetrics(ctx.GetMetricsRegistry()); err != nil {
		return fmt.Errorf("registering metrics: %v", err)
	}
	if h.Records == nil || *h.Records {
		// Named so ops can route it with Caddy's log config: http.handlers.consent.records.
		h.records = h.logger.Named("records")
	}
	return h.startInventory(ctx)
}

// startInventory loads what earlier runs and other instances sharing the
// storage have seen, and flushes what this one sees every minute.
func (h *Handler) startInventory(ctx caddy.Context) error {
	every := inventoryFlushEvery()
	report := &storageReport{logger: h.logger, every: every}
	if every <= 0 {
		report.every = inventory.DefaultFlushEvery
	}
	h.sites = serverSites(ctx)
	h.inv = inventory.New(h.catalog, inventory.Options{OnError: report.failure, OnRecover: report.recovered, Keep: h.sites.known})
	h.observed = h.inv
	if h.Declaration == "pin" {
		h.observed = inventory.New(h.catalog, inventory.Options{})
	}
	st := storage(ctx)
	if st == nil {
		return nil
	}
	if err := h.inv.Load(ctx, st); err != nil {
		// A corrupt record must not take the site down: start from what loaded.
		h.logger.Warn("loading the cookie inventory", zap.Error(err))
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	h.stopInv, h.invDone = cancel, make(chan struct{})
	go func() {
		defer close(h.invDone)
		_ = h.inv.Run(runCtx, st, every)
	}()
	return nil
}

// storage is Caddy's configured storage, or nil in a context that has no
// config: a handler provisioned by a Go benchmark or an embedding program,
// which then keeps its inventory in memory. Context.Storage dereferences the
// config, so its presence is asked first of AppIfConfigured, the accessor
// that reports a missing config (ErrNotConfigured) instead of panicking. A
// handler is provisioned inside the http app, which Caddy registers before
// provisioning it (Context.LoadModuleByID), so under a real config the
// answer is the http app itself and nothing is loaded.
func storage(ctx caddy.Context) certmagic.Storage {
	if _, err := ctx.AppIfConfigured("http"); errors.Is(err, caddy.ErrNotConfigured) {
		return nil
	}
	return ctx.Storage()
}

// Cleanup stops the inventory, which flushes one last time.
func (h *Handler) Cleanup() error {
	if h.stopInv != nil {
		h.stopInv()
		<-h.invDone
	}
	return nil
}

// catalogRules turns the block, block_inline, allow and cookie config into catalog rules.
func (h *Handler) catalogRules() (catalog.Rules, error) {
	var r catalog.Rules
	for _, b := range h.Block {
		c, err := parseBlockCategory(b.Category)
		if err != nil {
			return r, fmt.Errorf("block %s: %v", b.URL, err)
		}
		r.Block = append(r.Block, catalog.URLRule{Glob: b.URL, Category: c})
	}
	for _, b := range h.BlockInline {
		c, err := parseBlockCategory(b.Category)
		if err != nil {
			return r, fmt.Errorf("block_inline %q: %v", b.Contains, err)
		}
		r.BlockInline = append(r.BlockInline, catalog.InlineRule{Substring: b.Contains, Category: c})
	}
	r.Allow = append(r.Allow, h.Allow...)
	for _, k := range h.Cookies {
		c, err := policy.ParseCategory(k.Category)
		if err != nil {
			return r, fmt.Errorf("cookie %s: %v", k.Name, err)
		}
		r.Cookies = append(r.Cookies, catalog.CookieRule{Glob: k.Name, Category: c, Purpose: k.Purpose, Provider: k.Provider, Service: k.Service})
	}
	return r, nil
}

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

// bypassed reports whether the request path is one the ops team keeps out of
// rewriting. The globs match the path the upstream will route on: an
// upstream that resolves dot segments serves /wp-admin/..%2f as the home page,
// so a path with dot segments, an encoded slash or a backslash is never
// bypassed (it is rewritten, which fails safe), and the rest is matched
// cleaned of repeated slashes.
func (h *Handler) bypassed(u *url.URL) bool {
	p := u.Path
	if hasDotSegment(p) || strings.IndexByte(p, '\\') >= 0 || u.RawPath != "" && ambiguousEscapes(u.RawPath) {
		return false
	}
	p = path.Clean(p)
	if strings.HasSuffix(u.Path, "/") && p != "/" {
		p += "/"
	}
	for _, g := range h.bypass {
		if ok, _ := path.Match(g, p); ok {
			return true
		}
		// A trailing * is a prefix match, as in Caddy's path matcher:
		// "/wp-admin/*" covers /wp-admin/css/x.css and "/user*" covers
		// /user/login, where path.Match's * stops at a slash.
		if strings.HasSuffix(g, "*") && strings.HasPrefix(p, g[:len(g)-1]) {
			return true
		}
	}
	return false
}

// hasDotSegment reports whether a decoded path holds a "." or ".." segment.
func hasDotSegment(p string) bool {
	for seg := range strings.SplitSeq(p, "/") {
		if seg == "." || seg == ".." {
			return true
		}
	}
	return false
}

// ambiguousEscapes reports whether an escaped path encodes a character that
// servers disagree on: "/" and "\" as %2F and %5C, or a dot as %2E.
func ambiguousEscapes(raw string) bool {
	for i := 0; i+2 < len(raw); i++ {
		if raw[i] != '%' {
			continue
		}
		switch raw[i+1 : i+3] {
		case "2f", "2F", "5c", "5C", "2e", "2E":
			return true
		}
	}
	return false
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

// Interface guards
var (
	_ caddy.Provisioner           = (*Handler)(nil)
	_ caddy.Validator             = (*Handler)(nil)
	_ caddy.CleanerUpper          = (*Handler)(nil)
	_ caddyhttp.MiddlewareHandler = (*Handler)(nil)
)
