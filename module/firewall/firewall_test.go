package firewall

import (
	"net/http"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/samtykke/caddy-consent/internal/setcookie"
	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/policy"
)

// fakeClassifier matches cookie names against path.Match globs, first row
// wins: enough to test the firewall without the real catalog.
type fakeClassifier []*catalog.Cookie

func (f fakeClassifier) MatchCookie(name string) *catalog.Cookie {
	for _, row := range f {
		if ok, _ := path.Match(row.Pattern, name); ok {
			return row
		}
	}
	return nil
}

// keepOnly classifies name as necessary and every other name as marketing.
type keepOnly string

func (k keepOnly) MatchCookie(name string) *catalog.Cookie {
	if name == string(k) {
		return &catalog.Cookie{Pattern: name, Category: policy.Necessary}
	}
	return &catalog.Cookie{Pattern: "*", Category: policy.Marketing}
}

func row(pattern string, c policy.Category, paths ...string) *catalog.Cookie {
	return &catalog.Cookie{Pattern: pattern, Category: c, CategoryName: c.String(), Paths: paths}
}

var fake = fakeClassifier{
	row("wordpress_logged_in_*", policy.Necessary, "/wp-admin", "/wp-content/plugins"),
	row("PHPSESSID", policy.Necessary),
	row("pll_language", policy.Preferences),
	row("_ga", policy.Analytics),
	row("_ga_*", policy.Analytics),
	row("_gid", policy.Analytics),
	row("_fbp", policy.Marketing),
	row("tap_vid", policy.Marketing, "/shop"),
	row("__Host-mkt", policy.Marketing),
	row("__Secure-mkt", policy.Marketing),
	row("broken", 0), // a row whose category failed to resolve
}

// A nameless cookie whose value spells another name is sent back under that
// name (setcookie.SentName), so the firewall drops it like the cookie itself.
func TestNamelessDisguise(t *testing.T) {
	h := http.Header{"Set-Cookie": {"=_ga=GA1.2.3.4; Path=/", "PHPSESSID=abc"}}
	FilterSetCookie(h, policy.SetOf(policy.Necessary), catalog.Default(), true)
	if got := h["Set-Cookie"]; len(got) != 1 || got[0] != "PHPSESSID=abc" {
		t.Fatalf("after filtering: %q", got)
	}
}

