package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	caddycmd "github.com/caddyserver/caddy/v2/cmd"
	"github.com/spf13/cobra"

	"github.com/samtykke/caddy-consent/module/htmlrewrite"
	"github.com/samtykke/caddy-consent/module/policy"
)

func init() {
	caddycmd.RegisterCommand(caddycmd.Command{
		Name:  "consent",
		Usage: "audit <file|url> [--fail-on-trackers] [--json] | audit --crawl <url> [--pages N]",
		Short: "Tools of the caddy-consent module",
		Long: `
Tools of the caddy-consent module (http.handlers.consent).

	caddy consent audit <file|url> [--fail-on-trackers] [--json] [--site <host>] [--timeout <duration>]
	caddy consent audit --crawl <url> [--pages N] [--delay <duration>] [--fail-on-trackers] [--json]

audit runs a page through the consent module's rewriter with the built-in
catalog and nothing granted, and lists by category the trackers the page
loads (service, provider, element kinds and counts), what the module would
block, the cookies those services set, and, for a URL, the Set-Cookie headers
the site sends, classified (values are never shown). It also lists external
script hosts the catalog does not know: add a block rule for them.

<file> is a local HTML file, or - for standard input; <url> is http(s).

With --crawl, audit follows the same-site links of <url>, breadth first, one
request at a time with --delay between them and obeying robots.txt, up to
--pages pages (default 30), printing a progress line per page on standard
error, and prints a site-wide summary: services by category with the number
of pages that load them, third-party hosts the catalog does not know, the
cookies the site sets, and the pages with trackers.

Exit codes: 0 on success; 1 when the page cannot be read or fetched;
3 with --fail-on-trackers when a tracker or Set-Cookie of an optional category
(preferences, analytics, marketing) is found.
`,
		CobraFunc: func(cmd *cobra.Command) {
			sub := &cobra.Command{
				Use:   "audit <file|url>",
				Short: "Lists the trackers a page loads and what the consent module would block",
				Long: `
Runs a page (a local HTML file, - for standard input, or an http(s) URL)
through the consent module's rewriter with the built-in catalog and nothing
granted. Prints, by category, the trackers it loads, what the module would
block, the cookies those services set and, for a URL, the classified
Set-Cookie headers. --json prints the same as JSON.

Exit codes: 0 on success; 1 when the page cannot be read or fetched;
3 with --fail-on-trackers when anything of an optional category is found.
`,
				Args: cobra.ExactArgs(1),
				RunE: func(c *cobra.Command, args []string) error {
					pages, _ := c.Flags().GetInt("pages")
					f := runFlags{
						failOnTrackers: mustBool(c, "fail-on-trackers"),
						json:           mustBool(c, "json"),
						site:           mustString(c, "site"),
						timeout:        mustDuration(c, "timeout"),
						crawl:          mustBool(c, "crawl"),
						pages:          pages,
						delay:          mustDuration(c, "delay"),
						progress:       c.ErrOrStderr(),
					}
					code, err := run(c.Context(), c.OutOrStdout(), args[0], f)
					if code == ExitTrackers {
						c.SilenceErrors = true // the report says why
					}
					// Caddy's wrapper logs the error and carries the exit code to caddycmd.Main.
					return caddycmd.WrapCommandFuncForCobra(func(caddycmd.Flags) (int, error) { return code, err })(c, args)
				},
			}
			sub.Flags().Bool("fail-on-trackers", false, "Exit with status 3 when a tracker or cookie of an optional category is found")
			sub.Flags().Bool("json", false, "Print the report as JSON")
			sub.Flags().String("site", "", "The site's own host (default: the URL's host, or the page's canonical link)")
			sub.Flags().Duration("timeout", DefaultTimeout, "Time limit for fetching a URL")
			sub.Flags().Bool("crawl", false, "Follow the URL's same-site links and summarise the site")
			sub.Flags().Int("pages", DefaultCrawlPages, fmt.Sprintf("With --crawl, the most pages to audit (at most %d)", MaxCrawlPages))
			sub.Flags().Duration("delay", DefaultCrawlDelay, "With --crawl, the pause between two requests")
			cmd.AddCommand(sub)
		},
	})
}

func mustBool(c *cobra.Command, name string) bool {
	v, _ := c.Flags().GetBool(name)
	return v
}

func mustString(c *cobra.Command, name string) string {
	v, _ := c.Flags().GetString(name)
	return v
}

