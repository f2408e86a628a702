package consent

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samtykke/caddy-consent/internal/testcaddy"
)

// TestUngrantableCategoryWarning starts a real Caddy whose categories leave
// preferences out while a cookie rule and the catalog name preference
// cookies, and reads the warning from Caddy's log.
func TestUngrantableCategoryWarning(t *testing.T) {
	for _, tt := range []struct {
		name, categories string
		warn             bool
	}{
		{"preferences left out", "analytics marketing", true},
		{"all offered", "preferences analytics marketing", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			raw := startupWarnings(t, fmt.Sprintf(`categories %s
		cookie dark_mode preferences "Remembers dark mode"
		cookie ab_test analytics`, tt.categories))
			var line string
			for _, l := range strings.Split(string(raw), "\n") {
				if strings.Contains(l, "categories does not offer") {
					line = l
				}
			}
			if !tt.warn {
				if line != "" {
					t.Fatalf("a warning although every category is offered: %s", line)
				}
				return
			}
			if line == "" {
				t.Fatalf("no warning about preferences in:\n%s", raw)
			}
			for _, want := range []string{
				`categories does not offer preferences`,
				`always dropped: dark_mode, `, // the operator's rule first
				`pll_language`,                // then the catalog's (Polylang)
				`"category":"preferences"`,
			} {
				if !strings.Contains(line, want) {
					t.Errorf("warning lacks %s: %s", want, line)
				}
			}
			if strings.Contains(line, "ab_test") || strings.Contains(line, "does not offer analytics") {
				t.Errorf("warning names an offered category: %s", line)
			}
		})
	}
}

// TestCookiePrefixWarning: a cookie_name with a __Host- prefix is dropped by
// browsers on plain HTTP; a real Caddy warns about it once at start, and
// says nothing about a plain name (security audit I5).
func TestCookiePrefixWarning(t *testing.T) {
	for _, tt := range []struct {
		name string
		warn bool
	}{
		{"__Host-choice", true},
		{"__secure-choice", true},
		{"choice", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			raw := startupWarnings(t, "cookie_name "+tt.name)
			got := strings.Count(string(raw), "browsers drop a cookie with this prefix on plain HTTP")
			if tt.warn && (got != 1 || !strings.Contains(string(raw), `"cookie_name":"`+tt.name+`"`)) {
				t.Errorf("want one warning naming %s, got %d:\n%s", tt.name, got, raw)
			}
			if !tt.warn && got != 0 {
				t.Errorf("a warning for the plain name %s:\n%s", tt.name, raw)
			}
		})
	}
}

// startupWarnings starts a real Caddy whose consent block holds the secret
// and the lines given, and returns what it logged at WARN and above, as JSON
// lines.
func startupWarnings(t *testing.T, lines string) []byte {
	t.Helper()
	log := filepath.Join(t.TempDir(), "caddy.log")
	testcaddy.Start(t, fmt.Sprintf(`{
	log {
		output file %s
		format json
		level WARN
	}
}

http://127.0.0.1:{PORT} {
	consent {
		secret %s
		%s
	}
	respond "ok"
}
`, log, secret, lines))
	raw, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}