func TestFilterSetCookie(t *testing.T) {
	analytics := policy.SetOf(policy.Necessary, policy.Analytics)
	tests := []struct {
		name        string
		lines       []string
		granted     policy.Set
		unknownOK   bool
		wantKept    []string
		wantDropped []Dropped
	}{
		{
			name:     "nothing to drop",
			lines:    []string{"PHPSESSID=abc; path=/; HttpOnly", "_ga=GA1.2.3; Max-Age=63072000"},
			granted:  analytics,
			wantKept: []string{"PHPSESSID=abc; path=/; HttpOnly", "_ga=GA1.2.3; Max-Age=63072000"},
		},
		{
			name: "attribute forms, only marketing dropped",
			lines: []string{
				"_ga=GA1.2.3; Domain=.example.com; Path=/",
				"_fbp=fb.1.2; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Path=/",
				"_gid=\"quoted, with comma\"; Max-Age=86400",
				"  tap_vid = 42 ;Path=/shop",
				"wordpress_logged_in_abc=u%7C1; path=/wp-content/plugins; secure; HttpOnly",
			},
			granted: analytics,
			wantKept: []string{
				"_ga=GA1.2.3; Domain=.example.com; Path=/",
				"_gid=\"quoted, with comma\"; Max-Age=86400",
				"wordpress_logged_in_abc=u%7C1; path=/wp-content/plugins; secure; HttpOnly",
			},
			wantDropped: []Dropped{{Name: "_fbp", Category: policy.Marketing}, {Name: "tap_vid", Category: policy.Marketing}},
		},
		{
			name:        "necessary only drops all optional",
			lines:       []string{"_ga_ABC123=GS1.1; Path=/", "pll_language=nb; Path=/", "PHPSESSID=1"},
			granted:     policy.SetOf(policy.Necessary),
			unknownOK:   true,
			wantKept:    []string{"PHPSESSID=1"},
			wantDropped: []Dropped{{Name: "_ga_ABC123", Category: policy.Analytics}, {Name: "pll_language", Category: policy.Preferences}},
		},
		{
			name:        "all dropped removes the header",
			lines:       []string{"_fbp=1", "_ga=2"},
			granted:     0,
			wantKept:    nil,
			wantDropped: []Dropped{{Name: "_fbp", Category: policy.Marketing}, {Name: "_ga", Category: policy.Analytics}},
		},
		{
			name:      "unknown allowed",
			lines:     []string{"mystery=1", "novalue", "=v"},
			granted:   0,
			unknownOK: true,
			wantKept:  []string{"mystery=1", "novalue", "=v"},
		},
		{
			name:        "unknown blocked, nameless too",
			lines:       []string{"mystery=1", "novalue; Path=/", "=v", "PHPSESSID=2"},
			granted:     policy.All,
			wantKept:    []string{"PHPSESSID=2"},
			wantDropped: []Dropped{{Name: "mystery", Unknown: true}, {Name: "", Unknown: true}, {Name: "", Unknown: true}},
		},
		{
			name:        "row without category fails closed",
			lines:       []string{"broken=1"},
			granted:     policy.All,
			unknownOK:   true,
			wantDropped: []Dropped{{Name: "broken"}},
		},
		{
			name:     "everything granted",
			lines:    []string{"_fbp=1", "_ga=2", "pll_language=en"},
			granted:  policy.All,
			wantKept: []string{"_fbp=1", "_ga=2", "pll_language=en"},
		},
		{
			name:        "same name twice",
			lines:       []string{"_fbp=1; Path=/", "PHPSESSID=x", "_fbp=2; Path=/a"},
			granted:     analytics,
			wantKept:    []string{"PHPSESSID=x"},
			wantDropped: []Dropped{{Name: "_fbp", Category: policy.Marketing}, {Name: "_fbp", Category: policy.Marketing}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{"Set-Cookie": slices.Clone(tt.lines), "Content-Type": {"text/html"}}
			dropped := FilterSetCookie(h, tt.granted, fake, tt.unknownOK)
			if got := h["Set-Cookie"]; !slices.Equal(got, tt.wantKept) {
				t.Errorf("kept %q, want %q", got, tt.wantKept)
			}
			if _, ok := h["Set-Cookie"]; ok != (len(tt.wantKept) > 0) {
				t.Errorf("Set-Cookie present = %v with %d kept lines", ok, len(tt.wantKept))
			}
			if !slices.Equal(dropped, tt.wantDropped) {
				t.Errorf("dropped %+v, want %+v", dropped, tt.wantDropped)
			}
			if h.Get("Content-Type") != "text/html" {
				t.Error("other headers touched")
			}
		})
	}
}

func TestFilterSetCookieNoHeader(t *testing.T) {
	h := http.Header{}
	if d := FilterSetCookie(h, 0, fake, false); d != nil || len(h) != 0 {
		t.Fatalf("empty header: dropped %v, header %v", d, h)
	}
	if d := FilterSetCookie(http.Header{"Set-Cookie": {"x=1"}}, 0, nil, false); len(d) != 1 || !d[0].Unknown {
		t.Fatalf("nil classifier: dropped %v, want x as unknown", d)
	}
}

func TestWithNecessaryKeepsConsentCookie(t *testing.T) {
	c := WithNecessary(fake, "consent")
	h := http.Header{"Set-Cookie": {"consent=MTc...; Path=/; HttpOnly; SameSite=Lax", "_fbp=1", "other=2"}}
	dropped := FilterSetCookie(h, 0, c, false)
	if got := h["Set-Cookie"]; !slices.Equal(got, []string{"consent=MTc...; Path=/; HttpOnly; SameSite=Lax"}) {
		t.Fatalf("kept %q, want the consent cookie alone", got)
	}
	if len(dropped) != 2 {
		t.Fatalf("dropped %+v", dropped)
	}
	// Without the wrapper the same config would drop it: the test above is not vacuous.
	h = http.Header{"Set-Cookie": {"consent=x"}}
	if FilterSetCookie(h, 0, fake, false) == nil {
		t.Fatal("consent cookie kept without WithNecessary")
	}
	if row := c.MatchCookie("_ga"); row == nil || row.Category != policy.Analytics {
		t.Fatalf("WithNecessary hides the wrapped classifier: %+v", row)
	}
}

