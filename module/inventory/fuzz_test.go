package inventory

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/samtykke/caddy-consent/internal/setcookie"
	"github.com/samtykke/caddy-consent/module/catalog"
)

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
			if c.Name == "" || len(c.Name) > maxNameLen+1 || c.MaxAge < 0 || c.MaxAge > int64(setcookie.MaxLifetime/time.Second) {
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
