package iplog

import (
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/samtykke/caddy-consent/internal/testcaddy"
)

// TestExceptCaddy proxies to a dead backend on 127.0.0.2 through a real
// Caddy and reads the error log written with `except 127.0.0.0/28`: the
// 502's message names the backend whole, while the client, whose own
// address (127.0.0.1) and whose forwarded address (127.0.0.9) both lie in
// that network, is truncated in every client field. A second log of the
// same entries without except shows what except changes.
func TestExceptCaddy(t *testing.T) {
	dir := t.TempDir()
	// A port on 127.0.0.2 that nothing listens on.
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Fatalf("listening on 127.0.0.2: %v", err)
	}
	dead := ln.Addr().String()
	ln.Close()

	srv := testcaddy.Start(t, strings.NewReplacer("{DIR}", dir, "{DEAD}", dead).Replace(`{
	servers {
		trusted_proxies static 127.0.0.1/32
		client_ip_headers X-Forwarded-For
	}
	log errors {
		output file {DIR}/error.log
		format ip_truncate {
			except 127.0.0.0/28 198.51.100.7
		}
		include http.log.error
	}
	log control {
		output file {DIR}/control.log
		format ip_truncate
		include http.log.error
	}
}

http://127.0.0.1:{PORT} {
	log {
		output file {DIR}/access.log
		format ip_truncate {
			except 127.0.0.0/28
		}
	}
	reverse_proxy {DEAD}
}
`))

	req, err := http.NewRequest("GET", srv.URL(1)+"/wp-admin/?from=127.0.0.9", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Forwarded-For", "127.0.0.9")
	req.Header.Set("Forwarded", "for=127.0.0.10")
	req.Header.Set("X-Real-Ip", "127.0.0.11")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadGateway {
		t.Fatalf("status %d, want 502 from the dead backend", resp.StatusCode)
	}
	http.DefaultClient.CloseIdleConnections()

	errLog := readLog(t, filepath.Join(dir, "error.log"))
	control := readLog(t, filepath.Join(dir, "control.log"))
	access := readLog(t, filepath.Join(dir, "access.log"))

	// The backend, whole, in the message of the error entry.
	if want := "dial tcp " + dead; !strings.Contains(errLog, want) {
		t.Errorf("error log does not name the backend %q:\n%s", want, errLog)
	}
	// Without except, the same entry hides it (the problem except solves).
	if want := "dial tcp 127.0.0.0:" + strconv.Itoa(ln.Addr().(*net.TCPAddr).Port); !strings.Contains(control, want) {
		t.Errorf("control log lacks %q:\n%s", want, control)
	}
	for name, text := range map[string]string{"error": errLog, "access": access} {
		for _, want := range []string{
			`"remote_ip":"127.0.0.0"`,
			`"client_ip":"127.0.0.0"`,
			`"X-Forwarded-For":["127.0.0.0"]`,
			`"Forwarded":["for=127.0.0.0"]`,
			`"X-Real-Ip":["127.0.0.0"]`,
			`"uri":"/wp-admin/?from=127.0.0.0"`,
		} {
			if !strings.Contains(text, want) {
				t.Errorf("%s log lacks %s", name, want)
			}
		}
		for _, full := range []string{"127.0.0.1", "127.0.0.9", "127.0.0.10", "127.0.0.11"} {
			if strings.Contains(text, full) {
				t.Errorf("%s log holds the client's full address %s", name, full)
			}
		}
	}
	if !strings.Contains(access, `"status":502`) {
		t.Errorf("access log lacks the 502")
	}
	if t.Failed() {
		t.Logf("error log:\n%s\naccess log:\n%s", errLog, access)
	}
}
