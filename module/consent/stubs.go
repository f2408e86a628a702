package consent

import (
	"strings"

	"github.com/samtykke/caddy-consent/module/policy"
)

// Inert stand-ins for the globals of blocked trackers (part of the page's
// <head>, before its first script): a page's own code calls ga(), fbq(),
// _gaq.push() and the like, and must not throw when the tracker that
// defines them is held. Each stub is one callable Proxy that swallows
// calls and property reads (no queue: nothing is replayed after consent). A
// stub is defined only where the global is undefined, and only for
// categories not granted. When the banner script reports a consent update
// (it pushes gtag's "consent","update" to dataLayer before it restores
// anything), the stubs of the granted categories are set back to
// undefined, so that the vendors' own loaders, restored in place, still
// initialise: Meta's returns early when window.fbq exists, analytics.js and
// ga.js keep an existing ga or _gaq.

// trackerGlobals are the stubbed names, by the category whose trackers
// define them.
var trackerGlobals = []struct {
	cat   policy.Category
	names []string
}{
	{policy.Analytics, []string{"ga", "__gaTracker", "gtag", "_gaq", "_paq", "hj", "clarity", "_kmq", "mixpanel", "amplitude"}},
	{policy.Marketing, []string{"fbq", "_fbq", "twq", "ttq", "lintrk", "_linkedin_data_partner_ids", "uetq", "_qevents",
		"snaptr", "pintrk", "rdt", "qp", "_hsq", "obApi", "_tfa", "criteo_q"}},
}

// consentModeKey is the Consent Mode type that says a category is granted
// in the update the banner script pushes.
var consentModeKey = map[policy.Category]string{policy.Analytics: "analytics_storage", policy.Marketing: "ad_storage"}

// stubScripts holds the stubs' JavaScript per granted set (nil when nothing
// needs a stub), built once.
var stubScripts = func() (out [policy.All + 1]string) {
	for g := range out {
		granted := policy.Set(g)
		var names strings.Builder
		for _, tg := range trackerGlobals {
			if granted.Has(tg.cat) {
				continue
			}
			for _, n := range tg.names {
				if names.Len() > 0 {
					names.WriteByte(',')
				}
				names.WriteString(n + `:"` + consentModeKey[tg.cat] + `"`)
			}
		}
		if names.Len() == 0 {
			continue
		}
		// dataLayer is an accessor, so that a page that assigns a new array
		// (dataLayer=[{…}] before its tag manager) keeps the hook.
		out[g] = `(function(w){var u,n,L,c={` + names.String() + `},` +
			`p=new Proxy(function(){},{get:function(t,k){return typeof k=="symbol"||k in t||k=="then"?t[k]:p},apply:function(){return p}});` +
			`function h(a){var P=a&&a.push;if(P&&!a.c$)a.c$=a.push=function(x){if(x&&x[0]=="consent"&&x[1]=="update"&&x[2])for(n in c)if(w[n]===p&&x[2][c[n]]=="granted")w[n]=u;return P.apply(a,arguments)}}` +
			`for(n in c)if(w[n]===u)w[n]=p;` +
			`h(L=w.dataLayer||[]);` +
			`Object.defineProperty(w,"dataLayer",{configurable:true,enumerable:true,get:function(){return L},set:function(v){h(L=v)}})` +
			`})(window)`
	}
	return out
}()

// stubTags are the <script> elements of stubScripts without a nonce, so
// that most responses share them.
var stubTags = func() (out [policy.All + 1][]byte) {
	for g, js := range stubScripts {
		if js != "" {
			out[g] = []byte(`<script data-consent-stubs>` + js + `</script>`)
		}
	}
	return out
}()

// stubsScript is the <script> with the stubs for what ex does not grant, or
// nil.
func stubsScript(ex *exchange) []byte {
	js := stubScripts[ex.granted&policy.All]
	if js == "" {
		return nil
	}
	if ex.scriptNonce == "" {
		return stubTags[ex.granted&policy.All]
	}
	var b strings.Builder
	b.WriteString(`<script data-consent-stubs`)
	if ex.scriptNonce != "" {
		b.WriteString(` nonce="` + ex.scriptNonce + `"`) // validNonce: no quote or markup
	}
	b.WriteString(`>` + js + `</script>`)
	return []byte(b.String())
}