func mustDuration(c *cobra.Command, name string) time.Duration {
	v, _ := c.Flags().GetDuration(name)
	return v
}

type runFlags struct {
	failOnTrackers bool
	json           bool
	site           string
	timeout        time.Duration
	crawl          bool
	pages          int
	delay          time.Duration
	progress       io.Writer
}

// run is the command: it audits target, prints the report to w and returns
// the exit code.
func run(ctx context.Context, w io.Writer, target string, f runFlags) (int, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if f.crawl {
		return runCrawl(ctx, w, target, f)
	}
	r, err := Audit(ctx, target, Options{Site: f.site, Timeout: f.timeout})
	if err != nil {
		return 1, err
	}
	if f.json {
		err = r.WriteJSON(w)
	} else {
		err = r.WriteText(w)
	}
	if err != nil {
		return 1, fmt.Errorf("writing report: %v", err)
	}
	if f.failOnTrackers && r.NeedsConsent() {
		return ExitTrackers, nil
	}
	return 0, nil
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText writes the report for people: trackers by category, the cookies
// they set, the Set-Cookie headers, unknown script hosts, and a summary.
func (r *Report) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	p := func(format string, a ...any) { fmt.Fprintf(tw, format, a...) }
	head := r.Source
	if r.Status != 0 {
		head += fmt.Sprintf(" (%d, %s)", r.Status, r.ContentType)
	}
	p("caddy consent audit: %s, %d bytes\n", head, r.Bytes)
	for _, warn := range r.Warnings {
		p("warning: %s\n", warn)
	}

	p("\nTrackers the page loads (nothing granted):\n")
	if len(r.Trackers) == 0 {
		p("  none found\n")
	}
	cat := ""
	for _, t := range r.Trackers {
		if t.Category != cat {
			cat = t.Category
			p("  %s\n", cat)
		}
		action := "would block"
		if t.Category == policy.Necessary.String() {
			action = "allowed (necessary)"
		}
		p("    %s\t%s\t%s\t%s\t%s\n", t.Name, t.Service, t.Provider, kinds(t.Elements), action+" "+kinds(t.Blocked))
	}

	if len(r.Cookies) > 0 {
		p("\nCookies these services set (from the catalog):\n")
		cat = ""
		for _, c := range sortedByCategory(r.Cookies) {
			if c.Category != cat {
				cat = c.Category
				p("  %s\n", cat)
			}
			party := "first party"
			if c.ThirdParty {
				party = "third party"
			}
			p("    %s\t%s\t%s\t%s\n", c.Name, c.Service, c.Lifetime, party)
		}
	}

	if r.Status != 0 {
		p("\nSet-Cookie headers:\n")
		if len(r.SetCookies) == 0 {
			p("  none\n")
		}
		for _, c := range r.SetCookies {
			var attrs []string
			if c.HTTPOnly {
				attrs = append(attrs, "HttpOnly")
			}
			if c.Secure {
				attrs = append(attrs, "Secure")
			}
			if c.SameSite != "" {
				attrs = append(attrs, "SameSite="+c.SameSite)
			}
			if c.Domain != "" {
				attrs = append(attrs, "Domain="+c.Domain)
			}
			if c.Path != "" {
				attrs = append(attrs, "Path="+c.Path)
			}
			who := c.Provider
			if c.Pattern != "" && c.Pattern != c.Name {
				who = c.Pattern + ", " + who
			}
			p("  %s\t%s\t%s\t%s\t%s\t%s\n", printable(c.Name), c.Category, c.Lifetime, printable(c.Host), who, printable(strings.Join(attrs, " ")))
		}
	}

	if len(r.UnknownScriptHosts) > 0 {
		p("\nThird-party hosts the catalog does not know (held until every category is granted; classify them with a block rule, or first_party/allow):\n")
		for _, h := range r.UnknownScriptHosts {
			p("  %s\t%d script(s)\t%d held\n", h.Host, h.Scripts, h.Held)
		}
	}

	if len(r.ThirdPartyHosts) > 0 {
		p("\nThird-party hosts the page loads from, by kind:\n")
		for _, h := range r.ThirdPartyHosts {
			who := "unknown to the catalog"
			if h.Service != "" {
				who = h.Service + " (" + h.Category + ")"
			}
			p("  %s\t%s\t%s\n", printable(h.Host), kindList(h.Kinds), who)
		}
	}
	r.writeRunTime(tw)

	s := r.Summary
	p("\nSummary: %d tracker(s), %d of an optional category; %d element(s) neutralised until consent", s.Trackers, s.OptionalTrackers, s.Neutralised)
	if r.Status != 0 {
		p("; %d Set-Cookie header(s) of an optional category, %d unclassified", s.OptionalCookies, s.UnknownCookies)
	}
	p(".\n")
	return tw.Flush()
}

