package policy

import (
	"bytes"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func testSecret(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }

func newTestCodec(t *testing.T, now time.Time) *Codec {
	t.Helper()
	c, err := NewCodec(testSecret(7), "consent", 182*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	c.now = func() time.Time { return now }
	return c
}

func mustID(t *testing.T) string {
	t.Helper()
	id, err := NewID()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// requestWith returns a request carrying the given cookie values, in order.
func requestWith(name string, values ...string) *http.Request {
	r := httptest.NewRequest("GET", "/", nil)
	for _, v := range values {
		r.AddCookie(&http.Cookie{Name: name, Value: v})
	}
	return r
}

func TestNewCodecRejects(t *testing.T) {
	tests := []struct {
		name   string
		secret []byte
		cookie string
		maxAge time.Duration
		want   string
	}{
		{"short secret", make([]byte, 31), "consent", time.Hour, "31 bytes"},
		{"no secret", nil, "consent", time.Hour, "0 bytes"},
		{"empty name", testSecret(1), "", time.Hour, "not a valid cookie name"},
		{"name with space", testSecret(1), "con sent", time.Hour, "not a valid cookie name"},
		{"name with =", testSecret(1), "a=b", time.Hour, "not a valid cookie name"},
		{"zero max age", testSecret(1), "consent", 0, "out of range"},
		{"max age over 400d", testSecret(1), "consent", 401 * 24 * time.Hour, "out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewCodec(tt.secret, tt.cookie, tt.maxAge)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("NewCodec error = %v, want one containing %q", err, tt.want)
			}
		})
	}
	if _, err := NewCodec(testSecret(1), "__Host-consent", MaxMaxAge); err != nil {
		t.Fatalf("valid codec refused: %v", err)
	}
}

func TestCookieRoundTrip(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	c := newTestCodec(t, now)
	for _, granted := range []Set{0, SetOf(Analytics), SetOf(Preferences, Marketing), All} {
		for _, sig := range []Signals{{}, {GPC: true}, {DNT: true}, {GPC: true, DNT: true}} {
			t.Run(fmt.Sprintf("%s/%+v", granted, sig), func(t *testing.T) {
				in := State{Granted: granted, Version: "2026-03", Decided: now.Add(-time.Hour), ID: mustID(t), Signals: sig}
				ck := c.Cookie(in, false)
				if ck == nil {
					t.Fatal("Cookie returned nil")
				}
				got, ok := c.Read(requestWith("consent", ck.Value), "2026-03")
				if !ok {
					t.Fatal("Read refused a fresh cookie")
				}
				want := in
				want.Granted |= Set(Necessary)
				if got.Granted != want.Granted || got.Version != want.Version || !got.Decided.Equal(want.Decided) ||
					got.ID != want.ID || got.Signals != want.Signals {
					t.Fatalf("Read = %+v, want %+v", got, want)
				}
			})
		}
	}
}

func TestCookieAttributes(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	c := newTestCodec(t, now)
	s := State{Granted: All, Version: "1", Decided: now, ID: mustID(t)}
	tests := []struct {
		name   string
		cookie *http.Cookie
		secure bool
		maxAge int
		want   string
	}{
		{"set http", c.Cookie(s, false), false, 182 * 86400, "consent"},
		{"set https", c.Cookie(s, true), true, 182 * 86400, "__Host-consent"},
		{"clear http", c.Clear(false), false, -1, "consent"},
		{"clear https", c.Clear(true), true, -1, "consent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ck := tt.cookie
			if ck.Name != tt.want || ck.Path != "/" || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode ||
				ck.Secure != tt.secure || ck.MaxAge != tt.maxAge || ck.Domain != "" {
				t.Fatalf("cookie = %+v", ck)
			}
			line := ck.String()
			if tt.maxAge < 0 && !strings.Contains(line, "Max-Age=0") {
				t.Fatalf("clearing cookie %q lacks Max-Age=0", line)
			}
		})
	}
	if got := c.Cookie(State{ID: "not-hex"}, false); got != nil {
		t.Fatalf("Cookie with a malformed ID = %v, want nil", got)
	}
	if got := c.Cookie(State{ID: "abcd"}, false); got != nil {
		t.Fatalf("Cookie with a short ID = %v, want nil", got)
	}
}

