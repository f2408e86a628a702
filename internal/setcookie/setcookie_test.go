package setcookie

import (
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		line string
		want Cookie
	}{
		{"a=b", Cookie{Name: "a", Session: true}},
		{" a = b ; HttpOnly ; SECURE; samesite = Strict", Cookie{Name: "a", HTTPOnly: true, Secure: true, SameSite: "strict", Session: true}},
		{"a=b; SameSite=Lax; SameSite=bogus", Cookie{Name: "a", Session: true}},
		{"a=b; Max-Age=3600", Cookie{Name: "a", Lifetime: time.Hour}},
		{"a=b; Max-Age=0", Cookie{Name: "a", Delete: true}},
		{"a=b; Max-Age=-1", Cookie{Name: "a", Delete: true}},
		{"a=b; Max-Age=1e3", Cookie{Name: "a", Session: true}}, // malformed: ignored
		{"a=b; Max-Age=1e3; Expires=Sun, 02 Mar 2025 12:00:00 GMT", Cookie{Name: "a", Lifetime: 24 * time.Hour}},
		{"a=b; Expires=Sun, 02 Mar 2025 12:00:00 GMT; Max-Age=60", Cookie{Name: "a", Lifetime: time.Minute}}, // Max-Age wins
		{"a=b; Expires=Sat, 01 Mar 2025 11:59:59 GMT", Cookie{Name: "a", Delete: true}},
		{"a=b; Expires=not a date", Cookie{Name: "a", Session: true}},
		{"a=b; Max-Age=999999999999999999999999", Cookie{Name: "a", Lifetime: MaxLifetime}},
		{"a=b; Expires=Fri, 31 Dec 9999 23:59:59 GMT", Cookie{Name: "a", Lifetime: MaxLifetime}},
		{"a=b; Domain=.Example.com; Path=/shop?id=42#x", Cookie{Name: "a", Domain: "Example.com", Path: "/shop", Session: true}},
		{"a=b; Domain=; Path=relative", Cookie{Name: "a", Session: true}},
		{"a=b; Path=/one; Path=", Cookie{Name: "a", Session: true}}, // the last one counts
		{"novalue", Cookie{Name: "", Session: true}},
		{"=v; Secure", Cookie{Name: "", Secure: true, Session: true}},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			if got := Parse(tt.line, now); got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParseCookieDate(t *testing.T) {
	want := time.Date(1994, 11, 6, 8, 49, 37, 0, time.UTC)
	tests := []struct {
		in string
		ok bool
	}{
		{"Sun, 06 Nov 1994 08:49:37 GMT", true},   // RFC 1123
		{"Sunday, 06-Nov-94 08:49:37 GMT", true},  // RFC 850
		{"Sun Nov  6 08:49:37 1994", true},        // asctime
		{"6 November 1994 8:49:37", true},         // any order, long month
		{"1994-nov-06 08:49:37", true},            // ISO-ish with a month name
		{"Sun, 06 Nov 1994 08:49:37.123Z", true},  // trailing junk after the seconds
		{"Sun, 06 Nov 1994 08:49", false},         // no seconds
		{"Sun, 31 Nov 1994 08:49:37 GMT", false},  // no such day
		{"Sun, 06 Nov 1600 08:49:37 GMT", false},  // before 1601
		{"Sun, 06 Nov 1994 24:00:00 GMT", false},  // hour 24
		{"Sun, 06 Nov 1994 08:60:00 GMT", false},  // minute 60
		{"Sun, 006 Nov 1994 08:49:37 GMT", false}, // three-digit day is no day, and the year is taken
		{"", false},
	}
	for _, tt := range tests {
		got, ok := parseCookieDate(tt.in)
		if ok != tt.ok || ok && !got.Equal(want) {
			t.Errorf("parseCookieDate(%q) = %v, %v; want %v", tt.in, got, ok, tt.ok)
		}
	}
	// Two-digit years: 70-99 are 19xx, 00-69 are 20xx.
	for in, year := range map[string]int{"1 jan 69 00:00:00": 2069, "1 jan 70 00:00:00": 1970} {
		if got, ok := parseCookieDate(in); !ok || got.Year() != year {
			t.Errorf("%q: %v, %v; want year %d", in, got, ok, year)
		}
	}
}

func TestValidName(t *testing.T) {
	for name, want := range map[string]bool{
		"consent": true, "__Host-consent": true, "a!#$%&'*+-.^_`|~9Z": true,
		"": false, "a b": false, "a;b": false, "a=b": false, "a,b": false, "a\"b": false,
		"a/b": false, "a:b": false, "a@b": false, "a(b": false, "a{b": false, "a[b": false,
		"a?b": false, "a\\b": false, "a<b": false, "a\tb": false, "a\x7fb": false, "ÆØÅ": false,
	} {
		if got := ValidName(name); got != want {
			t.Errorf("ValidName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestPrefixOf(t *testing.T) {
	for name, want := range map[string]Prefix{
		"__Host-id": HostPrefix, "__host-id": HostPrefix, "__HOST-": HostPrefix,
		"__Secure-id": SecurePrefix, "__SECURE-id": SecurePrefix,
		"__Hostid": NoPrefix, "_Host-id": NoPrefix, "id": NoPrefix, "": NoPrefix, "__Secure": NoPrefix,
	} {
		if got := PrefixOf(name); got != want {
			t.Errorf("PrefixOf(%q) = %v, want %v", name, got, want)
		}
	}
}