func TestStripRequestCookies(t *testing.T) {
	analytics := policy.SetOf(policy.Necessary, policy.Analytics)
	tests := []struct {
		name      string
		lines     []string
		granted   policy.Set
		unknownOK bool
		want      []string
		removed   int
	}{
		{"nothing to strip", []string{"PHPSESSID=1; _ga=GA1.2"}, analytics, false, []string{"PHPSESSID=1; _ga=GA1.2"}, 0},
		{"odd spacing kept when nothing stripped", []string{"PHPSESSID=1;_ga=2 ;  _gid=3"}, analytics, false, []string{"PHPSESSID=1;_ga=2 ;  _gid=3"}, 0},
		{"middle", []string{"PHPSESSID=1; _fbp=fb.1; _ga=GA1.2"}, analytics, false, []string{"PHPSESSID=1; _ga=GA1.2"}, 1},
		{"first and last", []string{"_fbp=1; PHPSESSID=a=b; tap_vid=9"}, analytics, false, []string{"PHPSESSID=a=b"}, 2},
		{"quoted value kept byte for byte", []string{"_fbp=1; pll_language=\"nb\"; x=\"a b\""}, policy.SetOf(policy.Preferences), true, []string{"pll_language=\"nb\"; x=\"a b\""}, 1},
		{"whole line goes", []string{"_fbp=1; _ga=2", "PHPSESSID=1"}, 0, false, []string{"PHPSESSID=1"}, 2},
		{"all lines go", []string{"_fbp=1", "_ga=2; _gid=3"}, 0, false, nil, 3},
		{"unknown blocked", []string{"mystery=1; PHPSESSID=2; naked"}, policy.All, false, []string{"PHPSESSID=2"}, 2},
		{"unknown allowed", []string{"mystery=1; PHPSESSID=2; naked"}, policy.All, true, []string{"mystery=1; PHPSESSID=2; naked"}, 0},
		{"empty pairs dropped when rewriting", []string{";; _fbp=1;; PHPSESSID=2;"}, analytics, false, []string{"PHPSESSID=2"}, 1},
		{"duplicates", []string{"_fbp=1; _fbp=2; _ga=3"}, analytics, false, []string{"_ga=3"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{"Cookie": slices.Clone(tt.lines)}
			removed := StripRequestCookies(h, tt.granted, fake, tt.unknownOK)
			if removed != tt.removed {
				t.Errorf("removed %d, want %d", removed, tt.removed)
			}
			if got := h["Cookie"]; !slices.Equal(got, tt.want) {
				t.Errorf("Cookie = %q, want %q", got, tt.want)
			}
			if _, ok := h["Cookie"]; ok != (len(tt.want) > 0) {
				t.Errorf("Cookie present = %v", ok)
			}
			// What net/http parses from the result is exactly the kept cookies.
			r := &http.Request{Header: h}
			for _, ck := range r.Cookies() {
				if row := fake.MatchCookie(ck.Name); row != nil && !tt.granted.Has(row.Category) {
					t.Errorf("upstream still sees %s", ck.Name)
				}
			}
		})
	}
}

