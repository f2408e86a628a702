package iplog

import (
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"unsafe"
)

func TestString(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		// plain and with ports
		{"ipv4", "203.0.113.77", "203.0.113.0"},
		{"ipv4 port", "203.0.113.77:54321", "203.0.113.0:54321"},
		{"ipv4 cidr", "203.0.113.77/32", "203.0.113.0/32"},
		{"ipv4 leading zeros read as decimal", "010.001.002.003", "10.1.2.0"},
		{"ipv4 end of sentence", "blocked 203.0.113.7.", "blocked 203.0.113.0."},
		{"ipv6", "2001:db8:1234:5678:9abc:def0:1:2", "2001:db8:1234::"},
		{"ipv6 upper case", "2001:DB8:1234:5678::A", "2001:db8:1234::"},
		{"ipv6 bracketed", "[2001:db8:1234:5678::1]", "[2001:db8:1234::]"},
		{"ipv6 bracketed port", "[2001:db8:1234:5678::1]:443", "[2001:db8:1234::]:443"},
		{"ipv6 unbracketed port (nine groups)", "2001:db8:85a3:8d3:1319:8a2e:370:7348:443", "2001:db8:85a3:::443"},
		{"ipv6 zone kept", "fe80::1:2:3:4%eth0", "fe80::%eth0"},
		{"ipv6 zone bracketed port", "[fe80::abcd%en0]:8080", "[fe80::%en0]:8080"},
		{"ipv6 zone uri form", "http://[fe80::1%25eth0]/", "http://[fe80::%25eth0]/"},
		{"ipv6 numeric zone", "fe80::1%12", "fe80::%12"},
		{"ipv4 mapped", "::ffff:203.0.113.77", "::ffff:203.0.113.0"},
		{"ipv4 mapped hex", "::ffff:cb00:714d", "::ffff:203.0.113.0"},
		{"ipv4 mapped port", "[::ffff:203.0.113.77]:80", "[::ffff:203.0.113.0]:80"},
		{"ipv4 mapped unbracketed port", "::ffff:203.0.113.77:8080", "::ffff:203.0.113.0:8080"},
		{"6to4 keeps no more than ipv4 bits", "2002:cb00:714d::1", "2002:cb00:7100::"},
		{"loopback", "::1", "::"},
		{"unspecified", "::", "::"},

		// lists and headers
		{"comma list", "198.51.100.9, 2001:db8:aaaa:bbbb::7", "198.51.100.0, 2001:db8:aaaa::"},
		{"comma list no spaces", "203.0.113.7,203.0.113.8,10.1.2.3", "203.0.113.0,203.0.113.0,10.1.2.0"},
		{"forwarded for", "for=192.0.2.60;proto=https;by=203.0.113.43", "for=192.0.2.0;proto=https;by=203.0.113.0"},
		{"forwarded quoted ipv6", `for="[2001:db8:cafe::17]:4711"`, `for="[2001:db8:cafe::]:4711"`},
		{"forwarded case-insensitive", "For=198.51.100.23, FOR=198.51.100.24;BY=10.0.0.9", "For=198.51.100.0, FOR=198.51.100.0;BY=10.0.0.0"},
		{"forwarded obfuscated untouched", `for=_hidden, for=unknown;by="_abc"`, `for=_hidden, for=unknown;by="_abc"`},
		{"forwarded obfuscated port", `for="198.51.100.17:_port"`, `for="198.51.100.0:_port"`},

		// URIs and query strings
		{"query", "/?ip=203.0.113.77&x=1", "/?ip=203.0.113.0&x=1"},
		{"url ipv6", "http://[2001:db8:1:2::1]/x", "http://[2001:db8:1::]/x"},
		{"url ipv4 port", "http://203.0.113.7:8080/wp-login.php", "http://203.0.113.0:8080/wp-login.php"},
		{"query encoded colons", "/?v6=2001%3Adb8%3A1%3A2%3A%3A1&x=1", "/?v6=2001%3Adb8%3A1%3A%3A&x=1"},
		{"query encoded lower", "/?v6=2001%3adb8%3a1%3a2%3a%3a1", "/?v6=2001%3Adb8%3A1%3A%3A"},
		{"query encoded ipv4 port", "/?peer=203.0.113.7%3A8080", "/?peer=203.0.113.0%3A8080"},
		{"encoded url in query", "/?r=http%3A%2F%2F203.0.113.7%2Fwp-admin", "/?r=http%3A%2F%2F203.0.113.0%2Fwp-admin"},
		{"encoded bracket url", "/?r=http%3A%2F%2F%5B2001%3Adb8%3A1%3A2%3A%3A1%5D%2F", "/?r=http%3A%2F%2F%5B2001%3Adb8%3A1%3A%3A%5D%2F"},
		{"path segment", "/download/203.0.113.7/file", "/download/203.0.113.0/file"},
		{"version-like path is truncated too", "/static/1.2.3.4/app.js", "/static/1.2.3.0/app.js"},
		{"ipv4 inside host name", "1.2.3.4.nip.io", "1.2.3.0.nip.io"},
		{"ipv4 after host label", "abc.1.2.3.4", "abc.1.2.3.0"},

		// messages
		{"stdlib tls message", "http: TLS handshake error from 203.0.113.7:51234: EOF", "http: TLS handshake error from 203.0.113.0:51234: EOF"},
		{"dial error", "read tcp 10.0.0.1:443->203.0.113.7:51234: i/o timeout", "read tcp 10.0.0.0:443->203.0.113.0:51234: i/o timeout"},
		{"a::b is an address", "a::b", "a::"},

		// look-alikes that are not addresses
		{"three labels", "1.2.3", "1.2.3"},
		{"five labels", "1.2.3.4.5", "1.2.3.4.5"},
		{"octet too big", "999.1.1.1", "999.1.1.1"},
		{"octet four digits", "1.2.3.0255", "1.2.3.0255"},
		{"glued left", "v1.2.3.4", "v1.2.3.4"},
		{"glued left hex", "a203.0.113.7", "a203.0.113.7"},
		{"glued right", "203.0.113.7px", "203.0.113.7px"},
		{"glued underscore", "_203.0.113.7", "_203.0.113.7"},
		{"glued ipv6", "x2001:db8::1", "x2001:db8::1"},
		{"cpp scope", "std::vector<int>", "std::vector<int>"},
		{"ruby scope", "Foo::Bar", "Foo::Bar"},
		{"hex words", "cafe:babe", "cafe:babe"},
		{"three hex words", "dead:beef:cafe", "dead:beef:cafe"},
		{"time", "12:34:56", "12:34:56"},
		{"timestamp", "2026-11-21T10:20:30.123Z", "2026-11-21T10:20:30.123Z"},
		{"mac address", "00:1a:2b:3c:4d:5e", "00:1a:2b:3c:4d:5e"},
		{"chrome version", "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0.6099.109 Safari/537.36", "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0.6099.109 Safari/537.36"},
		{"oid", "1.3.6.1.4.1.2.3", "1.3.6.1.4.1.2.3"},
		{"percent sign", "100% done: 3.5", "100% done: 3.5"},
		{"escape hex before digits", "%2F1.2.3", "%2F1.2.3"},
		{"empty", "", ""},
	}
	tr := Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tr.String(tt.in); got != tt.want {
				t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if got := tr.String(tt.want); got != tt.want {
				t.Errorf("String(%q) is not idempotent: %q", tt.want, got)
			}
		})
	}
}

