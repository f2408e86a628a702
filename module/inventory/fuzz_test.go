package inventory

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/firewall"
)

// FuzzParseSetCookie checks the attribute parser's invariants on any line, and
// compares it with net/http's parser where both read the same grammar.
func FuzzParseSetCookie(f *testing.F) {
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
		sc := ParseSetCookie(line, now)
		if sc.Name != firewall.SetCookieName(line) {
			t.Fatalf("name %q, firewall reads %q", sc.Name, firewall.SetCookieName(line))
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

// FuzzCookieDate checks the RFC 6265 date parser: what it reads survives a
// round trip through the canonical form, and every date net/http reads
// (RFC 1123, RFC 850, ANSI C) it reads the same.
func FuzzCookieDate(f *testing.F) {
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

// FuzzObserveSetCookie feeds any line to an inventory: nothing panics, the
// bounds hold, and a record survives its JSON round trip (what Flush stores
// is what Load restores).
func FuzzObserveSetCookie(f *testing.F) {
	f.Add("www.example.com", "_ga=1; Max-Age=100; Domain=example.com; Path=/a")
	f.Add("Example.com:443", "sess_0123456789abcdef0123456789abcdef=1; HttpOnly")
	f.Add("[::1]", "a*=1; SameSite=none; Secure")
	f.Add("x", "wordpress_logged_in_x=1; Expires=Wed, 21 Oct 2099 07:28:00 GMT")
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, host, line string) {
		inv := New(catalog.Default(), Options{MaxCookies: 4})
		lines := strings.Split(line, "\n")
		inv.ObserveSetCookie(host, lines, now)
		inv.ObserveSetCookie(host, lines, now.Add(time.Second))
		s := inv.Snapshot(host)
		if len(s.Cookies) > 4 {
			t.Fatalf("%d cookies beyond the bound", len(s.Cookies))
		}
		for _, c := range s.Cookies {
			if c.Name == "" || len(c.Name) > maxNameLen+1 || c.MaxAge < 0 || c.MaxAge > int64(MaxLifetime/time.Second) {
				t.Fatalf("entry %+v", c)
			}
		}
		if s.Host == "" {
			return
		}
		data, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		var rec Site
		if err := json.Unmarshal(data, &rec); err != nil {
			t.Fatal(err)
		}
		back := New(catalog.Default(), Options{MaxCookies: 4})
		back.merge(&rec)
		again, _ := json.Marshal(back.Snapshot(host))
		if string(again) != string(data) {
			t.Fatalf("round trip changed the record:\n%s\n%s", data, again)
		}
		if inv.Version(host, "v") != back.Version(host, "v") {
			t.Fatal("round trip changed the version")
		}
	})
}
