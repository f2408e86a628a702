package inventory

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samtykke/caddy-consent/internal/setcookie"
	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/policy"
)

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func newInv(t testing.TB, opts Options) *Inventory {
	t.Helper()
	return New(catalog.Default(), opts)
}

func cookieNamed(t *testing.T, s Site, name string) Cookie {
	t.Helper()
	for _, c := range s.Cookies {
		if c.Name == name {
			return c
		}
	}
	names := make([]string, 0, len(s.Cookies))
	for _, c := range s.Cookies {
		names = append(names, c.Name)
	}
	t.Fatalf("no cookie %q in %v", name, names)
	return Cookie{}
}

func TestObserveSetCookieNormalisesToCatalogPatterns(t *testing.T) {
	inv := newInv(t, Options{})
	lines := []string{
		"wordpress_logged_in_0123456789abcdef0123456789abcdef=admin%7C1700000000%7Csecret; path=/; secure; HttpOnly",
		"wordpress_logged_in_fedcba9876543210fedcba9876543210=editor%7C1700000001%7Csecret; path=/; secure; HttpOnly",
		"_ga_ABC123=GS1.1.1700000000.1.0.1700000000.0.0.0; Max-Age=63072000; Path=/; SameSite=Lax",
		"_ga_XYZ789=GS1.1.1700000000.1.0.1700000000.0.0.0; Max-Age=63072000; Path=/; SameSite=Lax",
		"_ga=GA1.1.1234.5678; Max-Age=63072000; Domain=.example.com; Path=/; SameSite=Lax",
	}
	inv.ObserveSetCookie("www.example.com", lines, t0)
	s := inv.Snapshot("www.example.com")
	if len(s.Cookies) != 3 {
		t.Fatalf("got %d cookie entries, want 3 (two patterns and _ga): %+v", len(s.Cookies), s.Cookies)
	}
	wp := cookieNamed(t, s, "wordpress_logged_in_*")
	if wp.Row == nil || wp.Row.Category != policy.Necessary {
		t.Errorf("wordpress_logged_in_* row = %+v, want the necessary catalog row", wp.Row)
	}
	if !wp.HTTPOnly || !wp.Secure || !wp.Session || wp.MaxAge != 0 {
		t.Errorf("wordpress_logged_in_* = %+v, want HttpOnly, Secure, session", wp)
	}
	if got := strings.Join(wp.Paths, ","); got != "/" {
		t.Errorf("paths = %q, want /", got)
	}
	ga4 := cookieNamed(t, s, "_ga_*")
	if ga4.MaxAge != int64(setcookie.MaxLifetime/time.Second) {
		t.Errorf("_ga_* max age = %d, want capped at 400 days (%d)", ga4.MaxAge, int64(setcookie.MaxLifetime/time.Second))
	}
	if ga4.HTTPOnly || ga4.Secure || strings.Join(ga4.SameSite, ",") != "lax" {
		t.Errorf("_ga_* attributes = %+v", ga4)
	}
	ga := cookieNamed(t, s, "_ga")
	if strings.Join(ga.Domains, ",") != "example.com" {
		t.Errorf("_ga domains = %v, want [example.com]", ga.Domains)
	}
	if !ga.FirstSeen.Equal(t0) || !ga.LastSeen.Equal(t0) {
		t.Errorf("_ga seen %v..%v, want %v", ga.FirstSeen, ga.LastSeen, t0)
	}
}

func TestObserveSetCookieAttributesOverTime(t *testing.T) {
	inv := newInv(t, Options{})
	h := "example.com"
	inv.ObserveSetCookie(h, []string{"pll_language=nb; Max-Age=3600; HttpOnly; Secure"}, t0)
	inv.ObserveSetCookie(h, []string{"pll_language=en; Expires=" + t0.Add(48*time.Hour).Format(time.RFC1123) + "; Secure; Path=/en?x=1"}, t0.Add(time.Hour))
	inv.ObserveSetCookie(h, []string{"pll_language=sv; Max-Age=60"}, t0.Add(-time.Hour))
	c := cookieNamed(t, inv.Snapshot(h), "pll_language")
	if c.HTTPOnly {
		t.Error("HttpOnly reported although one line lacked it")
	}
	if c.Secure {
		t.Error("Secure reported although one line lacked it")
	}
	if want := int64(47 * 3600); c.MaxAge != want {
		t.Errorf("max age = %d, want the longest seen, %d (Expires 48h after the second observation's clock minus 1h)", c.MaxAge, want)
	}
	if !c.FirstSeen.Equal(t0.Add(-time.Hour)) || !c.LastSeen.Equal(t0.Add(time.Hour)) {
		t.Errorf("seen %v..%v, want the earliest and latest observation", c.FirstSeen, c.LastSeen)
	}
	if strings.Join(c.Paths, ",") != "/en" {
		t.Errorf("paths = %v, want the query cut off", c.Paths)
	}
	if c.Session {
		t.Error("session reported, but every line had a lifetime")
	}
}

