package setcookie

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestName(t *testing.T) {
	tests := []struct{ line, want string }{
		{"_ga=GA1.2.3.4", "_ga"},
		{"_ga=GA1.2.3.4; Domain=.example.com; Path=/; Max-Age=63072000", "_ga"},
		{"_gid=x; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Path=/", "_gid"},
		{"_ga=\"quoted;value\"; Path=/", "_ga"},
		{"_ga=a=b=c", "_ga"},
		{"  _ga \t= 1", "_ga"},
		{"\t_ga=1", "_ga"},
		{"wordpress_logged_in_0123abcd=admin%7C1700000000%7Cx; path=/wp-content/plugins; HttpOnly", "wordpress_logged_in_0123abcd"},
		{"=value", ""},
		{"=", ""},
		{"", ""},
		{"novalue", ""},      // RFC 6265bis: a nameless cookie whose value is "novalue"
		{"novalue; a=b", ""}, // the "=" after ";" is an attribute, not the name
		{";_ga=1", ""},
		{"na me=1", "na me"},
		{"crisp-client/session/abc=1", "crisp-client/session/abc"},
		{"ÆØÅ=1", "ÆØÅ"},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			if got := Name(tt.line); got != tt.want {
				t.Fatalf("Name(%q) = %q, want %q", tt.line, got, tt.want)
			}
		})
	}
}

func TestSentName(t *testing.T) {
	for line, want := range map[string]string{
		"_ga=GA1.2.3.4":          "_ga",
		"=_ga=GA1.2.3.4; Path=/": "_ga", // security audit L4: sent back as _ga=GA1.2.3.4
		"= _fbp =fb.1":           "_fbp",
		"=value":                 "",
		"novalue":                "",
		"=; _ga=1":               "",
	} {
		if got := SentName(line); got != want {
			t.Errorf("SentName(%q) = %q, want %q", line, got, want)
		}
	}
}

func TestPairs(t *testing.T) {
	var got []string
	for rest, more := " a=1;b = 2 ;\tnovalue;; =v ;c=x=y", true; more; {
		var pair string
		pair, rest, more = NextPair(rest)
		got = append(got, pair+"|"+PairName(pair))
	}
	want := []string{"a=1|a", "b = 2|b", "novalue|", "|", "=v|", "c=x=y|c"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("pairs %q, want %q", got, want)
	}
}

// FuzzName checks the name reader's invariants on any line.
func FuzzName(f *testing.F) {
	for _, s := range []string{"_ga=1; Path=/", " a = b ", "novalue", "=v", "a;b=c", "\t_x\t=\t;", "==_ga=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		name := Name(line)
		if strings.ContainsAny(name, ";=") {
			t.Fatalf("name %q of %q holds ; or =", name, line)
		}
		if name != strings.Trim(name, " \t") {
			t.Fatalf("name %q of %q not trimmed", name, line)
		}
		// The first pair must be exactly name, WSP, "=", value.
		first, _, _ := strings.Cut(line, ";")
		if n, _, ok := strings.Cut(first, "="); ok && strings.Trim(n, " \t") != name {
			t.Fatalf("Name(%q) = %q, want %q", line, name, strings.Trim(n, " \t"))
		} else if !ok && name != "" {
			t.Fatalf("Name(%q) = %q for a line without = in its first pair", line, name)
		}
		// The name it is sent back under is Name unless that is empty, and a
		// Cookie header pair made of it reads back as that name.
		sent := SentName(line)
		if name != "" && sent != name || strings.ContainsAny(sent, ";=") {
			t.Fatalf("SentName(%q) = %q, Name %q", line, sent, name)
		}
		if sent != "" && !strings.ContainsAny(sent, "\t ") {
			if pair, _, _ := NextPair(sent + "=v; x=y"); PairName(pair) != sent {
				t.Fatalf("pair of %q reads back as %q", sent, PairName(pair))
			}
		}
	})
}