func TestStringBits(t *testing.T) {
	tests := []struct {
		name string
		tr   Truncator
		in   string
		want string
	}{
		{"strict", Truncator{16, 32}, "203.0.113.77 2001:db8:1234::1", "203.0.0.0 2001:db8::"},
		{"zero value keeps nothing", Truncator{}, "203.0.113.77 [2001:db8::1]:80", "0.0.0.0 [::]:80"},
		{"keep all", Truncator{32, 128}, "203.0.113.77 2001:db8::1", "203.0.113.77 2001:db8::1"},
		{"odd bits", Truncator{20, 52}, "203.0.127.255 2001:db8:1234:5fff::", "203.0.112.0 2001:db8:1234:5000::"},
		{"out of range clamped", Truncator{-3, 999}, "203.0.113.77 2001:db8::1", "0.0.0.0 2001:db8::1"},
		{"mapped uses ipv4 bits", Truncator{8, 128}, "::ffff:203.0.113.77", "::ffff:203.0.0.0"},
		{"nat64 cut to ipv4 bits", Truncator{24, 128}, "64:ff9b::203.0.113.77", "64:ff9b::cb00:7100"},
		{"teredo cut to ipv4 bits", Truncator{24, 128}, "2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001:0:4136:e378:8000:63bf:3fff:fd00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.tr.String(tt.in); got != tt.want {
				t.Errorf("%+v.String(%q) = %q, want %q", tt.tr, tt.in, got, tt.want)
			}
		})
	}
}