func TestObserveSetCookieSkips(t *testing.T) {
	tests := []struct {
		name string
		host string
		line string
	}{
		{"max-age zero deletes", "example.com", "_ga=; Max-Age=0"},
		{"negative max-age deletes", "example.com", "_ga=x; Max-Age=-1"},
		{"expires in the past deletes", "example.com", "_ga=x; Expires=Thu, 01 Jan 1970 00:00:00 GMT"},
		{"domain of another site", "example.com", "_ga=x; Domain=evil.example"},
		{"public suffix domain", "www.example.com", "_ga=x; Domain=com"},
		{"public suffix domain co.uk", "www.example.co.uk", "_ga=x; Domain=.co.uk"},
		{"domain on an IP host", "192.0.2.1", "_ga=x; Domain=0.2.1"},
		{"nameless", "example.com", "justavalue"},
		{"name too long", "example.com", strings.Repeat("n", maxNameLen+1) + "=v"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv := newInv(t, Options{})
			news := inv.ObserveSetCookie(tt.host, []string{tt.line}, t0)
			if s := inv.Snapshot(tt.host); len(s.Cookies) != 0 || news != nil {
				t.Errorf("recorded %+v, drift %+v; want nothing", s.Cookies, news)
			}
		})
	}
}

func TestDrift(t *testing.T) {
	inv := newInv(t, Options{})
	h := "example.com"
	news := inv.ObserveSetCookie(h, []string{
		"_ga=1; Max-Age=100",
		"wordpress_test_cookie=WP+Cookie+check; path=/",
		"my_plugin_session=1",
		"sess_0123456789abcdef0123456789abcdef=1",
		"sess_fedcba9876543210fedcba9876543210=1",
	}, t0)
	want := []Drift{
		{Host: h, Kind: DriftCookie, Name: "_ga", Category: policy.Analytics, Provider: "Google Ireland Limited"},
		{Host: h, Kind: DriftUnknownCookie, Name: "my_plugin_session"},
		{Host: h, Kind: DriftUnknownCookie, Name: "sess_*"},
	}
	if fmt.Sprint(news) != fmt.Sprint(want) {
		t.Errorf("drift = %+v\nwant    %+v", news, want)
	}
	if again := inv.ObserveSetCookie(h, []string{"_ga=2; Max-Age=200", "sess_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=1"}, t0.Add(time.Minute)); again != nil {
		t.Errorf("drift on repeat = %+v, want none", again)
	}
	gtm, maps, recaptcha := catalog.Default().Service("google-tag-manager"), catalog.Default().Service("google-maps"), catalog.Default().Service("google-recaptcha")
	news = inv.ObservePage(h, []*catalog.Service{gtm, recaptcha, maps}, []string{"cdn.unknown.example", "EXAMPLE.com"}, t0)
	want = []Drift{
		{Host: h, Kind: DriftTracker, Name: "google-tag-manager", Category: policy.Marketing, Provider: "Google Ireland Limited"},
		{Host: h, Kind: DriftTracker, Name: "google-maps", Category: policy.Marketing, Provider: "Google Ireland Limited"},
		{Host: h, Kind: DriftUnknownHost, Name: "cdn.unknown.example"},
	}
	if fmt.Sprint(news) != fmt.Sprint(want) {
		t.Errorf("page drift = %+v\nwant         %+v", news, want)
	}
	if again := inv.ObservePage(h, []*catalog.Service{gtm, maps}, []string{"cdn.unknown.example"}, t0); again != nil {
		t.Errorf("page drift on repeat = %+v, want none", again)
	}
	s := inv.Snapshot(h)
	if len(s.Trackers) != 3 || s.Trackers[0].ID != "google-maps" || s.Trackers[0].Pages != 2 || s.Trackers[1].ID != "google-recaptcha" || s.Trackers[1].Pages != 1 {
		t.Errorf("trackers = %+v", s.Trackers)
	}
	if len(s.UnknownHosts) != 1 || s.UnknownHosts[0].Pages != 2 {
		t.Errorf("unknown hosts = %+v, want cdn.unknown.example on 2 pages (the site's own host excluded)", s.UnknownHosts)
	}
}

