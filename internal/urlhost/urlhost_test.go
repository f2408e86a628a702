package urlhost

import (
	"net/url"
	"strings"
	"testing"
)

func TestURLHost(t *testing.T) {
	for in, want := range map[string]string{
		"https://www.googletagmanager.com/gtag/js?id=G-1": "www.googletagmanager.com",
		"HTTP://Example.COM":                              "Example.COM",
		"//cdn.example/x.js":                              "cdn.example",
		"https://user:pw@host.example:8443/x":             "host.example",
		"https://[2001:db8::1]:443/x":                     "[2001:db8::1]",
		"https://[2001:db8::1]/x":                         "[2001:db8::1]",
		"https://a.example\\evil.example/":                "a.example",
		"https://a.example?x":                             "a.example",
		"https://a.example#x":                             "a.example",
		"https://a@b@c.example/":                          "c.example",
		"https://example.com./x":                          "example.com.",
		"/local.js":                                       "<nil>",
		"local.js":                                        "<nil>",
		"https://":                                        "<nil>",
		"https://?x":                                      "<nil>",
		"//":                                              "<nil>",
		"ftp://a.example/":                                "<nil>",
		"data:text/javascript,1":                          "<nil>",
		"javascript:alert(1)":                             "<nil>",
		"#top":                                            "<nil>",
		"":                                                "<nil>",
		// What browsers repair names the host they load from.
		"  https://pad.example/x  ": "pad.example",
		"\x01https://c0.example/x":  "c0.example",
		"https:///three.example/x":  "three.example",
		"https:\\\\back.example/x":  "back.example",
		"\\\\back.example/x":        "back.example",
		"/\\mixed.example/x":        "mixed.example",
		"HtTpS:noslash.example/x":   "noslash.example",
		"https+x://a.example/":      "<nil>",
		"1http://a.example/":        "<nil>",
	} {
		got := "<nil>"
		if h, ok := URLHost(in); ok {
			got = h
		}
		if got != want {
			t.Errorf("URLHost(%q) = %q, want %q", in, got, want)
		}
		// The bytes form agrees.
		gotB := "<nil>"
		if h, ok := URLHost([]byte(in)); ok {
			gotB = string(h)
		}
		if gotB != got {
			t.Errorf("URLHost([]byte(%q)) = %q, string form %q", in, gotB, got)
		}
	}
}