// kinds writes element counts as "script x2, iframe x1", in a fixed order.
func kinds(m map[string]int) string {
	var parts []string
	for k := range htmlrewrite.NumKinds {
		if n := m[k.String()]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s x%d", k, n))
		}
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ", ")
}

func sortedByCategory(cs []Cookie) []Cookie {
	out := slices.Clone(cs)
	slices.SortStableFunc(out, func(a, b Cookie) int { return categoryRank(a.Category) - categoryRank(b.Category) })
	return out
}

// printable keeps what an upstream sent from driving the terminal: control
// characters become "?".
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 {
			return '?'
		}
		return r
	}, s)
}

// runCrawl is the command with --crawl.
func runCrawl(ctx context.Context, w io.Writer, target string, f runFlags) (int, error) {
	if f.pages < 1 || f.pages > MaxCrawlPages {
		return 1, fmt.Errorf("--pages %d: want 1 to %d", f.pages, MaxCrawlPages)
	}
	c, err := Crawl(ctx, target, CrawlOptions{
		Options: Options{Site: f.site, Timeout: f.timeout},
		Pages:   f.pages, Delay: f.delay, Progress: f.progress,
	})
	if err != nil {
		return 1, err
	}
	if f.json {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		err = enc.Encode(c)
	} else {
		err = c.WriteText(w)
	}
	if err != nil {
		return 1, fmt.Errorf("writing report: %v", err)
	}
	if f.failOnTrackers && c.NeedsConsent() {
		return ExitTrackers, nil
	}
	return 0, nil
}

// WriteText writes the crawl's summary for people.
func (c *CrawlReport) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	p := func(format string, a ...any) { fmt.Fprintf(tw, format, a...) }
	p("caddy consent audit --crawl: %s, %d page(s) of %s\n", printable(c.Start), c.Summary.Pages, printable(c.Site))

	p("\nServices by category (pages that load them):\n")
	if len(c.Services) == 0 {
		p("  none found\n")
	}
	cat := ""
	for _, s := range c.Services {
		if s.Category != cat {
			cat = s.Category
			p("  %s\n", cat)
		}
		p("    %s\t%s\t%s\t%d page(s)\n", s.Name, s.Service, s.Provider, s.Pages)
	}
	if len(c.UnknownHosts) > 0 {
		p("\nThird-party hosts the catalog does not know (classify them with a block rule):\n")
		for _, h := range c.UnknownHosts {
			p("  %s\t%s\t%d page(s)\n", printable(h.Host), kindList(h.Kinds), h.Pages)
		}
	}
	p("\nCookies the site sets:\n")
	if len(c.Cookies) == 0 {
		p("  none\n")
	}
	for _, ck := range c.Cookies {
		who := ck.Provider
		if ck.Pattern != "" && ck.Pattern != ck.Name {
			who = ck.Pattern + ", " + who
		}
		p("  %s\t%s\t%s\t%d page(s)\n", printable(ck.Name), ck.Category, who, ck.Pages)
	}
	p("\nPages with trackers of an optional category (%d):\n", c.Summary.PagesWithTrackers)
	for _, pg := range c.Pages {
		if len(pg.Trackers) > 0 {
			p("  %s\t%s\n", printable(pg.URL), strings.Join(pg.Trackers, ", "))
		}
	}
	if c.Summary.Failed > 0 {
		p("\nPages that could not be audited (%d):\n", c.Summary.Failed)
		for _, pg := range c.Pages {
			if pg.Error != "" {
				p("  %s\t%s\n", printable(pg.URL), printable(pg.Error))
			}
		}
	}
	s := c.Summary
	p("\nSummary: %d page(s), %d with trackers; %d service(s), %d of an optional category; %d unknown third-party host(s); %d cookie(s), %d of an optional category, %d unclassified.\n",
		s.Pages, s.PagesWithTrackers, s.Services, s.OptionalServices, s.UnknownHosts, s.Cookies, s.OptionalCookies, s.UnknownCookies)
	return tw.Flush()
}
