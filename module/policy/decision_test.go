package policy

import (
	"net/url"
	"strings"
	"testing"
)

func TestParseDecision(t *testing.T) {
	n := SetOf(Necessary)
	offered := SetOf(Necessary, Preferences, Analytics, Marketing)
	tests := []struct {
		name       string
		form       string
		offered    Set
		wantAction string
		want       Set
		wantErr    string
	}{
		{"accept all", "action=accept-all", offered, ActionAcceptAll, offered, ""},
		{"accept all of a smaller offer", "action=accept-all", SetOf(Analytics), ActionAcceptAll, SetOf(Necessary, Analytics), ""},
		{"reject all", "action=reject-all", offered, ActionRejectAll, n, ""},
		{"reject all ignores ticked boxes", "action=reject-all&category=analytics", offered, ActionRejectAll, n, ""},
		{"save none", "action=save", offered, ActionSave, n, ""},
		{"save some", "action=save&category=analytics&category=preferences", offered, ActionSave, SetOf(Necessary, Analytics, Preferences), ""},
		{"save duplicate", "action=save&category=analytics&category=analytics", offered, ActionSave, SetOf(Necessary, Analytics), ""},
		{"save with necessary", "action=save&category=necessary", offered, ActionSave, n, ""},
		{"no action", "category=analytics", offered, "", 0, "want one action, got 0"},
		{"two actions", "action=save&action=accept-all", offered, "", 0, "want one action, got 2"},
		{"unknown action", "action=accept", offered, "", 0, `unknown action "accept"`},
		{"empty action", "action=", offered, "", 0, `unknown action ""`},
		{"unknown category", "action=save&category=tracking", offered, "", 0, `unknown category "tracking"`},
		{"empty category", "action=save&category=", offered, "", 0, `unknown category ""`},
		{"category case", "action=save&category=Analytics", offered, "", 0, `unknown category "Analytics"`},
		{"category not offered", "action=save&category=marketing", SetOf(Analytics), "", 0, `"marketing" is not offered`},
		{"not offered, even with accept-all", "action=accept-all&category=marketing", SetOf(Analytics), "", 0, "not offered"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form, err := url.ParseQuery(tt.form)
			if err != nil {
				t.Fatal(err)
			}
			action, got, err := ParseDecision(form, tt.offered)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || action != tt.wantAction || got != tt.want {
				t.Fatalf("ParseDecision = %q, %v, %v; want %q, %v", action, got, err, tt.wantAction, tt.want)
			}
		})
	}
}

func TestSafeReturn(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "/"},
		{"/", "/"},
		{"/x?y", "/x?y"},
		{"/blog/2024/post/?utm=1#top", "/blog/2024/post/?utm=1#top"},
		{"/search?q=a%20b&next=//kept-in-query", "/search?q=a%20b&next=//kept-in-query"},
		{"/search?q=100%25", "/search?q=100%25"},
		{"/%C3%A6%C3%B8%C3%A5", "/%C3%A6%C3%B8%C3%A5"},
		{"/om-oss/æøå", "/om-oss/%C3%A6%C3%B8%C3%A5"},
		{"/a/../b", "/a/../b"},
		{"/javascript:alert(1)", "/javascript:alert(1)"}, // a path on this site

		{"//evil.example", "/"},
		{"///evil.example", "/"},
		{"/\\evil.example", "/"},
		{"\\\\evil.example", "/"},
		{"/a\\b", "/"},
		{"https://evil.example/", "/"},
		{"http:/evil.example", "/"},
		{"javascript:alert(1)", "/"},
		{"JaVaScRiPt:alert(1)", "/"},
		{"evil.example", "/"},
		{" /x", "/"},
		{"/\t/evil.example", "/"},
		{"/\n/evil.example", "/"},
		{"/x\r\nSet-Cookie: a=b", "/"},
		{"/x y", "/"},
		{"/x\x00", "/"},
		{"/x\x7f", "/"},
		{"/.//evil.example", "/"},
		{"/a//b", "/"},
		{"/%2F%2Fevil.example", "/"},
		{"/%2f/evil.example", "/"},
		{"/%5Cevil.example", "/"},
		{"/%252F%252Fevil.example", "/"},
		{"/%25252F%25252Fevil.example", "/"},
		{"/%2525252F%2525252Fevil.example", "/"}, // too deep to bother
		{"/..%2F/evil.example", "/"},
		{"/%09/evil.example", "/"},
		{"/%0d%0aSet-Cookie:%20a=b", "/"},
		{"/100%", "/"},
		{"/%zz", "/"},
		{"/#00%", "/"},
		{"/" + strings.Repeat("a", maxReturnLen), "/"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := SafeReturn(tt.in); got != tt.want {
				t.Fatalf("SafeReturn(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// checkSafeReturn states what every SafeReturn result must satisfy.
func checkSafeReturn(t *testing.T, in, got string) {
	t.Helper()
	base, _ := url.Parse("https://site.example/a/b?c")
	if got == "" || got[0] != '/' {
		t.Fatalf("SafeReturn(%q) = %q: not a path", in, got)
	}
	for i := 0; i < len(got); i++ {
		if c := got[i]; c <= ' ' || c >= 0x7f || c == '\\' {
			t.Fatalf("SafeReturn(%q) = %q: byte %#x", in, got, c)
		}
	}
	u, err := url.Parse(got)
	if err != nil {
		if got != "/" {
			t.Fatalf("SafeReturn(%q) = %q does not parse: %v", in, got, err)
		}
		return
	}
	if r := base.ResolveReference(u); r.Host != "site.example" || r.Scheme != "https" {
		t.Fatalf("SafeReturn(%q) = %q resolves to %s", in, got, r)
	}
	// Decoding the path any number of times never yields a protocol-relative URL.
	p := got
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	for range 8 {
		if strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") || strings.Contains(p, "//") {
			t.Fatalf("SafeReturn(%q) = %q decodes to %q", in, got, p)
		}
		d, err := url.PathUnescape(p)
		if err != nil || d == p {
			break
		}
		p = d
	}
	if again := SafeReturn(got); again != got {
		t.Fatalf("SafeReturn not idempotent: %q → %q → %q", in, got, again)
	}
}

func FuzzSafeReturn(f *testing.F) {
	for _, s := range []string{"/", "/x?y", "//evil", "/\\evil", "/%2F%2Fevil", "/%252F/x", "/æ", "/a?b=%zz#c", "/.//x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		checkSafeReturn(t, in, SafeReturn(in))
	})
}

func FuzzParseDecision(f *testing.F) {
	for _, s := range []string{"action=save&category=analytics", "action=accept-all", "action=reject-all&category=x", "action=save&action=save"} {
		f.Add(s, uint8(All))
	}
	f.Fuzz(func(t *testing.T, query string, offeredBits uint8) {
		form, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		offered := Set(offeredBits) & All
		action, got, err := ParseDecision(form, offered)
		if err != nil {
			if action != "" || got != 0 {
				t.Fatalf("error %v with action %q granted %v", err, action, got)
			}
			return
		}
		limit := offered | Set(Necessary)
		if got&^limit != 0 || got&Set(Necessary) == 0 {
			t.Fatalf("%q offered %v: granted %v", query, offered, got)
		}
		switch action {
		case ActionAcceptAll:
			if got != limit {
				t.Fatalf("accept-all granted %v of %v", got, limit)
			}
		case ActionRejectAll:
			if got != Set(Necessary) {
				t.Fatalf("reject-all granted %v", got)
			}
		case ActionSave:
		default:
			t.Fatalf("action %q accepted", action)
		}
	})
}