func TestCollapse(t *testing.T) {
	tests := []struct {
		name, prefix string
		ok           bool
	}{
		{"sess_0123456789abcdef0123456789abcdef", "sess_", true},
		{"cart_1234567", "cart_", true},
		{"abc123456", "abc", true}, // hex letters before the digits are a word here
		{"_ga", "", false},
		{"deadbeefdeadbeefdeadbeef", "", false}, // nothing left
		{"x_12345", "", false},
		{"token_abcdef", "", false},
	}
	for _, tt := range tests {
		p, ok := collapse(tt.name)
		if p != tt.prefix || ok != tt.ok {
			t.Errorf("collapse(%q) = %q, %v; want %q, %v", tt.name, p, ok, tt.prefix, tt.ok)
		}
	}
}

func TestBounds(t *testing.T) {
	t.Run("sites", func(t *testing.T) {
		inv := newInv(t, Options{MaxSites: 2})
		for i := range 5 {
			inv.ObserveSetCookie(fmt.Sprintf("site%d.example", i), []string{"_ga=1"}, t0)
		}
		if got := inv.Sites(); len(got) != 2 {
			t.Errorf("sites = %v, want 2", got)
		}
		if got := inv.Dropped(); got != 3 {
			t.Errorf("dropped = %d, want 3", got)
		}
		// A known site keeps working at the bound.
		if news := inv.ObserveSetCookie("site0.example", []string{"_fbp=1"}, t0); len(news) != 1 {
			t.Errorf("known site at the bound: drift %+v, want _fbp", news)
		}
	})
	t.Run("cookies", func(t *testing.T) {
		inv := newInv(t, Options{MaxCookies: 3})
		for i := range 10 {
			inv.ObserveSetCookie("example.com", []string{fmt.Sprintf("plugin%c=1", 'a'+i)}, t0)
		}
		s := inv.Snapshot("example.com")
		if len(s.Cookies) != 3 || s.Dropped != 7 {
			t.Errorf("%d cookies, %d dropped; want 3 and 7", len(s.Cookies), s.Dropped)
		}
	})
	t.Run("hosts", func(t *testing.T) {
		inv := newInv(t, Options{MaxHosts: 4})
		for i := range 9 {
			inv.ObservePage("example.com", nil, []string{fmt.Sprintf("cdn%d.other.example", i)}, t0)
		}
		s := inv.Snapshot("example.com")
		if len(s.UnknownHosts) != 4 || s.Dropped != 5 {
			t.Errorf("%d hosts, %d dropped; want 4 and 5", len(s.UnknownHosts), s.Dropped)
		}
	})
	t.Run("attribute values", func(t *testing.T) {
		inv := newInv(t, Options{})
		for i := range 20 {
			inv.ObserveSetCookie("a.b.c.d.e.example.com", []string{
				fmt.Sprintf("_ga=1; Path=/p%d", i),
				"_ga=1; Domain=example.com", "_ga=1; Domain=e.example.com", "_ga=1; Domain=d.e.example.com",
				"_ga=1; Domain=c.d.e.example.com", "_ga=1; Domain=b.c.d.e.example.com",
			}, t0)
		}
		c := cookieNamed(t, inv.Snapshot("a.b.c.d.e.example.com"), "_ga")
		if len(c.Paths) != maxPaths || len(c.Domains) != maxDomains {
			t.Errorf("%d paths, %d domains; want at most %d and %d", len(c.Paths), len(c.Domains), maxPaths, maxDomains)
		}
	})
}

func TestHosts(t *testing.T) {
	inv := newInv(t, Options{})
	for _, h := range []string{"Example.COM:8443", "example.com.", "example.com"} {
		inv.ObserveSetCookie(h, []string{"_ga=1"}, t0)
	}
	inv.ObserveSetCookie("[2001:DB8::1]:443", []string{"_ga=1"}, t0)
	for _, bad := range []string{"../../etc", "a b", "", "ex/ample.com", "exa%2fmple", ".example.com", "[::1", "a:b:c"} {
		inv.ObserveSetCookie(bad, []string{"_ga=1"}, t0)
	}
	if got := strings.Join(inv.Sites(), " "); got != "2001:db8::1 example.com" {
		t.Errorf("sites = %q, want the two normalised hosts only", got)
	}
	if Key("[2001:db8::1]:443") != StoragePrefix+"/2001_db8__1.json" || Key("../x") != "" {
		t.Errorf("Key: %q, %q", Key("[2001:db8::1]:443"), Key("../x"))
	}
}