// Nothing to truncate: String hands back its argument and allocates nothing.
func TestStringNoAllocation(t *testing.T) {
	inputs := []string{
		"GET",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.86 Safari/537.36",
		"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
		"/wp-content/themes/twentytwentyfour/style.css?ver=1.2.3",
		"203.0.113.0", // already truncated
		"2001:db8:1234::",
		"std::vector 12:34:56 cafe:babe v1.2.3.4 999.1.1.1",
		"/?q=100%25&r=%2Fpath",
	}
	tr := Default()
	for _, in := range inputs {
		var out string
		allocs := testing.AllocsPerRun(100, func() { out = tr.String(in) })
		if allocs != 0 {
			t.Errorf("String(%q): %v allocations, want 0", in, allocs)
		}
		if unsafe.StringData(out) != unsafe.StringData(in) {
			t.Errorf("String(%q) returned a copy", in)
		}
	}
}

func TestBytes(t *testing.T) {
	tr := Default()
	in := []byte("client 203.0.113.77")
	if got := string(tr.Bytes(in)); got != "client 203.0.113.0" {
		t.Errorf("Bytes = %q", got)
	}
	if string(in) != "client 203.0.113.77" {
		t.Errorf("Bytes modified its argument: %q", in)
	}
	same := []byte("no address here: 1.2.3")
	if got := tr.Bytes(same); &got[0] != &same[0] {
		t.Error("Bytes copied a slice with nothing to truncate")
	}
	if got := tr.Bytes(nil); got != nil {
		t.Errorf("Bytes(nil) = %q", got)
	}
}

func TestIP(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"203.0.113.77", "203.0.113.0"},
		{"2001:db8:1234:5678::1", "2001:db8:1234::"},
		{"::ffff:203.0.113.77", "::ffff:203.0.113.0"},
		{"fe80::1:2%eth0", "fe80::%eth0"},
		{"2002:cb00:714d:1::", "2002:cb00:7100::"},
		{"64:ff9b::203.0.113.77", "64:ff9b::"},
	}
	tr := Default()
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := tr.IP(netip.MustParseAddr(tt.in)); got != netip.MustParseAddr(tt.want) {
				t.Errorf("IP(%s) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
	if got := tr.IP(netip.Addr{}); got.IsValid() {
		t.Errorf("IP(zero) = %s", got)
	}
}

func TestRemoteAddr(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"203.0.113.77:54321", "203.0.113.0:54321"},
		{"[2001:db8:1234:5678::1]:443", "[2001:db8:1234::]:443"},
		{"[fe80::1%eth0]:80", "[fe80::%eth0]:80"},
		{"[::ffff:203.0.113.77]:80", "[::ffff:203.0.113.0]:80"},
		{"203.0.113.77", "203.0.113.0"},
		{"203.0.113.0:80", "203.0.113.0:80"},
		{"@", "@"},
		{"/run/caddy.sock", "/run/caddy.sock"},
		{"", ""},
	}
	tr := Default()
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := tr.RemoteAddr(tt.in); got != tt.want {
				t.Errorf("RemoteAddr(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		tr      Truncator
		wantErr string
	}{
		{Default(), ""},
		{Truncator{0, 0}, ""},
		{Truncator{32, 128}, ""},
		{Truncator{33, 48}, "ipv4 bits must be from 0 to 32, got 33"},
		{Truncator{-1, 48}, "ipv4 bits must be from 0 to 32, got -1"},
		{Truncator{24, 129}, "ipv6 bits must be from 0 to 128, got 129"},
	}
	for _, tt := range tests {
		err := tt.tr.Validate()
		if (err == nil) != (tt.wantErr == "") || err != nil && err.Error() != tt.wantErr {
			t.Errorf("%+v.Validate() = %v, want %q", tt.tr, err, tt.wantErr)
		}
	}
}

