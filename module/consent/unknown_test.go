package consent

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/samtykke/caddy-consent/internal/testcaddy"
)

// TestUnknownScriptHostsReachTheDeclaration: pages served through Caddy
// feed the cookie declaration with the third-party script hosts the catalog
// does not know, and only those: not the site's own scripts, not known
// trackers, not inline scripts.
func TestUnknownScriptHostsReachTheDeclaration(t *testing.T) {
	page := `<!doctype html><html lang=en><head><title>x</title>` +
		`<script src="https://cdn.widgetvendor.example/w.js?v=1"></script>` +
		`<script src="//Static.Other-Vendor.example:8443/a.js"></script>` +
		`<script src="http://127.0.0.1/wp-includes/js/jquery.min.js"></script>` +
		`<script src="/wp-content/plugins/x/y.js"></script>` +
		`<script src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>` +
		`<script type="rocketlazyloadscript" data-rocket-src="https://lazy.vendor3.example/l.js"></script>` +
		`<script>var u = "https://inline.example/not-a-src.js"</script></head><body><p>hi</body></html>`
	srv := testcaddy.Start(t, fmt.Sprintf(`
http://127.0.0.1:{PORT} {
	consent {
		secret %s
	}
	reverse_proxy 127.0.0.1:{PORT2}
}
http://127.0.0.1:{PORT2} {
	header Content-Type "text/html; charset=utf-8"
	respond %q
}
`, secret, page))
	base := srv.URL(1)
	get(t, "GET", base+"/", map[string]string{"Accept": "text/html"})
	_, b := get(t, "GET", base+"/_consent/cookies?format=json", nil)
	var decl struct {
		Hosts []struct {
			Host  string `json:"host"`
			Pages int    `json:"pages"`
		} `json:"unknown_script_hosts"`
	}
	if err := json.Unmarshal(b, &decl); err != nil {
		t.Fatalf("declaration: %v\n%s", err, b)
	}
	got := map[string]int{}
	for _, h := range decl.Hosts {
		got[h.Host] = h.Pages
	}
	want := map[string]int{"cdn.widgetvendor.example": 1, "static.other-vendor.example": 1, "lazy.vendor3.example": 1}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("unknown script hosts %v, want %v", got, want)
	}
}
