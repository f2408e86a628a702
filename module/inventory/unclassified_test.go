package inventory

import (
	"strings"
	"testing"

	"github.com/samtykke/caddy-consent/module/banner"
	"github.com/samtykke/caddy-consent/module/catalog"
)

// Held third-party hosts are listed, by host, in the unclassified section of
// the declaration in every language.
func TestDeclarationListsUnclassifiedHosts(t *testing.T) {
	site := Site{Host: "www.example.com", UnknownHosts: []Host{{Host: "cdn.unknown-widget.test", Pages: 2}}}
	for _, lang := range banner.Languages() {
		out := string(DeclarationHTML(site, catalog.Default(), lang, true, ""))
		if !strings.Contains(out, "<code>cdn.unknown-widget.test</code>") || strings.Count(out, `id="consent-decl-unclassified"`) != 1 {
			t.Errorf("%s: hosts not listed once under unclassified:\n%s", lang, out)
		}
	}
	if out := string(DeclarationHTML(Site{Host: "www.example.com"}, catalog.Default(), "en", true, "")); strings.Contains(out, "consent-decl-unclassified") {
		t.Error("an unclassified section without anything unclassified")
	}
}
