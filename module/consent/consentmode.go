package consent

import (
	"strings"

	"github.com/samtykke/caddy-consent/module/policy"
)

// Google Consent Mode v2 storage types and the category that grants each
// (research/rules-and-catalog.md §3.1).
var consentModeTypes = []struct {
	name     string
	category policy.Category
}{
	{"ad_storage", policy.Marketing},
	{"ad_user_data", policy.Marketing},
	{"ad_personalization", policy.Marketing},
	{"analytics_storage", policy.Analytics},
	{"functionality_storage", policy.Preferences},
	{"personalization_storage", policy.Preferences},
	{"security_storage", policy.Necessary},
}

// consentModeScript is inserted before the first Google tag: every type denied
// by default, then, once the visitor has chosen, an update with what they granted.
func consentModeScript(ex *exchange) []byte {
	var b strings.Builder
	b.WriteString(`<script data-consent-mode`)
	if ex.scriptNonce != "" {
		b.WriteString(` nonce="` + ex.scriptNonce + `"`) // validNonce: no quote or markup
	}
	b.WriteString(`>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}gtag("consent","default",{`)
	for i, t := range consentModeTypes {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(t.name)
		b.WriteString(`:"denied"`)
	}
	b.WriteString(`,wait_for_update:500});`)
	if ex.decided {
		b.WriteString(`gtag("consent","update",{`)
		for i, t := range consentModeTypes {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(t.name)
			if ex.granted.Has(t.category) {
				b.WriteString(`:"granted"`)
			} else {
				b.WriteString(`:"denied"`)
			}
		}
		b.WriteString(`});`)
	}
	b.WriteString(`</script>`)
	return []byte(b.String())
}
