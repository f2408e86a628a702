package consent

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2"

	"github.com/samtykke/caddy-consent/internal/testcaddy"
)

// TestBlockListThroughCaddy: a block_list's hosts are blocked in the list's
// category (marketing by default) and named after the file, and they are
// neutralised in every element kind that loads, not just held as unknown.
func TestBlockListThroughCaddy(t *testing.T) {
	list, _ := filepath.Abs("testdata/blocklists/small.txt")
	page := `<!doctype html><html lang=en><head><title>x</title>` +
		`<script src="https://ads.blocklisted.test/a.js"></script></head><body>` +
		`<img src="https://cdn.pixel.listed-network.test/big.jpg" width="300" height="200" alt="">` +
		`</body></html>`
	srv := testcaddy.Start(t, fmt.Sprintf(`
http://127.0.0.1:{PORT} {
	consent {
		secret %[1]s
		block_list %[3]s
	}
	reverse_proxy 127.0.0.1:{PORT3}
}
http://127.0.0.1:{PORT2} {
	consent {
		secret %[1]s
		block_list %[3]s analytics
	}
	reverse_proxy 127.0.0.1:{PORT3}
}
http://127.0.0.1:{PORT3} {
	header Content-Type "text/html; charset=utf-8"
	respond %[2]q
}
`, secret, page, list))
	for i, cat := range map[int]string{1: "marketing", 2: "analytics"} {
		_, b := get(t, "GET", srv.URL(i)+"/", map[string]string{"Accept": "text/html"})
		body := string(b)
		for _, want := range []string{
			`<script type="text/plain" data-consent-category="` + cat + `" data-consent-service="list-small.txt" data-consent-src="https://ads.blocklisted.test/a.js">`,
			// An ordinary image too: the list names its host.
			`<img data-consent-category="` + cat + `" data-consent-service="list-small.txt" data-consent-src="https://cdn.pixel.listed-network.test/big.jpg"`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: missing %s\n%s", cat, want, body)
			}
		}
	}
}

func TestBlockListProvisionErrors(t *testing.T) {
	ctx, cancel := caddy.NewContext(caddy.Context{Context: t.Context()})
	defer cancel()
	h := &Handler{Secret: secret, BlockLists: []BlockList{{File: "testdata/blocklists/nope.txt"}}}
	if err := h.Provision(ctx); err == nil || !strings.Contains(err.Error(), "testdata/blocklists/nope.txt") {
		t.Errorf("unreadable list: %v", err)
	}
	h = &Handler{Secret: secret, BlockLists: []BlockList{{File: "testdata/blocklists/small.txt", Category: "necessary"}}}
	if err := h.Provision(ctx); err == nil || !strings.Contains(err.Error(), "small.txt") {
		t.Errorf("necessary list: %v", err)
	}
}

// TestBlockInlineProvisionErrors: a JSON config gets the Caddyfile's check on
// block_inline's substring length, since both go through validInlineSubstring.
func TestBlockInlineProvisionErrors(t *testing.T) {
	ctx, cancel := caddy.NewContext(caddy.Context{Context: t.Context()})
	defer cancel()
	h := &Handler{Secret: secret, BlockInline: []InlineRule{{Contains: "ga(", Category: "analytics"}}}
	if err := h.Provision(ctx); err == nil || !strings.Contains(err.Error(), `block_inline "ga(": a substring this short`) {
		t.Errorf("3-character substring: %v", err)
	}
	h = &Handler{Secret: secret, BlockInline: []InlineRule{{Contains: "fbq(", Category: "marketing"}}}
	if err := h.Provision(ctx); err != nil {
		t.Errorf("4-character substring: %v", err)
	}
	h.Cleanup()
}
