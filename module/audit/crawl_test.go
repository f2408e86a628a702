package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// site is a local site of 35 linked pages: every page links to the next two
// and home, and to things a crawl must not fetch (another host, a PDF, a
// path robots.txt disallows, mail, a fragment). Every third page loads GA4,
// every fifth the Meta Pixel, page 7 a script from an unknown host, every
// page Google Fonts; every page sets PHPSESSID, every fourth _ga.
type site struct {
	*httptest.Server
	mu   sync.Mutex
	hits map[string]int
}

func newSite(t *testing.T) *site {
	s := &site{hits: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.Path]++
		s.mu.Unlock()
		if r.URL.Path == "/robots.txt" {
			fmt.Fprint(w, "User-agent: somebot\nDisallow: /\n\nUser-agent: *\nDisallow: /private/\n")
			return
		}
		n := 0
		if r.URL.Path != "/" {
			var err error
			if n, err = strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/p")); err != nil || n < 1 || n > 34 {
				http.NotFound(w, r)
				return
			}
		}
		http.SetCookie(w, &http.Cookie{Name: "PHPSESSID", Value: "x", Path: "/"})
		if n%4 == 0 {
			http.SetCookie(w, &http.Cookie{Name: "_ga", Value: "GA1.1.1.1", Path: "/", MaxAge: 63072000})
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html><head><title>Page %d</title>
<link rel="stylesheet" href="https://fonts.unknown-typefaces.example/css2?family=Inter">`, n)
		if n%3 == 0 {
			fmt.Fprint(w, `<script async src="https://www.googletagmanager.com/gtag/js?id=G-X"></script>`)
		}
		if n == 7 {
			fmt.Fprint(w, `<script src="https://cdn.unknown-widgets.example/w.js"></script>`)
		}
		fmt.Fprintf(w, `</head><body><a href="/p%d">next</a> <a href="p%d#top">after</a> <a href="/">home</a>
<a href="https://elsewhere.example/">away</a> <a href="/files/report.pdf">pdf</a> <a href="/private/x">private</a>
<a href="mailto:a@example.com">mail</a> <a href="#frag">here</a> <a rel="nofollow" href="/p34">nofollow</a>`, n+1, n+2)
		if n%5 == 0 {
			fmt.Fprint(w, `<noscript><img height="1" width="1" src="https://www.facebook.com/tr?id=1&ev=PageView&noscript=1"></noscript>`)
		}
		fmt.Fprint(w, `</body></html>`)
	}))
	t.Cleanup(s.Close)
	return s
}

func TestCrawl(t *testing.T) {
	s := newSite(t)
	var progress strings.Builder
	start := time.Now()
	c, err := Crawl(context.Background(), s.URL+"/", CrawlOptions{Pages: 30, Delay: 5 * time.Millisecond, Progress: &progress})
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took < 29*5*time.Millisecond {
		t.Errorf("30 pages in %v: the delay between requests was not kept", took)
	}
	if c.Summary.Pages != 30 || c.Summary.Failed != 0 {
		t.Fatalf("summary %+v, want 30 pages and none failed", c.Summary)
	}
	for i, p := range c.Pages {
		want := s.URL + "/"
		if i > 0 {
			want = fmt.Sprintf("%s/p%d", s.URL, i)
		}
		if p.URL != want {
			t.Errorf("page %d is %s, want %s (breadth first)", i, p.URL, want)
		}
	}
	pages := map[string]int{}
	for _, sv := range c.Services {
		pages[sv.Category+"/"+sv.Service] = sv.Pages
	}
	if pages["analytics/google-analytics"] != 10 || pages["marketing/meta-pixel"] != 6 {
		t.Errorf("services by category: %v, want GA on 10 pages and the Meta Pixel on 6", pages)
	}
	if c.Summary.PagesWithTrackers != 14 {
		t.Errorf("%d pages with trackers, want 14", c.Summary.PagesWithTrackers)
	}
	hosts := map[string]string{}
	for _, h := range c.UnknownHosts {
		hosts[h.Host] = fmt.Sprintf("%s on %d", kindList(h.Kinds), h.Pages)
	}
	if hosts["fonts.unknown-typefaces.example"] != "stylesheet x30 on 30" || hosts["cdn.unknown-widgets.example"] != "script x1 on 1" || len(hosts) != 2 {
		t.Errorf("unknown hosts %v", hosts)
	}
	cookies := map[string]string{}
	for _, ck := range c.Cookies {
		cookies[ck.Name] = fmt.Sprintf("%s on %d", ck.Category, ck.Pages)
	}
	if cookies["_ga"] != "analytics on 8" || cookies["PHPSESSID"] != "necessary on 30" {
		t.Errorf("cookies %v", cookies)
	}
	s.mu.Lock()
	for _, p := range []string{"/private/x", "/files/report.pdf", "/p30", "/p34"} {
		if s.hits[p] > 0 {
			t.Errorf("the crawl fetched %s", p)
		}
	}
	if s.hits["/robots.txt"] != 1 {
		t.Errorf("robots.txt fetched %d times", s.hits["/robots.txt"])
	}
	s.mu.Unlock()
	if n := strings.Count(progress.String(), "\n"); n != 30 || !strings.Contains(progress.String(), "crawl: [30/30] "+s.URL+"/p29 (0 tracker(s))") {
		t.Errorf("progress (%d lines):\n%s", n, progress.String())
	}
	if !c.NeedsConsent() {
		t.Error("a site with GA needs consent")
	}
}

// The command line: a progress line per page on stderr, the summary on
// stdout, exit 3 with --fail-on-trackers.
func TestCrawlCommand(t *testing.T) {
	s := newSite(t)
	out, errOut, code := caddy(t, "consent", "audit", "--crawl", s.URL+"/", "--pages", "12", "--delay", "1ms", "--fail-on-trackers")
	if code != ExitTrackers {
		t.Errorf("exit %d, want %d\n%s", code, ExitTrackers, errOut)
	}
	if strings.Count(errOut, "crawl: [") != 12 {
		t.Errorf("stderr has not one progress line per page:\n%s", errOut)
	}
	for _, want := range []string{
		"12 page(s) of 127.0.0.1",
		"Services by category (pages that load them):",
		"Google Analytics", "4 page(s)", // /, p3, p6, p9
		"fonts.unknown-typefaces.example", "stylesheet x12",
		"Pages with trackers of an optional category (6):", // 0 3 5 6 9 10
		"Summary: 12 page(s), 6 with trackers",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	jsonOut, _, _ := caddy(t, "consent", "audit", "--crawl", s.URL+"/", "--pages", "3", "--delay", "1ms", "--json")
	var c CrawlReport
	if err := json.Unmarshal([]byte(jsonOut), &c); err != nil || c.Summary.Pages != 3 {
		t.Errorf("JSON report %+v: %v\n%s", c.Summary, err, jsonOut)
	}
	if _, errOut, code := caddy(t, "consent", "audit", "--crawl", s.URL+"/", "--pages", "0"); code != 1 || !strings.Contains(errOut, "--pages 0") {
		t.Errorf("--pages 0: exit %d, %s", code, errOut)
	}
}