func TestNoPersonalData(t *testing.T) {
	inv := newInv(t, Options{})
	inv.ObserveSetCookie("example.com", []string{
		"wordpress_logged_in_abcdefabcdefabcdefabcdefabcdefab=alice%7Csecret-token; Path=/wp-admin?user=alice",
		"mystery=bob@example.org",
	}, t0)
	data, err := json.Marshal(inv.Snapshot("example.com"))
	if err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{"alice", "secret-token", "bob@example.org", "user="} {
		if strings.Contains(string(data), leak) {
			t.Errorf("snapshot holds %q: %s", leak, data)
		}
	}
}

func TestNoAllocationOnRepeat(t *testing.T) {
	inv := newInv(t, Options{})
	host := "Www.Example.com:443"
	expires := t0.Add(365 * 24 * time.Hour).Format("Mon, 02 Jan 2006 15:04:05 GMT")
	lines := []string{
		"wordpress_logged_in_0123456789abcdef0123456789abcdef=v; path=/; secure; HttpOnly",
		"_ga=GA1.1.1.1; Expires=" + expires + "; Domain=.example.com; Path=/; SameSite=Lax",
		"_ga_ABC=GS1; Max-Age=63072000; Path=/",
		"unknown_thing=1; Path=/shop",
		"sess_0123456789abcdef0123456789abcdef=1",
	}
	found := []*catalog.Service{catalog.Default().Service("google-analytics"), catalog.Default().Service("youtube")}
	unknown := []string{"cdn.unknown.example"}
	inv.ObserveSetCookie(host, lines, t0)
	inv.ObservePage(host, found, unknown, t0)
	inv.Version(host, "auto")
	tests := []struct {
		name string
		f    func()
	}{
		{"ObserveSetCookie", func() { inv.ObserveSetCookie(host, lines, t0.Add(time.Second)) }},
		{"ObservePage", func() { inv.ObservePage(host, found, unknown, t0.Add(time.Second)) }},
		{"Version", func() { inv.Version(host, "auto") }},
		{"Version of an unknown host", func() { inv.Version("other.example", "auto") }},
	}
	for _, tt := range tests {
		tt.f()
		if n := testing.AllocsPerRun(100, tt.f); n != 0 {
			t.Errorf("%s: %v allocations per repeat observation, want 0", tt.name, n)
		}
	}
}

func TestVersion(t *testing.T) {
	ga := "_ga=1; Max-Age=100"
	fbp := "_fbp=1; Max-Age=100"
	wp := "wordpress_test_cookie=1"
	gtm := catalog.Default().Service("google-tag-manager")
	recaptcha := catalog.Default().Service("google-recaptcha")

	a := newInv(t, Options{})
	a.ObserveSetCookie("example.com", []string{ga, fbp}, t0)
	a.ObservePage("example.com", []*catalog.Service{gtm}, nil, t0)
	b := newInv(t, Options{})
	b.ObservePage("example.com", []*catalog.Service{gtm}, []string{"cdn.other.example"}, t0.Add(time.Hour))
	b.ObserveSetCookie("example.com", []string{fbp}, t0.Add(2*time.Hour))
	b.ObserveSetCookie("example.com", []string{ga, wp}, t0.Add(3*time.Hour))
	va, vb := a.Version("example.com", "auto"), b.Version("example.com", "auto")
	if va != vb {
		t.Errorf("versions differ with order, times, necessary cookies and unknown hosts: %q vs %q", va, vb)
	}
	if !strings.HasPrefix(va, "auto-") || len(va) != len("auto-")+12 {
		t.Errorf("version %q, want auto-<12 hex>", va)
	}
	if v := a.Version("EXAMPLE.com:443", "auto"); v != va {
		t.Errorf("version by Host header %q != %q", v, va)
	}
	if v := a.Version("example.com", "7"); !strings.HasPrefix(v, "7-") || v[2:] != va[5:] {
		t.Errorf("base 7 gives %q, want 7-%s", v, va[5:])
	}

	a.ObservePage("example.com", []*catalog.Service{recaptcha}, nil, t0)
	a.ObserveSetCookie("example.com", []string{"wordpress_logged_in_0123456789abcdef0123456789abcdef=1", "mystery=1"}, t0)
	if v := a.Version("example.com", "auto"); v != va {
		t.Errorf("a necessary service, a necessary cookie and an unknown cookie changed the version: %q -> %q", va, v)
	}
	a.ObserveSetCookie("example.com", []string{"_hjSessionUser_123=1"}, t0)
	v2 := a.Version("example.com", "auto")
	if v2 == va {
		t.Error("a new analytics cookie did not change the version")
	}
	a.ObservePage("example.com", []*catalog.Service{catalog.Default().Service("youtube")}, nil, t0)
	if v3 := a.Version("example.com", "auto"); v3 == v2 {
		t.Error("a new marketing tracker did not change the version")
	}

	empty := newInv(t, Options{}).Version("nothing.example", "auto")
	onlyNecessary := newInv(t, Options{})
	onlyNecessary.ObserveSetCookie("example.com", []string{wp}, t0)
	if v := onlyNecessary.Version("example.com", "auto"); v != empty {
		t.Errorf("only necessary cookies: %q, want the empty inventory's %q", v, empty)
	}

	// An operator re-classifying a cookie changes the version too.
	cat, err := catalog.Default().With(catalog.Rules{Cookies: []catalog.CookieRule{{Glob: "_fbp", Category: policy.Analytics}}})
	if err != nil {
		t.Fatal(err)
	}
	c := New(cat, Options{})
	c.ObserveSetCookie("example.com", []string{ga, fbp}, t0)
	c.ObservePage("example.com", []*catalog.Service{cat.Service("google-tag-manager")}, nil, t0)
	if v := c.Version("example.com", "auto"); v == va {
		t.Error("re-classifying _fbp did not change the version")
	}
}