func TestExpire(t *testing.T) {
	const past = "; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT"
	analytics := policy.SetOf(policy.Necessary, policy.Analytics)
	tests := []struct {
		name     string
		cookie   []string
		host     string
		granted  policy.Set
		want     []string
		overflow int
	}{
		{
			name:    "www.example.co.uk stops before the public suffix",
			cookie:  []string{"_ga=GA1.2; PHPSESSID=1"},
			host:    "www.example.co.uk",
			granted: policy.SetOf(policy.Necessary),
			want: []string{
				"_ga=; Path=/" + past,
				"_ga=; Path=/; Domain=example.co.uk" + past,
				"_ga=; Path=/; Domain=www.example.co.uk" + past,
			},
		},
		{
			name:    "port, case and trailing dot",
			cookie:  []string{"_fbp=1"},
			host:    "Shop.Example.COM.:8443",
			granted: analytics,
			want: []string{
				"_fbp=; Path=/" + past,
				"_fbp=; Path=/; Domain=example.com" + past,
				"_fbp=; Path=/; Domain=shop.example.com" + past,
			},
		},
		{
			name:    "deep host walks every parent",
			cookie:  []string{"_fbp=1"},
			host:    "a.b.example.com",
			granted: analytics,
			want: []string{
				"_fbp=; Path=/" + past,
				"_fbp=; Path=/; Domain=example.com" + past,
				"_fbp=; Path=/; Domain=b.example.com" + past,
				"_fbp=; Path=/; Domain=a.b.example.com" + past,
			},
		},
		{
			name:    "catalog paths",
			cookie:  []string{"tap_vid=7"},
			host:    "example.no",
			granted: analytics,
			want: []string{
				"tap_vid=; Path=/" + past,
				"tap_vid=; Path=/; Domain=example.no" + past,
				"tap_vid=; Path=/shop" + past,
				"tap_vid=; Path=/shop; Domain=example.no" + past,
			},
		},
		{
			name:    "localhost is host-only",
			cookie:  []string{"_ga=1"},
			host:    "localhost:8080",
			granted: 0,
			want:    []string{"_ga=; Path=/" + past},
		},
		{
			name:    "IPv4 is host-only",
			cookie:  []string{"_ga=1"},
			host:    "192.0.2.7:80",
			granted: 0,
			want:    []string{"_ga=; Path=/" + past},
		},
		{
			name:    "IPv6 is host-only",
			cookie:  []string{"_ga=1"},
			host:    "[2001:db8::1]:443",
			granted: 0,
			want:    []string{"_ga=; Path=/" + past},
		},
		{
			name:    "a public suffix host is host-only",
			cookie:  []string{"_ga=1"},
			host:    "github.io",
			granted: 0,
			want:    []string{"_ga=; Path=/" + past},
		},
		{
			name:    "forged Host header never lands in a header",
			cookie:  []string{"_ga=1"},
			host:    "evil.com; Domain=x",
			granted: 0,
			want:    []string{"_ga=; Path=/" + past},
		},
		{
			name:    "malformed host with colons",
			cookie:  []string{"_ga=1"},
			host:    "evil.com:1:2",
			granted: 0,
			want:    []string{"_ga=; Path=/" + past},
		},
		{
			name:    "IPv6 with zone",
			cookie:  []string{"_ga=1"},
			host:    "[fe80::1%25eth0]:80",
			granted: 0,
			want:    []string{"_ga=; Path=/" + past},
		},
		{
			name:    "__Host- prefix: Secure, no Domain, Path=/",
			cookie:  []string{"__Host-mkt=1"},
			host:    "www.example.com",
			granted: analytics,
			want:    []string{"__Host-mkt=; Path=/" + past + "; Secure"},
		},
		{
			name:    "__Secure- prefix gets Secure on every variant",
			cookie:  []string{"__Secure-mkt=1"},
			host:    "example.com",
			granted: analytics,
			want: []string{
				"__Secure-mkt=; Path=/" + past + "; Secure",
				"__Secure-mkt=; Path=/; Domain=example.com" + past + "; Secure",
			},
		},
		{
			name:    "granted, necessary, unknown and nameless are left alone; duplicates once",
			cookie:  []string{"_ga=1; PHPSESSID=2; mystery=3; naked; _fbp=a", "_fbp=b"},
			host:    "localhost",
			granted: analytics,
			want:    []string{"_fbp=; Path=/" + past},
		},
		{
			name:    "nothing to expire",
			cookie:  []string{"PHPSESSID=1"},
			host:    "example.com",
			granted: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines, overflow := Expire(http.Header{"Cookie": tt.cookie}, tt.host, tt.granted, fake)
			if !slices.Equal(lines, tt.want) || overflow != tt.overflow {
				t.Fatalf("Expire = %q, %d\nwant     %q, %d", lines, overflow, tt.want, tt.overflow)
			}
			for _, l := range lines {
				checkExpiring(t, l)
			}
		})
	}
}

// checkExpiring parses a line as net/http does and checks it deletes a cookie.
func checkExpiring(t *testing.T, line string) {
	t.Helper()
	cks := (&http.Response{Header: http.Header{"Set-Cookie": {line}}}).Cookies()
	if len(cks) != 1 {
		t.Fatalf("%q does not parse as one cookie", line)
	}
	ck := cks[0]
	if ck.MaxAge >= 0 || ck.Value != "" || ck.Path == "" || ck.Expires.Year() != 1970 {
		t.Fatalf("%q does not delete: %+v", line, ck)
	}
	if strings.HasPrefix(ck.Name, "__Host-") && (ck.Domain != "" || ck.Path != "/" || !ck.Secure) {
		t.Fatalf("%q breaks the __Host- rules", line)
	}
}

