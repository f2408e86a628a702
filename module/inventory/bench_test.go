package inventory

import (
	"testing"
	"time"

	"github.com/samtykke/caddy-consent/module/catalog"
)

// A WordPress response with the usual cookies, seen before: the hot path.
func BenchmarkObserveSetCookie(b *testing.B) {
	inv := New(catalog.Default(), Options{})
	lines := []string{
		"wordpress_logged_in_0123456789abcdef0123456789abcdef=v; path=/; secure; HttpOnly",
		"_ga=GA1.1.1.1; Expires=Sun, 01 Mar 2026 12:00:00 GMT; Domain=.example.com; Path=/; SameSite=Lax",
		"pll_language=nb; Max-Age=31536000; Path=/",
	}
	inv.ObserveSetCookie("www.example.com", lines, t0)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		now := t0
		for pb.Next() {
			now = now.Add(time.Millisecond)
			inv.ObserveSetCookie("www.example.com", lines, now)
		}
	})
}

func BenchmarkObservePage(b *testing.B) {
	inv := New(catalog.Default(), Options{})
	cat := catalog.Default()
	found := []*catalog.Service{cat.Service("google-analytics"), cat.Service("google-tag-manager"), cat.Service("youtube"), cat.Service("meta-pixel")}
	inv.ObservePage("www.example.com", found, nil, t0)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			inv.ObservePage("www.example.com", found, nil, t0)
		}
	})
}

func BenchmarkVersion(b *testing.B) {
	inv := New(catalog.Default(), Options{})
	inv.ObservePage("www.example.com", []*catalog.Service{catalog.Default().Service("youtube")}, nil, t0)
	b.ReportAllocs()
	for b.Loop() {
		inv.Version("www.example.com", "auto")
	}
}
