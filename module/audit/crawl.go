package audit

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	"golang.org/x/net/html"

	"github.com/samtykke/caddy-consent/internal/urlhost"
	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/policy"
)

// Crawl bounds: the default and largest number of pages, and the pause
// between two requests, so a crawl never loads a small legacy site.
const (
	DefaultCrawlPages = 30
	MaxCrawlPages     = 1000
	DefaultCrawlDelay = 250 * time.Millisecond
)

// CrawlOptions configure a crawl.
type CrawlOptions struct {
	Options
	Pages    int           // at most this many pages; default DefaultCrawlPages
	Delay    time.Duration // pause between requests; default DefaultCrawlDelay, 0 < Delay
	Progress io.Writer     // a line per page fetched, when set
}

// CrawlReport is a site-wide summary of a crawl. Its JSON field names are
// stable.
type CrawlReport struct {
	Start string `json:"start"`
	Site  string `json:"site"`
	// Pages are the pages audited, in crawl order.
	Pages []CrawlPage `json:"pages"`
	// Services found, in category order, then by ID.
	Services []CrawlService `json:"services"`
	// UnknownHosts are third-party hosts the catalog does not know, with
	// what the pages load from them.
	UnknownHosts []CrawlHost `json:"unknown_hosts"`
	// Cookies are the cookies the site's responses set, by name.
	Cookies []CrawlCookie `json:"cookies"`
	Summary CrawlSummary  `json:"summary"`
}

// CrawlPage is one page of a crawl.
type CrawlPage struct {
	URL      string   `json:"url"`
	Status   int      `json:"status,omitempty"`
	Trackers []string `json:"trackers"` // service IDs of an optional category
	Error    string   `json:"error,omitempty"`
}

// CrawlService is a service found on the site.
type CrawlService struct {
	Service  string `json:"service"`
	Name     string `json:"name"`
	Provider string `json:"provider"`
	Category string `json:"category"`
	Pages    int    `json:"pages"`
}

// CrawlHost is a third-party host no catalog row knows.
type CrawlHost struct {
	Host  string         `json:"host"`
	Kinds map[string]int `json:"kinds"`
	Pages int            `json:"pages"`
}

// CrawlCookie is a cookie the site sets.
type CrawlCookie struct {
	Name     string `json:"name"`
	Pattern  string `json:"pattern,omitempty"`
	Category string `json:"category"`
	Provider string `json:"provider,omitempty"`
	Pages    int    `json:"pages"`
}

// CrawlSummary counts what needs attention.
type CrawlSummary struct {
	Pages             int `json:"pages"`
	Failed            int `json:"failed"`
	PagesWithTrackers int `json:"pages_with_trackers"`
	Services          int `json:"services"`
	OptionalServices  int `json:"optional_services"`
	UnknownHosts      int `json:"unknown_hosts"`
	Cookies           int `json:"cookies"`
	OptionalCookies   int `json:"optional_cookies"`
	UnknownCookies    int `json:"unknown_cookies"`
}

// NeedsConsent reports whether any page loads a tracker, or the site sets a
// cookie, of an optional category.
func (c *CrawlReport) NeedsConsent() bool {
	return c.Summary.PagesWithTrackers > 0 || c.Summary.OptionalCookies > 0
}