func TestRequest(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "[2001:db8:1234:5678::9]:55555"
	shared := []string{"203.0.113.77, 198.51.100.9", "10.1.2.3"}
	r.Header["X-Forwarded-For"] = shared
	set := map[string]string{
		"X-Real-Ip":           "203.0.113.78",
		"Forwarded":           `for="[2001:db8:cafe:1::17]:4711";proto=https, for=_hidden`,
		"Cf-Connecting-Ip":    "2001:db8:cafe:1::18",
		"True-Client-Ip":      "203.0.113.79",
		"Fastly-Client-Ip":    "203.0.113.80",
		"X-Client-Ip":         "203.0.113.81",
		"X-Cluster-Client-Ip": "203.0.113.82",
		"User-Agent":          "curl/8.5.0",
		"X-Unrelated":         "203.0.113.83",         // any name may carry the client (audit L2)
		"Cookie":              "last_ip=203.0.113.84", // cookies reach the upstream as sent
		"If-None-Match":       `"1.2.3.4"`,
	}
	for k, v := range set {
		r.Header.Set(k, v)
	}

	Default().Request(r)

	want := map[string][]string{
		"X-Forwarded-For":     {"203.0.113.0, 198.51.100.0", "10.1.2.0"},
		"X-Real-Ip":           {"203.0.113.0"},
		"Forwarded":           {`for="[2001:db8:cafe::]:4711";proto=https, for=_hidden`},
		"Cf-Connecting-Ip":    {"2001:db8:cafe::"},
		"True-Client-Ip":      {"203.0.113.0"},
		"Fastly-Client-Ip":    {"203.0.113.0"},
		"X-Client-Ip":         {"203.0.113.0"},
		"X-Cluster-Client-Ip": {"203.0.113.0"},
		"User-Agent":          {"curl/8.5.0"},
		"X-Unrelated":         {"203.0.113.0"},
		"Cookie":              {"last_ip=203.0.113.84"},
		"If-None-Match":       {`"1.2.3.4"`},
	}
	for k, v := range want {
		if got := r.Header[k]; strings.Join(got, "|") != strings.Join(v, "|") {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if r.RemoteAddr != "[2001:db8:1234::]:55555" {
		t.Errorf("RemoteAddr = %q", r.RemoteAddr)
	}
	if shared[0] != "203.0.113.77, 198.51.100.9" {
		t.Errorf("Request wrote into a slice it did not own: %q", shared)
	}
}

func FuzzString(f *testing.F) {
	f.Add("for=\"[2001:db8:cafe::17]:4711\";proto=https", []byte{203, 0, 113, 77}, uint8(24), uint8(48))
	f.Add("/?ip=2001%3Adb8%3A%3A1&v=1.2.3.4", []byte{0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, uint8(16), uint8(32))
	f.Add("fe80::1%eth0 :: a::b 010.1.1.1.", []byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4}, uint8(0), uint8(0))
	f.Fuzz(func(t *testing.T, s string, raw []byte, v4, v6 uint8) {
		tr := Truncator{V4Bits: int(v4 % 33), V6Bits: int(v6 % 129)}
		out := tr.String(s)
		if !strings.ContainsAny(s, ".:%") && out != s {
			t.Fatalf("String(%q) = %q changed a string that cannot hold an address", s, out)
		}
		if again := tr.String(out); again != out {
			t.Fatalf("not idempotent: %q → %q → %q", s, out, again)
		}
		ip, ok := netip.AddrFromSlice(raw)
		if !ok {
			return
		}
		// An address standing between spaces is always found, whatever
		// surrounds it.
		in := s + " " + ip.String() + " " + s
		want := " " + tr.IP(ip).String() + " "
		if got := tr.String(in); !strings.Contains(got, want) {
			t.Fatalf("String(%q) = %q, want it to contain %q", in, got, want)
		}
	})
}

func TestStringEncodedNoAllocation(t *testing.T) {
	tr := Default()
	in := "/?q=a%3Ab%3Ac%3Ad&r=12%3A34%3A56"
	if allocs := testing.AllocsPerRun(100, func() { _ = tr.String(in) }); allocs != 0 {
		t.Errorf("String(%q): %v allocations, want 0", in, allocs)
	}
}
