package iplog

import (
	"testing"

	"go.uber.org/zap/zapcore"
)

// ipMaskFilter is the field list ops would need for the filter encoder to
// cover the same addresses (and it still misses Forwarded and the URI).
const ipMaskFilter = `{"fields":{
	"request>remote_ip":{"filter":"ip_mask","ipv4_cidr":24,"ipv6_cidr":48},
	"request>client_ip":{"filter":"ip_mask","ipv4_cidr":24,"ipv6_cidr":48},
	"request>headers>X-Forwarded-For":{"filter":"ip_mask","ipv4_cidr":24,"ipv6_cidr":48},
	"request>headers>X-Real-Ip":{"filter":"ip_mask","ipv4_cidr":24,"ipv6_cidr":48},
	"request>headers>Cf-Connecting-Ip":{"filter":"ip_mask","ipv4_cidr":24,"ipv6_cidr":48},
	"request>headers>True-Client-Ip":{"filter":"ip_mask","ipv4_cidr":24,"ipv6_cidr":48}
}}`

// BenchmarkEncodeEntry encodes a typical access log entry (a WordPress page
// behind one proxy) with json alone, ip_truncate around json, and the filter
// encoder with ip_mask on the address fields.
func BenchmarkEncodeEntry(b *testing.B) {
	typical := accessFields(accessRequest("203.0.113.77:54321", "198.51.100.23",
		"/2026/11/21/hello-world/?utm_source=newsletter&utm_medium=email",
		map[string][]string{
			"User-Agent":      {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"},
			"Accept":          {"text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"},
			"Accept-Encoding": {"gzip, deflate, br, zstd"},
			"Accept-Language": {"nb-NO,nb;q=0.9,no;q=0.8,nn;q=0.7,en-US;q=0.6,en;q=0.5"},
			"Referer":         {"https://www.example.no/"},
			"Cookie":          {"REDACTED"},
			"X-Forwarded-For": {"198.51.100.23"},
		}))
	noAddress := accessFields(accessRequest("@", "", "/2026/11/21/hello-world/",
		map[string][]string{
			"User-Agent":      {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"},
			"Accept":          {"text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"},
			"Accept-Encoding": {"gzip, deflate, br, zstd"},
			"Accept-Language": {"nb-NO,nb;q=0.9,no;q=0.8,nn;q=0.7,en-US;q=0.6,en;q=0.5"},
			"Referer":         {"https://www.example.no/"},
			"Cookie":          {"REDACTED"},
		}))
	encoders := []struct{ name, id, raw string }{
		{"json", "caddy.logging.encoders.json", `{}`},
		{"ip_truncate", "caddy.logging.encoders.ip_truncate", `{}`},
		{"filter_ip_mask", "caddy.logging.encoders.filter", ipMaskFilter},
	}
	entries := []struct {
		name   string
		fields []zapcore.Field
	}{
		{"typical", typical},
		{"no_address", noAddress},
	}
	for _, entry := range entries {
		for _, e := range encoders {
			b.Run(entry.name+"/"+e.name, func(b *testing.B) {
				enc := loadEncoder(b, e.id, e.raw)
				b.ReportAllocs()
				for b.Loop() {
					buf, err := enc.EncodeEntry(fixedEntry, entry.fields)
					if err != nil {
						b.Fatal(err)
					}
					buf.Free()
				}
			})
		}
	}
}

// BenchmarkString measures the fast path and a truncating path.
func BenchmarkString(b *testing.B) {
	for _, in := range []struct{ name, s string }{
		{"user_agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"},
		{"no_dot", "gzip, deflate, br, zstd"},
		{"xff", "203.0.113.77, 2001:db8:1234:5678::9"},
	} {
		b.Run(in.name, func(b *testing.B) {
			tr := Default()
			b.SetBytes(int64(len(in.s)))
			b.ReportAllocs()
			for b.Loop() {
				_ = tr.String(in.s)
			}
		})
	}
}