// Crawl audits start and the same-site pages it links to, breadth first, one
// request at a time with o.Delay between them, obeying the site's robots.txt
// for every user agent, up to o.Pages pages. Links to other hosts, to files
// that are not pages (images, PDFs, archives, scripts) and fragments are not
// followed.
func Crawl(ctx context.Context, start string, o CrawlOptions) (*CrawlReport, error) {
	u, ok := httpURL(start)
	if !ok {
		return nil, fmt.Errorf("crawl: %q is not an http(s) URL", start)
	}
	if o.Catalog == nil {
		o.Catalog = catalog.Default()
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Pages <= 0 {
		o.Pages = DefaultCrawlPages
	}
	o.Pages = min(o.Pages, MaxCrawlPages)
	if o.Delay <= 0 {
		o.Delay = DefaultCrawlDelay
	}
	if o.Client == nil {
		o.Client = &http.Client{Timeout: o.Timeout}
	}
	if o.Site == "" {
		o.Site = u.Hostname()
	}
	u.Fragment = ""
	c := &CrawlReport{Start: u.String(), Site: urlhost.NormaliseString(o.Site)}
	disallow := robots(ctx, o.Client, u)

	services := map[string]*CrawlService{}
	hosts := map[string]*CrawlHost{}
	cookies := map[string]*CrawlCookie{}
	queue, seen := []*url.URL{u}, map[string]bool{u.String(): true}
	for len(queue) > 0 && len(c.Pages) < o.Pages {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		next := queue[0]
		queue = queue[1:]
		if len(c.Pages) > 0 {
			select {
			case <-time.After(o.Delay):
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		r := &Report{Source: next.String(), Site: c.Site}
		page, err := r.fetch(ctx, next, o.Options)
		p := CrawlPage{URL: next.String(), Status: r.Status, Trackers: []string{}}
		if err == nil && !isHTML(r.ContentType) {
			err = fmt.Errorf("not HTML (%s)", r.ContentType)
		}
		if err == nil {
			r.Bytes = len(page)
			err = r.analyse(page, o.Catalog)
		}
		if err != nil {
			p.Error = err.Error()
			c.Summary.Failed++
		} else {
			for _, t := range r.Trackers {
				s := services[t.Service]
				if s == nil {
					s = &CrawlService{Service: t.Service, Name: t.Name, Provider: t.Provider, Category: t.Category}
					services[t.Service] = s
				}
				s.Pages++
				if t.Category != policy.Necessary.String() {
					p.Trackers = append(p.Trackers, t.Service)
				}
			}
			for _, h := range r.ThirdPartyHosts {
				if h.Service != "" {
					continue
				}
				ch := hosts[h.Host]
				if ch == nil {
					ch = &CrawlHost{Host: h.Host, Kinds: map[string]int{}}
					hosts[h.Host] = ch
				}
				ch.Pages++
				for k, n := range h.Kinds {
					ch.Kinds[k] += n
				}
			}
			names := map[string]bool{}
			for _, sc := range r.SetCookies {
				if sc.Lifetime == "delete" || names[sc.Name] {
					continue
				}
				names[sc.Name] = true
				ck := cookies[sc.Name]
				if ck == nil {
					ck = &CrawlCookie{Name: sc.Name, Pattern: sc.Pattern, Category: sc.Category, Provider: sc.Provider}
					cookies[sc.Name] = ck
				}
				ck.Pages++
			}
			if len(p.Trackers) > 0 {
				c.Summary.PagesWithTrackers++
			}
			for _, l := range links(page, next) {
				if len(queue)+len(c.Pages) >= 20*o.Pages {
					break // enough candidates; the rest would never be fetched
				}
				k := l.String()
				if seen[k] || l.Hostname() != u.Hostname() || disallowed(disallow, l) {
					continue
				}
				seen[k] = true
				queue = append(queue, l)
			}
		}
		c.Pages = append(c.Pages, p)
		if o.Progress != nil {
			note := fmt.Sprintf("%d tracker(s)", len(p.Trackers))
			if p.Error != "" {
				note = "failed: " + p.Error
			}
			fmt.Fprintf(o.Progress, "crawl: [%d/%d] %s (%s)\n", len(c.Pages), o.Pages, printable(p.URL), note)
		}
	}

	for _, s := range services {
		c.Services = append(c.Services, *s)
		if s.Category != policy.Necessary.String() {
			c.Summary.OptionalServices++
		}
	}
	slices.SortFunc(c.Services, func(a, b CrawlService) int {
		if d := categoryRank(a.Category) - categoryRank(b.Category); d != 0 {
			return d
		}
		return strings.Compare(a.Service, b.Service)
	})
	for _, h := range hosts {
		c.UnknownHosts = append(c.UnknownHosts, *h)
	}
	slices.SortFunc(c.UnknownHosts, func(a, b CrawlHost) int { return strings.Compare(a.Host, b.Host) })
	for _, ck := range cookies {
		c.Cookies = append(c.Cookies, *ck)
		switch ck.Category {
		case "unknown":
			c.Summary.UnknownCookies++
		case policy.Necessary.String():
		default:
			c.Summary.OptionalCookies++
		}
	}
	slices.SortFunc(c.Cookies, func(a, b CrawlCookie) int {
		if d := categoryRank(a.Category) - categoryRank(b.Category); d != 0 {
			return d
		}
		return strings.Compare(a.Name, b.Name)
	})
	if c.Services == nil {
		c.Services = []CrawlService{}
	}
	if c.UnknownHosts == nil {
		c.UnknownHosts = []CrawlHost{}
	}
	if c.Cookies == nil {
		c.Cookies = []CrawlCookie{}
	}
	c.Summary.Pages = len(c.Pages)
	c.Summary.Services = len(c.Services)
	c.Summary.UnknownHosts = len(c.UnknownHosts)
	c.Summary.Cookies = len(c.Cookies)
	return c, nil
}

func isHTML(contentType string) bool {
	ct := strings.ToLower(contentType)
	return ct == "" || strings.HasPrefix(ct, "text/html") || strings.HasPrefix(ct, "application/xhtml+xml")
}

// notPages are extensions of links that lead to files rather than pages.
var notPages = map[string]bool{
	".pdf": true, ".jpg": true, ".jpeg": true, ".png": true, ".gif": true, ".webp": true, ".avif": true,
	".svg": true, ".ico": true, ".css": true, ".js": true, ".json": true, ".xml": true, ".txt": true,
	".zip": true, ".gz": true, ".tar": true, ".rar": true, ".7z": true, ".mp3": true, ".mp4": true,
	".webm": true, ".mov": true, ".avi": true, ".doc": true, ".docx": true, ".xls": true, ".xlsx": true,
	".ppt": true, ".pptx": true, ".odt": true, ".woff": true, ".woff2": true, ".ttf": true, ".exe": true,
	".dmg": true, ".apk": true, ".csv": true, ".ics": true, ".rss": true, ".atom": true,
}

// links returns the http(s) links of a page's <a href>, resolved against
// base, without fragments, leaving out files that are not pages.
func links(page []byte, base *url.URL) []*url.URL {
	var out []*url.URL
	z := html.NewTokenizer(bytes.NewReader(page))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return out
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		name, hasAttr := z.TagName()
		if string(name) != "a" || !hasAttr {
			continue
		}
		a := attrs(z)
		if strings.Contains(strings.ToLower(a["rel"]), "nofollow") {
			continue
		}
		ref, err := url.Parse(strings.TrimSpace(a["href"]))
		if err != nil {
			continue
		}
		l := base.ResolveReference(ref)
		if l.Scheme != "http" && l.Scheme != "https" {
			continue
		}
		l.Fragment, l.RawFragment = "", ""
		if notPages[strings.ToLower(path.Ext(l.Path))] {
			continue
		}
		out = append(out, l)
	}
}

// robots returns the Disallow prefixes of the site's robots.txt for every
// user agent ("User-agent: *"); none when it cannot be read.
func robots(ctx context.Context, client *http.Client, site *url.URL) []string {
	ru := *site
	ru.Path, ru.RawPath, ru.RawQuery = "/robots.txt", "", ""
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, ru.String(), nil)
	if err != nil {
		return nil
	}
	req.Header.Set("User-Agent", "caddy-consent-audit/1")
	resp, err := client.Do(req)
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil
	}
	var out []string
	applies, inAgents := false, false
	sc := bufio.NewScanner(io.LimitReader(resp.Body, 512<<10))
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		key, val, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		key, val = strings.ToLower(strings.TrimSpace(key)), strings.TrimSpace(val)
		switch key {
		case "user-agent":
			if !inAgents {
				applies = false // a new group starts
			}
			inAgents = true
			applies = applies || val == "*"
		case "disallow":
			inAgents = false
			if applies && val != "" {
				out = append(out, val)
			}
		default:
			inAgents = false
		}
	}
	return out
}

func disallowed(prefixes []string, u *url.URL) bool {
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	for _, d := range prefixes {
		if strings.HasPrefix(p, d) {
			return true
		}
	}
	return false
}