func TestExpireCap(t *testing.T) {
	var names []string
	for i := range 30 {
		names = append(names, "_ga_"+strings.Repeat("X", i+1)+"=1")
	}
	h := http.Header{"Cookie": {strings.Join(names, "; ")}}
	// Three lines per cookie on www.example.com: 21 cookies fit in 64 lines.
	lines, overflow := Expire(h, "www.example.com", 0, fake)
	if len(lines) != 63 || overflow != 9 {
		t.Fatalf("got %d lines and overflow %d, want 63 and 9", len(lines), overflow)
	}
	if len(lines) > MaxExpireLines {
		t.Fatalf("%d lines over the cap", len(lines))
	}
	// A single cookie with more variants than the cap gets the cap, likeliest first.
	var paths []string
	for i := range 40 {
		paths = append(paths, "/p"+strings.Repeat("x", i))
	}
	big := fakeClassifier{row("big", policy.Marketing, paths...)}
	lines, overflow = Expire(http.Header{"Cookie": {"big=1"}}, "www.example.com", 0, big)
	if len(lines) != MaxExpireLines || overflow != 1 || lines[0] != "big=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT" {
		t.Fatalf("got %d lines (first %q), overflow %d", len(lines), lines[0], overflow)
	}
}

func FuzzSetCookieName(f *testing.F) {
	for _, s := range []string{"_ga=1; Path=/", " a = b ", "novalue", "=v", "a;b=c", "\t_x\t=\t;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		name := setcookie.Name(line)
		if strings.ContainsAny(name, ";=") {
			t.Fatalf("name %q of %q holds ; or =", name, line)
		}
		if name != strings.Trim(name, " \t") {
			t.Fatalf("name %q of %q not trimmed", name, line)
		}
		// The first pair must be exactly name, WSP, "=", value.
		first, _, _ := strings.Cut(line, ";")
		if n, _, ok := strings.Cut(first, "="); ok && strings.Trim(n, " \t") != name {
			t.Fatalf("setcookie.Name(%q) = %q, want %q", line, name, strings.Trim(n, " \t"))
		} else if !ok && name != "" {
			t.Fatalf("setcookie.Name(%q) = %q for a line without = in its first pair", line, name)
		}
		// Filtering by the name the browser will send it under (that name,
		// or for a nameless "=_ga=1" the name its value spells) keeps or
		// drops exactly that line.
		name = setcookie.SentName(line)
		h := http.Header{"Set-Cookie": {line, "keep=1"}}
		d := FilterSetCookie(h, policy.SetOf(policy.Necessary), keepOnly("keep"), true)
		if name == "keep" {
			if len(d) != 0 || len(h["Set-Cookie"]) != 2 {
				t.Fatalf("%q: dropped %v", line, d)
			}
		} else if len(d) != 1 || d[0].Name != name || !slices.Equal(h["Set-Cookie"], []string{"keep=1"}) {
			t.Fatalf("%q: dropped %v, kept %q", line, d, h["Set-Cookie"])
		}
	})
}

func BenchmarkFilterSetCookie(b *testing.B) {
	lines := []string{
		"PHPSESSID=8f2b1c; path=/; HttpOnly",
		"wordpress_logged_in_0123abcd=admin%7C1700000000%7Cabc; path=/wp-content/plugins; HttpOnly",
		"wordpress_test_cookie=WP%20Cookie%20check; path=/; secure",
		"pll_language=nb; expires=Wed, 21 Oct 2026 07:28:00 GMT; Max-Age=31536000; path=/",
		"_ga=GA1.1.1234567890.1700000000; Domain=.example.com; Path=/; Max-Age=63072000",
		"_ga_ABC123XYZ=GS1.1.1700000000.1.0.1700000000.0.0.0; Domain=.example.com; Path=/",
		"_gid=GA1.1.987654321.1700000000; Path=/; Max-Age=86400",
		"_fbp=fb.1.1700000000.123456789; Path=/; Max-Age=7776000",
		"tap_vid=abc123; Path=/; Max-Age=3888000",
		"woocommerce_items_in_cart=1; path=/",
	}
	work := make([]string, len(lines))
	h := http.Header{}
	run := func(b *testing.B, c Classifier, granted policy.Set) {
		b.ReportAllocs()
		for b.Loop() {
			copy(work, lines)
			h["Set-Cookie"] = work[:len(lines)]
			FilterSetCookie(h, granted, c, true)
		}
	}
	// The fake's path.Match dominates its timings; allocations are the point.
	b.Run("fake/all-granted", func(b *testing.B) { run(b, fake, policy.All) })
	b.Run("fake/necessary-only", func(b *testing.B) { run(b, fake, policy.SetOf(policy.Necessary)) })
}
