package consent

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"

	"github.com/samtykke/caddy-consent/module/policy"
)

func TestFilterLinkValues(t *testing.T) {
	blocked := func(target string) bool { return strings.Contains(target, "tracker") }
	tests := []struct {
		name, in, want string
		dropped        int
	}{
		{"first party kept byte for byte", `</wp-json/>; rel="https://api.w.org/", </style.css>; rel=preload; as=style`, `</wp-json/>; rel="https://api.w.org/", </style.css>; rel=preload; as=style`, 0},
		{"blocked preload", `<https://tracker.example/t.js>; rel=preload; as=script`, ``, 1},
		{"preconnect and dns-prefetch", `<https://tracker.example>; rel=preconnect, <//tracker.example>; rel=dns-prefetch`, ``, 2},
		{"only the tracker goes", `</a.css>; rel=preload; as=style, <https://tracker.example/t.js>; rel="preload"; as=script, </b.js>; rel=modulepreload`, `</a.css>; rel=preload; as=style, </b.js>; rel=modulepreload`, 1},
		{"rel list and case", `<https://tracker.example/x.css>; REL="Stylesheet preload"`, ``, 1},
		{"not a fetching rel", `<https://tracker.example/>; rel=canonical`, `<https://tracker.example/>; rel=canonical`, 0},
		{"commas inside the target and quotes", `</a,b.js>; rel=preload; title="x, y", <https://tracker.example/p?a=1,2>; rel=prefetch`, `</a,b.js>; rel=preload; title="x, y"`, 1},
		{"unreadable part kept", `garbage, <https://tracker.example/t.js>; rel=preload`, `garbage`, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, n := filterLinkValues(tt.in, blocked)
			if got != tt.want || n != tt.dropped {
				t.Errorf("got %q (%d dropped), want %q (%d)", got, n, tt.want, tt.dropped)
			}
		})
	}
}

// hintsWriter records the headers of every 1xx response and the final one.
type hintsWriter struct {
	discard
	sent []http.Header // a copy per WriteHeader
}

func (w *hintsWriter) WriteHeader(code int) { w.sent = append(w.sent, w.h.Clone()) }

// TestLinkHeaderTrackers: Link headers that would preload or preconnect a
// tracker are dropped from 103 Early Hints and from the page, until the
// visitor grants its category; the site's own links stay.
func TestLinkHeaderTrackers(t *testing.T) {
	h := provisioned(t)
	const gtm = `<https://www.googletagmanager.com/gtag/js?id=G-TEST>; rel=preload; as=script`
	const own = `</wp-content/themes/x/style.css>; rel=preload; as=style`
	next := caddyhttp.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Link", gtm+", "+own)
		w.WriteHeader(http.StatusEarlyHints)
		w.Header().Set("Content-Type", "text/html")
		w.Header().Add("Link", `<https://connect.facebook.net>; rel=preconnect`)
		w.WriteHeader(http.StatusOK)
		_, err := w.Write([]byte("<!doctype html><title>x</title><p>hi"))
		return err
	})
	for _, tt := range []struct {
		granted policy.Set
		want    []string // Link values of the 103 and of the 200
	}{
		{0, []string{own, own}},
		{policy.SetOf(policy.Analytics, policy.Marketing), []string{gtm + ", " + own, gtm + ", " + own + "|<https://connect.facebook.net>; rel=preconnect"}},
	} {
		req := httptest.NewRequest("GET", "/", nil)
		req.Header.Set("Accept", "text/html")
		if tt.granted != 0 {
			id, err := policy.NewID()
			if err != nil {
				t.Fatal(err)
			}
			st := policy.State{Granted: tt.granted | policy.SetOf(policy.Necessary), Version: h.version(req), Decided: time.Now(), ID: id}
			req.AddCookie(h.codec.Cookie(st, false))
		}
		req = caddyhttp.PrepareRequest(req, caddy.NewReplacer(), nil, nil)
		w := &hintsWriter{discard: discard{h: http.Header{}}}
		if err := h.ServeHTTP(w, req, next); err != nil {
			t.Fatal(err)
		}
		if len(w.sent) != 2 {
			t.Fatalf("%d responses", len(w.sent))
		}
		for i, hdr := range w.sent {
			if got := strings.Join(hdr["Link"], "|"); got != tt.want[i] {
				t.Errorf("granted %v, response %d: Link %q, want %q", tt.granted, i, got, tt.want[i])
			}
		}
	}
}

// FuzzFilterLinkValues: nothing blocked, nothing changes; what is left after
// filtering has nothing more to drop; the filter never panics.
func FuzzFilterLinkValues(f *testing.F) {
	for _, s := range []string{
		`</a.css>; rel=preload; as=style, <https://tracker.example/t.js>; rel="preload"`,
		`<x,y>; title="a,\"b", <t>; rel=preconnect`, `garbage, <`, `<>; rel=`, `, ,`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if got, n := filterLinkValues(v, func(string) bool { return false }); got != v || n != 0 {
			t.Fatalf("nothing blocked, %q became %q", v, got)
		}
		blocked := func(target string) bool { return strings.Contains(target, "t") }
		once, _ := filterLinkValues(v, blocked)
		if again, n := filterLinkValues(once, blocked); n != 0 || again != once {
			t.Fatalf("%q filtered to %q, which still drops %d (%q)", v, once, n, again)
		}
	})
}