// FuzzParse checks the attribute parser's invariants on any line, and
// compares it with net/http's parser where both read the same grammar.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"_ga=GA1.1.1.1; Max-Age=63072000; Domain=.example.com; Path=/; SameSite=Lax",
		"wordpress_logged_in_abc=v; path=/; secure; HttpOnly",
		"a=b; Expires=Wed, 21 Oct 2015 07:28:00 GMT",
		"a=b; expires=Thursday, 01-Jan-70 00:00:01 GMT; max-age=x",
		"a=b; Max-Age=-5",
		"a=b; Max-Age=99999999999999999999999",
		"a=b;;; ;Secure=no; HttpOnly ; samesite = NONE",
		"=novalue; Path=/x?y#z",
		"a=b; Path=relative; Domain=",
	} {
		f.Add(s)
	}
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, line string) {
		sc := Parse(line, now)
		if sc.Name != Name(line) {
			t.Fatalf("name %q, Name reads %q", sc.Name, Name(line))
		}
		if sc.Lifetime < 0 || sc.Lifetime > MaxLifetime || sc.Lifetime%time.Second != 0 {
			t.Fatalf("lifetime %v out of range", sc.Lifetime)
		}
		if sc.Session && (sc.Lifetime != 0 || sc.Delete) || sc.Delete && sc.Lifetime != 0 ||
			!sc.Session && !sc.Delete && sc.Lifetime == 0 {
			t.Fatalf("inconsistent lifetime: %+v", sc)
		}
		if sc.Path != "" && (sc.Path[0] != '/' || strings.ContainsAny(sc.Path, "?#")) {
			t.Fatalf("path %q", sc.Path)
		}
		for _, s := range []string{sc.Path, sc.Domain} {
			if !strings.Contains(line, s) {
				t.Fatalf("%q is not from the line", s)
			}
		}
		switch sc.SameSite {
		case "", "strict", "lax", "none":
		default:
			t.Fatalf("same site %q", sc.SameSite)
		}

		// net/http trims more than WSP, and does not trim around "=" as
		// RFC 6265bis §5.6 says; compare where neither difference applies.
		for i := 0; i < len(line); i++ {
			if line[i] < 0x20 || line[i] >= 0x7f {
				return
			}
		}
		if strings.Contains(line, " =") || strings.Contains(line, "= ") {
			return
		}
		c, err := http.ParseSetCookie(line)
		if err != nil || c.Name != sc.Name {
			return
		}
		if c.HttpOnly != sc.HTTPOnly || c.Secure != sc.Secure {
			t.Fatalf("HttpOnly/Secure %v/%v, net/http %v/%v", sc.HTTPOnly, sc.Secure, c.HttpOnly, c.Secure)
		}
		want := map[http.SameSite]string{http.SameSiteStrictMode: "strict", http.SameSiteLaxMode: "lax", http.SameSiteNoneMode: "none"}[c.SameSite]
		if want != sc.SameSite {
			t.Fatalf("SameSite %q, net/http %v", sc.SameSite, c.SameSite)
		}
	})
}

// FuzzDate checks the RFC 6265 date parser: what it reads survives a
// round trip through the canonical form, and every date net/http reads
// (RFC 1123, RFC 850, ANSI C) it reads the same.
func FuzzDate(f *testing.F) {
	for _, s := range []string{
		"Wed, 21 Oct 2015 07:28:00 GMT",
		"Wednesday, 21-Oct-15 07:28:00 GMT",
		"Wed Oct 21 07:28:00 2015",
		"21 oct 2015 7:28:0",
		"Thu, 31 Apr 2025 00:00:00 GMT",
		"Sat, 01 Jan 1600 00:00:00 GMT",
		"Fri, 31 Dec 9999 23:59:59 GMT",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseCookieDate(s)
		if ok {
			if got.Year() < 1601 || got.Location() != time.UTC {
				t.Fatalf("%q gives %v", s, got)
			}
			again, ok2 := parseCookieDate(got.Format(http.TimeFormat))
			if !ok2 || !again.Equal(got) {
				t.Fatalf("%q gives %v, which reads back as %v, %v", s, got, again, ok2)
			}
		}
		want, err := http.ParseTime(s)
		if err != nil || want.Year() < 1601 || want.Year() > 9999 || strings.ContainsAny(s, "+-") {
			return // outside the cookie-date grammar, or a numeric zone offset
		}
		if !ok || !got.Equal(want.UTC().Truncate(time.Second)) {
			t.Fatalf("%q: got %v, %v; net/http reads %v", s, got, ok, want.UTC())
		}
	})
}
