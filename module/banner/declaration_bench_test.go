package banner_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/inventory"
)

func BenchmarkDeclarationHTML(b *testing.B) {
	site := declSite(b)
	b.ReportAllocs()
	for b.Loop() {
		declarationHTML(site, catalog.Default(), "nb", false, "/personvern")
	}
}

// BenchmarkDeclarationAtBound renders the declaration of a site at the
// cookie bound: 512 unclassified names of 250 bytes (security audit L9: the
// sort lowercased both names in every comparison, 60 requests/s).
func BenchmarkDeclarationAtBound(b *testing.B) {
	inv := inventory.New(nil, inventory.Options{})
	now := time.Now()
	for i := range inventory.DefaultMaxCookies {
		name := fmt.Sprintf("Unknown_%03d_%s", (i*7919)%inventory.DefaultMaxCookies, strings.Repeat("x", 238))
		inv.ObserveSetCookie("www.example.com", []string{name + "=1; Path=/"}, now)
	}
	site := inv.Snapshot("www.example.com")
	if len(site.Cookies) < 400 {
		b.Fatalf("%d cookies recorded", len(site.Cookies))
	}
	b.ReportAllocs()
	for b.Loop() {
		declarationHTML(site, catalog.Default(), "nb", false, "/personvern")
	}
}
