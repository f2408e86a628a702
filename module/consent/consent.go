// Package consent is the http.handlers.consent middleware: Caddy's side of
// the consent banner, wiring the pure packages (htmlrewrite, catalog, policy,
// banner, firewall, inventory) into a request. Its files, in request order:
//
//	consent.go      Handler (its comment is the manual), defaults, Provision, Cleanup
//	validate.go     every config check, for the Caddyfile parser and Validate alike
//	caddyfile.go    the Caddyfile parser
//	request.go      ServeHTTP: the visitor's consent, endpoints, bypass, the upstream request
//	writer.go       the response writer: rewrite or pass, stream through the rewriter
//	decode.go       an upstream body compressed anyway, decoded for the rewriter
//	headers.go      response headers: Set-Cookie, ETag, Vary, Cache-Control, Link
//	csp.go          the module's own Content-Security-Policy, and the upstream's nonces
//	rewrite.go      the rewriter's options: banner, unknown third parties, stubs, Consent Mode
//	view.go         what the banner and the placeholders are rendered from
//	endpoints.go    under path: decisions and their records, settings, declaration, assets
//	csp_report.go   under path: the CSP violation reports
//	inventory.go    what the declaration learns from responses; storage failures
//	sites.go        which site a Host header belongs to (inventory and metrics)
//	metrics.go      the caddy_consent_* series
//	secret.go       the cookie signing key, generated once and kept in storage
//	matcher.go      the consent request matcher (http.matchers.consent)
//	*knob*_*.go     build-tagged hooks for bench/spin.sh and the cluster e2e test
package consent

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
	"github.com/caddyserver/certmagic"
	"go.uber.org/zap"

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

// blockListCategory is the category of a block_list without one: the lists
// operators bring are mostly of ads and tracking.
const blockListCategory = "marketing"

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
	for sub, v := range map[string]*string{"unknown_cookies": &h.UnknownCookies, "declaration": &h.Declaration, "unknown_hosts": &h.UnknownHosts, "csp": &h.CSP} {
		if *v == "" {
			*v = choices[sub][0]
		}
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
	h.warnCookiePrefix()
	if h.catalog, err = h.withBlockLists(h.catalog); err != nil {
		return err
	}

	secret, err := h.loadSecret(ctx)
	if err != nil {
		return err
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
		if err := validInlineSubstring(b.Contains); err != nil {
			return r, fmt.Errorf("block_inline %q: %v", b.Contains, err)
		}
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

// withBlockLists reads the block_list files into c's host matcher.
func (h *Handler) withBlockLists(c *catalog.Catalog) (*catalog.Catalog, error) {
	lists := make([]catalog.HostList, 0, len(h.BlockLists))
	for _, bl := range h.BlockLists {
		name := bl.Category
		if name == "" {
			name = blockListCategory
		}
		cat, err := parseBlockCategory(name)
		if err != nil {
			return nil, fmt.Errorf("block_list %s: %v", bl.File, err)
		}
		f, err := os.Open(bl.File)
		if err != nil {
			return nil, fmt.Errorf("block_list: %v", err)
		}
		hosts, skipped, first, err := catalog.ParseHostList(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("block_list %s: %v", bl.File, err)
		}
		if h.logger != nil {
			h.logger.Info("block list loaded", zap.String("file", bl.File), zap.Int("hosts", len(hosts)),
				zap.Int("lines_skipped", skipped), zap.Int("first_skipped_line", first))
		}
		lists = append(lists, catalog.HostList{Name: filepath.Base(bl.File), Category: cat, Hosts: hosts})
	}
	return c.WithLists(lists...)
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

// Interface guards
var (
	_ caddy.Provisioner           = (*Handler)(nil)
	_ caddy.Validator             = (*Handler)(nil)
	_ caddy.CleanerUpper          = (*Handler)(nil)
	_ caddyhttp.MiddlewareHandler = (*Handler)(nil)
)