func TestMerge(t *testing.T) {
	recA := Site{Host: "example.com",
		Cookies: []Cookie{{Name: "_ga", HTTPOnly: true, Secure: true, SameSite: []string{"lax"}, MaxAge: 100,
			FirstSeen: t0, LastSeen: t0.Add(time.Hour)}},
		Trackers: []Tracker{{ID: "youtube", Pages: 5, FirstSeen: t0, LastSeen: t0}},
	}
	recB := Site{Host: "example.com",
		Cookies: []Cookie{
			{Name: "_ga", HTTPOnly: false, Secure: true, SameSite: []string{"none"}, MaxAge: 50,
				FirstSeen: t0.Add(-time.Hour), LastSeen: t0},
			{Name: "mystery_0123456789abcdef0123456789abcdef", MaxAge: 10, FirstSeen: t0, LastSeen: t0},
		},
		Trackers:     []Tracker{{ID: "youtube", Pages: 3, FirstSeen: t0.Add(time.Hour), LastSeen: t0.Add(2 * time.Hour)}, {ID: "retired-service", Pages: 1, FirstSeen: t0, LastSeen: t0}},
		UnknownHosts: []Host{{Host: "cdn.other.example", Pages: 2, FirstSeen: t0, LastSeen: t0}},
	}
	ab, ba := newInv(t, Options{}), newInv(t, Options{})
	ab.merge(&recA)
	ab.merge(&recB)
	ba.merge(&recB)
	ba.merge(&recA)
	ba.merge(&recA) // idempotent
	sab, sba := ab.Snapshot("example.com"), ba.Snapshot("example.com")
	ja, _ := json.Marshal(sab)
	jb, _ := json.Marshal(sba)
	if string(ja) != string(jb) {
		t.Fatalf("merge depends on order:\n%s\n%s", ja, jb)
	}
	ga := cookieNamed(t, sab, "_ga")
	if ga.HTTPOnly || !ga.Secure || strings.Join(ga.SameSite, ",") != "lax,none" || ga.MaxAge != 100 ||
		!ga.FirstSeen.Equal(t0.Add(-time.Hour)) || !ga.LastSeen.Equal(t0.Add(time.Hour)) {
		t.Errorf("merged _ga = %+v", ga)
	}
	cookieNamed(t, sab, "mystery_*")
	if yt := sab.Trackers[1]; yt.ID != "youtube" || yt.Pages != 5 || !yt.FirstSeen.Equal(t0) || !yt.LastSeen.Equal(t0.Add(2*time.Hour)) || yt.Service == nil {
		t.Errorf("merged youtube = %+v", yt)
	}
	if rs := sab.Trackers[0]; rs.ID != "retired-service" || rs.Service != nil {
		t.Errorf("a tracker the catalog no longer knows is kept without a service: %+v", rs)
	}
	// Merged entries are not drift: another instance reported them.
	if news := ab.ObserveSetCookie("example.com", []string{"_ga=1", "mystery_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=1"}, t0); news != nil {
		t.Errorf("drift for merged entries: %+v", news)
	}
	if news := ab.ObservePage("example.com", []*catalog.Service{catalog.Default().Service("youtube")}, []string{"cdn.other.example"}, t0); news != nil {
		t.Errorf("page drift for merged entries: %+v", news)
	}
}