func TestNamesHost(t *testing.T) {
	for in, want := range map[string]bool{
		"https://a.example/":  true,
		"HTTP://a.example":    true,
		"//a.example/x":       true,
		"\\\\a.example/x":     true,
		" \t//a.example/x":    true,
		"https:a.example":     true,
		"/path":               false,
		"path":                false,
		"#frag":               false,
		"data:image/png,1":    false,
		"blob:https://a.ex/1": false,
		"about:blank":         false,
		"https://":            false,
		"https:":              false,
		"":                    false,
	} {
		if got := NamesHost([]byte(in)); got != want {
			t.Errorf("NamesHost(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestNormalise(t *testing.T) {
	for in, want := range map[string]string{
		"example.com":            "example.com",
		"Example.COM:8443":       "example.com",
		"example.com.":           "example.com",
		"EXAMPLE.com.:80":        "example.com",
		"[::1]:80":               "::1",
		"[::1]":                  "::1",
		"[2001:DB8::1]":          "2001:db8::1",
		"2001:db8::1":            "2001:db8::1",
		"192.0.2.1:443":          "192.0.2.1",
		"under_score.example":    "under_score.example",
		"localhost":              "localhost",
		"":                       "",
		":80":                    "",
		".":                      "",
		"..example.com":          "",
		"a..example.com":         "",
		".example.com":           "",
		"-a.example.com":         "",
		"example.com..":          "",
		"ex ample.com":           "",
		"ex%41mple.com":          "",
		"example.com/evil":       "",
		"[::1":                   "",
		"[fe80::1%eth0]":         "",
		"a:b:c":                  "",
		"[not-an-ip]":            "not-an-ip",
		strings.Repeat("a", 254): "",
		strings.Repeat("a", 253): strings.Repeat("a", 253),
	} {
		if got := NormaliseString(in); got != want {
			t.Errorf("NormaliseString(%q) = %q, want %q", in, got, want)
		}
	}
}

// A lower-case host comes back as itself, not copied.
func TestNormaliseNoCopy(t *testing.T) {
	var buf [MaxLen]byte
	in := "www.example.com:443"
	h, ok := Normalise(in, &buf)
	if !ok || h != "www.example.com" || &[]byte(h)[0] == &buf[0] {
		t.Errorf("Normalise(%q) = %q, %v", in, h, ok)
	}
	if n := testing.AllocsPerRun(100, func() { Normalise("WWW.Example.com:443", &buf) }); n != 0 {
		t.Errorf("Normalise allocates %v times", n)
	}
	if n := testing.AllocsPerRun(100, func() { NormaliseString("www.example.com:443") }); n != 0 {
		t.Errorf("NormaliseString of a lower-case host allocates %v times", n)
	}
}

func TestValid(t *testing.T) {
	for in, want := range map[string]bool{
		"example.com":            true,
		"a-b_c.example":          true,
		"localhost":              true,
		"192.0.2.1":              true,
		"Example.com":            false,
		"":                       false,
		"-example.com":           false,
		".example.com":           false,
		"example.com.":           false,
		"a..b":                   false,
		"a b":                    false,
		"a;b":                    false,
		"a,b":                    false,
		"'self'":                 false,
		"::1":                    false,
		strings.Repeat("a", 254): false,
	} {
		if got := Valid(in); got != want {
			t.Errorf("Valid(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestRegistrableAndSameSite(t *testing.T) {
	for _, tc := range []struct {
		host, domain string
		ok           bool
	}{
		{"www.example.com", "example.com", true},
		{"example.com", "example.com", true},
		{"a.b.example.co.uk", "example.co.uk", true},
		{"localhost", "", false},
		{"com", "", false},
		{"co.uk", "", false},
		{"192.0.2.1", "", false},
		{"::1", "", false},
	} {
		d, ok := Registrable(tc.host)
		if d != tc.domain || ok != tc.ok {
			t.Errorf("Registrable(%q) = %q, %v; want %q, %v", tc.host, d, ok, tc.domain, tc.ok)
		}
	}
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"static.example.com", "www.example.com", true},
		{"Static.Example.com:443", "example.com.", true},
		{"cdn.other.example", "www.example.com", false},
		{"localhost", "localhost:8080", true},
		{"a.localhost", "localhost", false},
		{"192.0.2.1", "192.0.2.2", false},
		{"[::1]:80", "::1", true},
		{"", "", false},
		{"evil.example%2f", "evil.example", false},
	} {
		if got := SameSite(tc.a, tc.b); got != tc.want {
			t.Errorf("SameSite(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestIsPublicSuffix(t *testing.T) {
	for in, want := range map[string]bool{
		"com": true, "co.uk": true, "github.io": true,
		"example.com": false, "localhost": false, "cdn.example.net": false,
	} {
		if got := IsPublicSuffix(in); got != want {
			t.Errorf("IsPublicSuffix(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestUnder(t *testing.T) {
	for _, tc := range []struct {
		host, d string
		want    bool
	}{
		{"example.com", "example.com", true},
		{"WWW.Example.com", "example.com", true},
		{"a.b.example.com", "example.com", true},
		{"badexample.com", "example.com", false},
		{"example.com", "www.example.com", false},
		{"xexample.com", "example.com", false},
		{"", "example.com", false},
	} {
		if got := Under([]byte(tc.host), tc.d); got != tc.want {
			t.Errorf("Under(%q, %q) = %v, want %v", tc.host, tc.d, got, tc.want)
		}
	}
}

func TestDomainMatch(t *testing.T) {
	tests := []struct {
		host, domain string
		want         bool
	}{
		{"example.com", "example.com", true},
		{"www.example.com", "example.com", true},
		{"www.example.com", "EXAMPLE.com", true},
		{"www.example.com", "example.com.", true},
		{"www.example.com", "www.example.com", true},
		{"example.com", "www.example.com", false},
		{"badexample.com", "example.com", false},
		{"www.example.com", "com", false},
		{"www.example.co.uk", "co.uk", false},
		{"localhost", "localhost", true},
		{"192.0.2.1", "192.0.2.1", true},
		{"192.0.2.1", "0.2.1", false},
		{"::1", "1", false},
	}
	for _, tt := range tests {
		if got := DomainMatch(tt.host, tt.domain); got != tt.want {
			t.Errorf("DomainMatch(%q, %q) = %v, want %v", tt.host, tt.domain, got, tt.want)
		}
	}
}

func TestWildcard(t *testing.T) {
	for _, tc := range []struct {
		pattern, host string
		want          bool
	}{
		{"*.example.com", "www.example.com", true},
		{"*.example.com", "example.com", false},
		{"*.example.com", "a.b.example.com", false},
		{"*.example.com", ".example.com", false},
		{"*.*.example.com", "a.b.example.com", true},
		{"www.*.com", "www.example.com", true},
		{"example.com", "example.com", true},
		{"*", "localhost", true},
		{"*", "", false},
	} {
		if got := Wildcard(tc.pattern, tc.host); got != tc.want {
			t.Errorf("Wildcard(%q, %q) = %v, want %v", tc.pattern, tc.host, got, tc.want)
		}
	}
}

func TestPlainPrefix(t *testing.T) {
	for in, want := range map[string]string{
		"https://cdn.example.com/x.js":   "https://cdn.example.com/",
		"http://cdn.example.com/a/b":     "http://cdn.example.com/",
		"//cdn.example.com/x.js":         "//cdn.example.com/",
		"https://cdn.example.com":        "", // no path follows
		"https://cdn.example.com./x":     "", // trailing dot: not the host's own spelling
		"//.0/":                          "",
		"https://a..b/x":                 "",
		"https://-a.b/x":                 "",
		"https://a-.b-c/x":               "https://a-.b-c/",
		"https://CDN.example.com/x":      "",
		"https://cdn.example.com:443/x":  "",
		"https://u@cdn.example.com/x":    "",
		"https://cdn%2eexample.com/x":    "",
		"https://cdn.example.com?x/y":    "",
		"https:///cdn.example.com/x":     "",
		"https:\\\\cdn.example.com/x":    "",
		"HTTPS://cdn.example.com/x":      "",
		"/local/x.js":                    "",
		"https://cdn.exa\tmple.com/x.js": "",
	} {
		if got := PlainPrefix(in); got != want {
			t.Errorf("PlainPrefix(%q) = %q, want %q", in, got, want)
		}
		if got := string(PlainPrefix([]byte(in))); got != want {
			t.Errorf("PlainPrefix([]byte(%q)) = %q, want %q", in, got, want)
		}
	}
}

func TestEqualFold(t *testing.T) {
	for _, tc := range []struct {
		b, s string
		want bool
	}{
		{"https://", "https://", true},
		{"HTTPS://", "https://", true},
		{"hTtP://", "HTTP://", true},
		{"http://", "https://", false},
		{"", "", true},
		{"[", "{", false}, // 0x5b and 0x7b differ by 0x20 but are not letters
		{"@", "`", false},
		{"\xc5", "\xe5", false}, // Å and å in Latin-1: ASCII only
	} {
		if got := EqualFold([]byte(tc.b), tc.s); got != tc.want {
			t.Errorf("EqualFold(%q, %q) = %v, want %v", tc.b, tc.s, got, tc.want)
		}
	}
}

// The readers are on the rewriter's path for every URL: none may allocate.
func TestNoAllocs(t *testing.T) {
	u := []byte("HTTPS://User@CDN.Example.com:443/x.js?y#z")
	if n := testing.AllocsPerRun(100, func() {
		h, _ := URLHost(u)
		_ = Under(h, "example.com")
		_ = PlainPrefix(u)
		_ = NamesHost(u)
	}); n != 0 {
		t.Errorf("URL readers allocate %v times", n)
	}
}

// referenceHost is what net/url makes of an absolute http(s) URL in the
// plain form both parsers read alike, normalised; ok is false when the URL
// is outside that form or net/url refuses it.
func referenceHost(s string) (string, bool) {
	if !strings.HasPrefix(s, "http://") && !strings.HasPrefix(s, "https://") {
		return "", false
	}
	// Browsers repair or decode these and net/url does not (or the other
	// way round): backslashes, controls and spaces, escapes, slashes before
	// the authority.
	if strings.ContainsAny(s, "\\%") || strings.Contains(s, ":///") {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return "", false
		}
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", false
	}
	h := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if !Valid(h) && !(strings.Contains(h, ":") && IsIP(h)) {
		return "", false
	}
	return h, true
}

// FuzzHost checks the readers against net/url where both read a URL alike,
// and their own invariants everywhere.
func FuzzHost(f *testing.F) {
	for _, s := range []string{
		"https://www.example.com/x.js?y",
		"HTTP://User:pw@Example.COM:8080/",
		"//cdn.example/x",
		"https://[2001:db8::1]:443/x",
		"https:\\\\evil.example/",
		"  https:///a.example./x",
		"https://a@b@c.example#x",
		"data:text/plain,x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		host, ok := URLHost(s)
		var buf [MaxLen]byte
		norm, nok := Normalise(host, &buf)
		if ref, rok := referenceHost(s); rok {
			if !ok || !nok || norm != ref {
				t.Fatalf("URLHost(%q) = %q, %v → Normalise %q, %v; net/url reads %q", s, host, ok, norm, nok, ref)
			}
		}
		if hb, okb := URLHost([]byte(s)); okb != ok || string(hb) != host {
			t.Fatalf("URLHost: bytes %q, %v; string %q, %v", hb, okb, host, ok)
		}
		if ok != NamesHost(s) && ok {
			t.Fatalf("URLHost(%q) found %q but NamesHost says no host", s, host)
		}
		// Normalise gives a valid name or an IP address, and is idempotent.
		if n, ok := Normalise(s, &buf); ok {
			if !Valid(n) && !IsIP(n) {
				t.Fatalf("Normalise(%q) = %q: neither a valid name nor an IP", s, n)
			}
			if again := NormaliseString(n); again != n {
				t.Fatalf("Normalise(%q) = %q, again %q", s, n, again)
			}
		}
		// A plain prefix stands for its host: the URL's host is the one in it.
		if p := PlainPrefix(s); p != "" {
			h, ok := URLHost(s)
			if !ok || !strings.HasSuffix(p, "/"+h+"/") || len(h) <= MaxLen && !Valid(h) {
				t.Fatalf("PlainPrefix(%q) = %q, URLHost %q, %v", s, p, h, ok)
			}
		}
	})
}

// The fuzzer's reference reads the plain forms, so its comparison runs.
func TestReferenceHost(t *testing.T) {
	for in, want := range map[string]string{
		"https://User@Example.COM:8080/x?y": "example.com",
		"http://[2001:DB8::1]/":             "2001:db8::1",
		"https://example.com./":             "example.com",
	} {
		if got, ok := referenceHost(in); !ok || got != want {
			t.Errorf("referenceHost(%q) = %q, %v; want %q", in, got, ok, want)
		}
		host, _ := URLHost(in)
		if got := NormaliseString(host); got != want {
			t.Errorf("NormaliseString(URLHost(%q)) = %q, want %q", in, got, want)
		}
	}
}
