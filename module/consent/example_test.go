package consent

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/samtykke/caddy-consent/internal/testcaddy"
)

// TestExampleTruncatesEveryLog is security audit M4: the example is the
// starting point for production, and every logger it configures can carry a
// client address (Caddy logs each 5xx through the default logger with the
// whole request), so every one of them must be wrapped by ip_truncate.
func TestExampleTruncatesEveryLog(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", "Caddyfile.example"))
	if err != nil {
		t.Fatal(err)
	}
	adapted, _, err := testcaddy.Adapt(string(src))
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Logging struct {
			Logs map[string]struct {
				Encoder map[string]any `json:"encoder"`
			} `json:"logs"`
		} `json:"logging"`
	}
	if err := json.Unmarshal(adapted, &cfg); err != nil {
		t.Fatal(err)
	}
	if _, ok := cfg.Logging.Logs["default"]; !ok || len(cfg.Logging.Logs) < 3 {
		t.Fatalf("the example configures %d logs, want the default, the records and the access log", len(cfg.Logging.Logs))
	}
	for name, l := range cfg.Logging.Logs {
		if l.Encoder["format"] != "ip_truncate" {
			t.Errorf("log %q writes with encoder %v, not ip_truncate", name, l.Encoder["format"])
		}
	}
}