func TestMergeReclassifiesUnknownNames(t *testing.T) {
	cat, err := catalog.Default().With(catalog.Rules{Cookies: []catalog.CookieRule{{Glob: "mystery_*", Category: policy.Marketing}}})
	if err != nil {
		t.Fatal(err)
	}
	inv := New(cat, Options{})
	inv.merge(&Site{Host: "example.com", Cookies: []Cookie{
		{Name: "mystery_a", MaxAge: 10, FirstSeen: t0, LastSeen: t0},
		{Name: "mystery_*", MaxAge: 20, FirstSeen: t0, LastSeen: t0},
	}})
	s := inv.Snapshot("example.com")
	if len(s.Cookies) != 1 || s.Cookies[0].Name != "mystery_*" || s.Cookies[0].Row == nil || s.Cookies[0].MaxAge != 20 {
		t.Errorf("cookies = %+v, want one mystery_* entry under the new rule", s.Cookies)
	}
}

func TestConcurrentObservation(t *testing.T) {
	inv := newInv(t, Options{MaxCookies: 64})
	var wg sync.WaitGroup
	drifts := make(chan Drift, 1024)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				for _, d := range inv.ObserveSetCookie("example.com", []string{
					"_ga=1; Max-Age=" + fmt.Sprint(i), fmt.Sprintf("c%d=1; Path=/p%d", i%100, g),
				}, t0.Add(time.Duration(i)*time.Second)) {
					drifts <- d
				}
				inv.ObservePage("example.com", []*catalog.Service{catalog.Default().Service("hotjar")}, nil, t0)
				inv.Version("example.com", "auto")
				_ = inv.Snapshot("example.com")
			}
		}()
	}
	wg.Wait()
	close(drifts)
	seen := map[string]int{}
	for d := range drifts {
		seen[d.Name]++
	}
	for name, n := range seen {
		if n != 1 {
			t.Errorf("drift for %s reported %d times, want once", name, n)
		}
	}
	s := inv.Snapshot("example.com")
	if len(s.Cookies) != 64 || s.Dropped == 0 {
		t.Errorf("%d cookies, %d dropped; want the bound of 64 and some dropped", len(s.Cookies), s.Dropped)
	}
	if got := cookieNamed(t, s, "_ga").MaxAge; got != 199 {
		t.Errorf("_ga max age = %d, want 199", got)
	}
	if s.Trackers[0].Pages != 8*200 {
		t.Errorf("hotjar pages = %d, want %d", s.Trackers[0].Pages, 8*200)
	}
}

func TestThirdPartyHost(t *testing.T) {
	tests := []struct {
		src, site, want string
	}{
		{"https://cdn.Other.example/x.js", "www.example.com", "cdn.other.example"},
		{"//cdn.other.example:8443/x.js?y", "www.example.com", "cdn.other.example"},
		{"https://static.example.com/x.js", "www.example.com", ""},
		{"https://user@cdn.other.example/x.js", "example.com", "cdn.other.example"},
		{"/wp-includes/js/jquery.js", "example.com", ""},
		{"js/app.js", "example.com", ""},
		{"javascript:alert(1)", "example.com", ""},
		{"data:text/javascript,1", "example.com", ""},
		{"https://[2001:db8::1]/x.js", "example.com", "2001:db8::1"},
		{"https://evil.example%2f/x.js", "example.com", ""},
		// Browsers skip extra slashes and read backslashes as slashes.
		{"https:///cdn.other.example/x.js", "example.com", "cdn.other.example"},
		{"https:\\\\cdn.other.example/x.js", "example.com", "cdn.other.example"},
		{" //cdn.other.example/x.js", "example.com", "cdn.other.example"},
	}
	for _, tt := range tests {
		got, ok := ThirdPartyHost(tt.src, tt.site)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("ThirdPartyHost(%q, %q) = %q, %v; want %q", tt.src, tt.site, got, ok, tt.want)
		}
	}
}
