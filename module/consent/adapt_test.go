package consent

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2/caddyconfig"
	_ "github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
	_ "github.com/caddyserver/caddy/v2/modules/standard"
)

var update = flag.Bool("update", false, "rewrite the expected JSON of the golden adapt tests")

// TestCaddyfileAdapt runs the golden cases in testdata/caddyfile_adapt: a
// Caddyfile, a line of dashes, then the JSON it must adapt to, or
// "error: Caddyfile:<line>[: <text>]": the adapter's error must name the file
// and line and contain the text.
func TestCaddyfileAdapt(t *testing.T) {
	// secret_placeholder reads this one; err_secret_env_empty one that is unset.
	t.Setenv("CONSENT_TEST_SECRET", "0123456789abcdef0123456789abcdef")
	t.Setenv("CONSENT_TEST_SHORT", "short")
	os.Unsetenv("CONSENT_TEST_UNSET")
	files, err := filepath.Glob("testdata/caddyfile_adapt/*.caddyfiletest")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden cases: %v", err)
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".caddyfiletest"), func(t *testing.T) {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			in, want, ok := strings.Cut(string(raw), "----------\n")
			if !ok {
				t.Fatalf("%s: no ---------- separator", f)
			}
			got, _, adaptErr := caddyconfig.GetAdapter("caddyfile").Adapt([]byte(in), map[string]any{"filename": "Caddyfile"})
			if wantErr, isErr := strings.CutPrefix(want, "error: "); isErr {
				wantErr = strings.TrimSpace(wantErr)
				if adaptErr == nil {
					t.Fatalf("adapted without error, want one containing %q", wantErr)
				}
				// "Caddyfile:N: text": the error must name that line and say the text.
				loc, msg := wantErr, ""
				if strings.HasPrefix(wantErr, "Caddyfile:") {
					if i := strings.Index(wantErr, ": "); i > 0 {
						loc, msg = wantErr[:i], wantErr[i+2:]
					}
				}
				if !strings.Contains(adaptErr.Error(), "at "+loc) || !strings.Contains(adaptErr.Error(), msg) {
					t.Fatalf("error %q does not name %q and say %q", adaptErr, loc, msg)
				}
				return
			}
			if adaptErr != nil {
				t.Fatalf("adapting: %v", adaptErr)
			}
			var pretty bytes.Buffer
			if err := json.Indent(&pretty, got, "", "\t"); err != nil {
				t.Fatal(err)
			}
			if *update {
				if err := os.WriteFile(f, []byte(in+"----------\n"+pretty.String()+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if strings.TrimSpace(want) != strings.TrimSpace(pretty.String()) {
				t.Errorf("adapted JSON differs (run go test -run TestCaddyfileAdapt -update and review the diff)\n--- got\n%s\n--- want\n%s", pretty.String(), want)
			}
		})
	}
}