func TestCookiePrefixForcesSecure(t *testing.T) {
	for _, name := range []string{"__Host-consent", "__secure-consent"} {
		c, err := NewCodec(testSecret(3), name, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if ck := c.Cookie(State{ID: mustID(t)}, false); !ck.Secure {
			t.Errorf("%s cookie over http is not Secure: browsers would refuse it", name)
		}
		if ck := c.Clear(false); !ck.Secure {
			t.Errorf("%s clearing cookie is not Secure", name)
		}
	}
}

// TestCookieSize keeps the consent cookie small: it rides on every request.
func TestCookieSize(t *testing.T) {
	c := newTestCodec(t, time.Now())
	ck := c.Cookie(State{Granted: All, Version: "a-rather-long-policy-version-string-2026", ID: mustID(t), Signals: Signals{true, true}}, true)
	// name=value as the browser sends it back in Cookie.
	if n := len(ck.Name) + 1 + len(ck.Value); n > 128 {
		t.Fatalf("consent cookie is %d bytes on the wire, want at most 128", n)
	}
	t.Logf("Cookie request header cost: %d bytes; Set-Cookie line: %d bytes", len(ck.Name)+1+len(ck.Value), len(ck.String()))
}

func TestReadRefuses(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	c := newTestCodec(t, now)
	good := State{Granted: All, Version: "2", Decided: now, ID: mustID(t)}
	value := c.Cookie(good, false).Value

	other, err := NewCodec(testSecret(8), "consent", 182*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	renamed, err := NewCodec(testSecret(7), "consent2", 182*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	// Re-signed today, but decided 183 days ago: the choice has run out.
	stale := good
	stale.Decided = now.Add(-183 * 24 * time.Hour)

	flipped := []byte(value)
	flipped[len(flipped)/2] ^= 1

	tests := []struct {
		name    string
		r       *http.Request
		version string
	}{
		{"no cookie", httptest.NewRequest("GET", "/", nil), "2"},
		{"empty value", requestWith("consent", ""), "2"},
		{"garbage", requestWith("consent", "hello"), "2"},
		{"flipped bit", requestWith("consent", string(flipped)), "2"},
		{"truncated", requestWith("consent", value[:len(value)-4]), "2"},
		{"other secret", requestWith("consent", other.Cookie(good, false).Value), "2"},
		{"signed for another cookie name", requestWith("consent", renamed.Cookie(good, false).Value), "2"},
		{"older policy version", requestWith("consent", value), "3"},
		{"newer policy version", requestWith("consent", value), "1"},
		{"decided over max age ago", requestWith("consent", c.Cookie(stale, false).Value), "2"},
		{"wrong cookie name", requestWith("consent_x", value), "2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if s, ok := c.Read(tt.r, tt.version); ok {
				t.Fatalf("Read accepted it: %+v", s)
			}
		})
	}
	if _, ok := c.Read(requestWith("consent", value), "2"); !ok {
		t.Fatal("control: Read refused the untouched cookie")
	}
}

// forge builds a value in securecookie's own format (base64url of
// "date|base64url(payload)|mac", the MAC over "name|date|base64url(payload)")
// with a chosen timestamp, so the test can show that securecookie itself
// refuses values older than max age, independent of the decision time.
func forge(key []byte, name string, ts int64, payload []byte) string {
	b := fmt.Appendf(nil, "%s|%d|%s", name, ts, base64.URLEncoding.EncodeToString(payload))
	m := hmac.New(sha256.New, key)
	m.Write(b)
	b = append(b, '|')
	b = append(b, m.Sum(nil)...)
	return base64.URLEncoding.EncodeToString(b[len(name)+1:])
}

func TestSecurecookieEnforcesMaxAge(t *testing.T) {
	now := time.Now()
	c, err := NewCodec(testSecret(7), "consent", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	// Extract the payload and key path by round-tripping a real cookie.
	id := mustID(t)
	var payload []byte
	if err := c.sc.Decode("consent", c.Cookie(State{Granted: All, Version: "1", Decided: now, ID: id}, false).Value, &payload); err != nil {
		t.Fatal(err)
	}
	key, err := hkdf.Key(sha256.New, testSecret(7), nil, hashKeyInfo, 32)
	if err != nil {
		t.Fatal(err)
	}
	fresh := forge(key, "consent", now.Unix(), payload)
	if _, ok := c.Read(requestWith("consent", fresh), "1"); !ok {
		t.Fatal("forge does not reproduce securecookie's format: a fresh forged value is refused")
	}
	stale := forge(key, "consent", now.Add(-2*time.Hour).Unix(), payload)
	if _, err := c.decode("consent", stale, "1"); err == nil || err == errExpired {
		t.Fatalf("stale timestamp: decode error = %v, want securecookie's own expiry error", err)
	}
}

func TestReadCopies(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	c := newTestCodec(t, now)
	older := c.Cookie(State{Granted: SetOf(Analytics), Version: "1", Decided: now.Add(-48 * time.Hour), ID: mustID(t)}, false).Value
	newer := c.Cookie(State{Granted: SetOf(Marketing), Version: "1", Decided: now.Add(-time.Hour), ID: mustID(t)}, false).Value
	for _, order := range [][]string{{"junk", older, newer}, {newer, "junk", older}} {
		s, ok := c.Read(requestWith("consent", order...), "1")
		// Copies that disagree grant only what they share (security audit
		// L1); the newer one's ID and date are kept.
		if !ok || s.Granted != SetOf(Necessary) || !s.Contested || !s.Decided.Equal(now.Add(-time.Hour)) {
			t.Fatalf("Read(%d values) = %+v, %v; want only necessary, from the newer copy, contested", len(order), s, ok)
		}
	}
	same := c.Cookie(State{Granted: SetOf(Analytics), Version: "1", Decided: now.Add(-time.Minute), ID: mustID(t)}, false).Value
	if s, ok := c.Read(requestWith("consent", older, same), "1"); !ok || s.Granted != SetOf(Necessary, Analytics) || s.Contested || !s.Decided.Equal(now.Add(-time.Minute)) {
		t.Fatalf("copies that agree: Read = %+v, %v; want the newest", s, ok)
	}
}

// TestReadResistsTossing is security audit L1: a valid accept-all copy planted
// on a parent domain (or over plain HTTP) must not override the visitor's
// reject, in either order, and is marked contested.
func TestReadResistsTossing(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	c := newTestCodec(t, now)
	reject := c.Cookie(State{Granted: SetOf(Necessary), Version: "1", Decided: now.Add(-time.Hour), ID: mustID(t)}, false).Value
	accept := c.Cookie(State{Granted: All, Version: "1", Decided: now.Add(-time.Minute), ID: mustID(t)}, false).Value
	for _, order := range [][]string{{reject, accept}, {accept, reject}} {
		s, ok := c.Read(requestWith("consent", order...), "1")
		if !ok || s.Granted != SetOf(Necessary) || !s.Contested {
			t.Fatalf("Read(reject+accept) = %+v, %v; want the reject, contested", s, ok)
		}
	}
	if s, _ := c.Read(requestWith("consent", accept), "1"); s.Contested {
		t.Fatal("a single copy is not contested")
	}

	// On HTTPS the choice lives under __Host-consent, which outranks any
	// plain copy; a value signed for one name is worthless under the other.
	hostCk := c.Cookie(State{Granted: SetOf(Necessary), Version: "1", ID: mustID(t)}, true)
	if hostCk.Name != "__Host-consent" || !hostCk.Secure || hostCk.Path != "/" || hostCk.Domain != "" {
		t.Fatalf("HTTPS cookie = %+v, want __Host-consent, Secure, Path=/, no Domain", hostCk)
	}
	r := requestWith("__Host-consent", hostCk.Value)
	r.AddCookie(&http.Cookie{Name: "consent", Value: accept})
	r.TLS = &tls.ConnectionState{}
	if s, ok := c.Read(r, "1"); !ok || s.Granted != SetOf(Necessary) {
		t.Fatalf("HTTPS Read = %+v, %v; want the __Host- reject", s, ok)
	}
	r = requestWith("consent", hostCk.Value)
	r.TLS = &tls.ConnectionState{}
	if _, ok := c.Read(r, "1"); ok {
		t.Fatal("a __Host- value accepted under the plain name")
	}
	r = requestWith("consent", accept) // a choice from before the prefix still counts
	r.TLS = &tls.ConnectionState{}
	if s, ok := c.Read(r, "1"); !ok || s.Granted != All {
		t.Fatalf("plain copy on HTTPS = %+v, %v", s, ok)
	}
}

func TestIDsAreRandom(t *testing.T) {
	id1, id2 := mustID(t), mustID(t)
	if len(id1) != 32 || id1 == id2 {
		t.Fatalf("NewID: %q, %q", id1, id2)
	}
}
