package iplog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
	"go.uber.org/multierr"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// loadEncoder provisions and validates a log encoder module the way Caddy
// does when it loads a config.
func loadEncoder(tb testing.TB, id, raw string) zapcore.Encoder {
	tb.Helper()
	enc, err := tryLoadEncoder(tb, id, raw)
	if err != nil {
		tb.Fatalf("loading %s %s: %v", id, raw, err)
	}
	return enc
}

func tryLoadEncoder(tb testing.TB, id, raw string) (zapcore.Encoder, error) {
	tb.Helper()
	ctx, cancel := caddy.NewContext(caddy.Context{Context: context.Background()})
	tb.Cleanup(cancel)
	mod, err := ctx.LoadModuleByID(id, json.RawMessage(raw))
	if err != nil {
		return nil, err
	}
	return mod.(zapcore.Encoder), nil
}

var fixedEntry = zapcore.Entry{
	Level:      zapcore.InfoLevel,
	Time:       time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC),
	LoggerName: "http.log.access.log0",
	Message:    "handled request",
}

// accessRequest is the request object Caddy logs, built from a real
// http.Request with a client_ip variable as the server sets it.
func accessRequest(remote, clientIP string, uri string, headers map[string][]string) caddyhttp.LoggableHTTPRequest {
	r := httptest.NewRequest("GET", uri, nil)
	r.RequestURI = uri
	r.RemoteAddr = remote
	r.Header = headers
	vars := map[string]any{}
	if clientIP != "" {
		vars[caddyhttp.ClientIPVarKey] = clientIP
	}
	r = r.WithContext(context.WithValue(r.Context(), caddyhttp.VarsCtxKey, vars))
	return caddyhttp.LoggableHTTPRequest{Request: r}
}

// accessFields are the fields Caddy's server.logRequest writes.
func accessFields(req caddyhttp.LoggableHTTPRequest) []zapcore.Field {
	return []zapcore.Field{
		zap.Object("request", req),
		zap.Int("bytes_read", 0),
		zap.String("user_id", ""),
		zap.Duration("duration", 1234567*time.Nanosecond),
		zap.Int("size", 5120),
		zap.Int("status", 200),
		zap.Object("resp_headers", caddyhttp.LoggableHTTPHeader{Header: map[string][]string{
			"Content-Type":  {"text/html; charset=UTF-8"},
			"Server":        {"Caddy"},
			"Vary":          {"Accept-Encoding, Cookie"},
			"Cache-Control": {"private, max-age=0"},
		}}),
	}
}

type peer struct{ Name, Addr string }

func (p peer) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	enc.AddString("name", p.Name)
	enc.AddByteString("addr", []byte(p.Addr))
	return enc.AddArray("seen", zapcore.ArrayMarshalerFunc(func(ae zapcore.ArrayEncoder) error {
		ae.AppendString(p.Addr)
		ae.AppendByteString([]byte("via " + p.Addr))
		ae.AppendInt(7)
		return ae.AppendReflected(map[string]string{"ip": p.Addr})
	}))
}

type peers []peer

func (ps peers) MarshalLogArray(enc zapcore.ArrayEncoder) error {
	for _, p := range ps {
		if err := enc.AppendObject(p); err != nil {
			return err
		}
	}
	return enc.AppendArray(zapcore.ArrayMarshalerFunc(func(ae zapcore.ArrayEncoder) error {
		ae.AppendString("198.51.100.201")
		return nil
	}))
}

// TestEncoderTruncatesEverything logs entries that carry addresses in every
// kind of field through a real zap core and checks the JSON that comes out.
func TestEncoderTruncatesEverything(t *testing.T) {
	var out strings.Builder
	enc := loadEncoder(t, "caddy.logging.encoders.ip_truncate", `{}`)
	logger := zap.New(zapcore.NewCore(enc, zapcore.AddSync(&out), zapcore.DebugLevel)).
		With(zap.String("server_peer", "203.0.113.1"), zap.Object("peer", peer{"with", "203.0.113.2"}))

	req := accessRequest("203.0.113.77:54321", "2001:db8:1234:5678::9",
		"/wp-login.php?ip=203.0.113.78&v6=2001%3Adb8%3A1%3A2%3A%3A1&next=http://[2001:db8:3:4::1]/x",
		map[string][]string{
			"X-Forwarded-For":  {"203.0.113.79, 2001:db8:1234:5678::9", "198.51.100.1"},
			"X-Real-Ip":        {"203.0.113.80"},
			"Forwarded":        {`for="[2001:db8:cafe:1::17]:4711";proto=https, For=198.51.100.23;by=203.0.113.81`, "for=_hidden"},
			"Cf-Connecting-Ip": {"2001:db8:cafe:2::18"},
			"True-Client-Ip":   {"203.0.113.82"},
			"Referer":          {"http://203.0.113.83:8080/page"},
			"User-Agent":       {"Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0.6778.86 Safari/537.36"},
			"X-Zoned":          {"fe80::1:2:3:4%eth0", "[::ffff:203.0.113.84]:80"},
		})
	logger.Info("upstream 203.0.113.85 failed", accessFields(req)...)
	logger.Error("everything else",
		zap.Object("request", req),
		zap.Error(fmt.Errorf("dial tcp 203.0.113.86:80: connection refused")),
		zap.NamedError("group", multierr.Combine(errors.New("from 203.0.113.87"), errors.New("to 2001:db8:cafe:3::1"))),
		zap.Stringer("addr", netip.MustParseAddrPort("203.0.113.88:80")),
		zap.ByteString("raw", []byte("from 203.0.113.89")),
		zap.Strings("upstreams", []string{"10.0.0.5:8080", "[2001:db8:1:2::5]:80"}),
		zap.Any("reflected", map[string]any{"peer": "203.0.113.90", "203.0.113.91": []any{"2001:db8:5:6::1", 1.5}}),
		zap.Array("peers", peers{{"a", "203.0.113.92"}, {"b", "2001:db8:cafe:4::1"}}),
		zap.String("203.0.113.93", "key holds an address"),
		zap.Int("status", 502),
		zap.Namespace("ns"),
		zap.String("inside", "203.0.113.94"),
	)

	text := out.String()
	for _, full := range []string{
		"203.0.113.1", "203.0.113.2", "203.0.113.77", "2001:db8:1234:5678", "203.0.113.78",
		"2001%3Adb8%3A1%3A2", "2001:db8:3:4", "203.0.113.79", "198.51.100.1,", "198.51.100.1\"",
		"203.0.113.80", "2001:db8:cafe:1:", "198.51.100.23", "203.0.113.81", "2001:db8:cafe:2:",
		"203.0.113.82", "203.0.113.83", "fe80::1", "203.0.113.84", "203.0.113.85", "203.0.113.86",
		"203.0.113.87", "2001:db8:cafe:3:", "203.0.113.88", "203.0.113.89", "10.0.0.5", "2001:db8:1:2:",
		"203.0.113.90", "203.0.113.91", "2001:db8:5:6", "203.0.113.92", "2001:db8:cafe:4:", "198.51.100.201",
		"203.0.113.93", "203.0.113.94",
	} {
		if strings.Contains(text, full) {
			t.Errorf("output holds full address %q:\n%s", full, text)
		}
	}

	lines := strings.Split(strings.TrimSpace(text), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 lines, got %d:\n%s", len(lines), text)
	}
	var access, other map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &access); err != nil {
		t.Fatalf("line 1 is no JSON: %v\n%s", err, lines[0])
	}
	if err := json.Unmarshal([]byte(lines[1]), &other); err != nil {
		t.Fatalf("line 2 is no JSON: %v\n%s", err, lines[1])
	}
	checks := []struct {
		entry map[string]any
		path  string
		want  string
	}{
		{access, "msg", "upstream 203.0.113.0 failed"},
		{access, "server_peer", "203.0.113.0"},
		{access, "peer>addr", "203.0.113.0"},
		{access, "request>remote_ip", "203.0.113.0"},
		{access, "request>remote_port", "54321"},
		{access, "request>client_ip", "2001:db8:1234::"},
		{access, "request>uri", "/wp-login.php?ip=203.0.113.0&v6=2001%3Adb8%3A1%3A%3A&next=http://[2001:db8:3::]/x"},
		{access, "request>headers>X-Forwarded-For", `["203.0.113.0, 2001:db8:1234::","198.51.100.0"]`},
		{access, "request>headers>X-Real-Ip", `["203.0.113.0"]`},
		{access, "request>headers>Forwarded", `["for=\"[2001:db8:cafe::]:4711\";proto=https, For=198.51.100.0;by=203.0.113.0","for=_hidden"]`},
		{access, "request>headers>Cf-Connecting-Ip", `["2001:db8:cafe::"]`},
		{access, "request>headers>True-Client-Ip", `["203.0.113.0"]`},
		{access, "request>headers>Referer", `["http://203.0.113.0:8080/page"]`},
		{access, "request>headers>User-Agent", `["Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0.6778.86 Safari/537.36"]`},
		{access, "request>headers>X-Zoned", `["fe80::%eth0","[::ffff:203.0.113.0]:80"]`},
		{access, "status", "200"},
		{access, "duration", "0.001234567"},
		{access, "resp_headers>Vary", `["Accept-Encoding, Cookie"]`},
		{other, "error", "dial tcp 203.0.113.0:80: connection refused"},
		{other, "groupCauses", `[{"error":"from 203.0.113.0"},{"error":"to 2001:db8:cafe::"}]`},
		{other, "addr", "203.0.113.0:80"},
		{other, "raw", "from 203.0.113.0"},
		{other, "upstreams", `["10.0.0.0:8080","[2001:db8:1::]:80"]`},
		{other, "reflected", `{"203.0.113.0":["2001:db8:5::",1.5],"peer":"203.0.113.0"}`},
		{other, "peers", `[{"addr":"203.0.113.0","name":"a","seen":["203.0.113.0","via 203.0.113.0",7,{"ip":"203.0.113.0"}]},{"addr":"2001:db8:cafe::","name":"b","seen":["2001:db8:cafe::","via 2001:db8:cafe::",7,{"ip":"2001:db8:cafe::"}]},["198.51.100.0"]]`},
		{other, "203.0.113.0", "key holds an address"},
		{other, "ns>inside", "203.0.113.0"},
	}
	for _, c := range checks {
		if got := lookup(c.entry, c.path); got != c.want {
			t.Errorf("%s = %s, want %s", c.path, got, c.want)
		}
	}
}

// lookup returns the value at a ">"-separated path: strings as they are,
// anything else as compact JSON.
func lookup(m map[string]any, path string) string {
	var v any = m
	for _, k := range strings.Split(path, ">") {
		obj, ok := v.(map[string]any)
		if !ok {
			return "<missing>"
		}
		if v, ok = obj[k]; !ok {
			return "<missing>"
		}
	}
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// Entries without an address come out byte for byte as the wrapped encoder
// writes them.
func TestEncoderPassesCleanEntriesUnchanged(t *testing.T) {
	wrappers := []string{"json", "console"}
	for _, w := range wrappers {
		t.Run(w, func(t *testing.T) {
			plain := loadEncoder(t, "caddy.logging.encoders."+w, `{}`)
			trunc := loadEncoder(t, "caddy.logging.encoders.ip_truncate", `{"wrap":{"format":"`+w+`"}}`)
			// one header per map: Go's map order would differ between the two runs
			req := accessRequest("@", "", "/wp-content/themes/x/style.css?ver=6.4.2", map[string][]string{
				"User-Agent": {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0.6778.86 Safari/537.36", "text/css,*/*;q=0.1"},
			})
			fields := append(accessFields(req)[:6],
				zap.Object("resp_headers", caddyhttp.LoggableHTTPHeader{Header: map[string][]string{"Vary": {"Accept-Encoding, Cookie"}}}),
				zap.Error(errors.New("write: broken pipe")), zap.Any("cfg", map[string]int{"a": 1}),
				zap.Namespace("ns"), zap.Strings("hosts", []string{"example.com", "cdn.example.com"}))
			want, err := plain.EncodeEntry(fixedEntry, fields)
			if err != nil {
				t.Fatal(err)
			}
			got, err := trunc.EncodeEntry(fixedEntry, fields)
			if err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Errorf("ip_truncate changed an entry without addresses:\n got %s\nwant %s", got, want)
			}
		})
	}
}

// The encoder must not cost an allocation on an entry without addresses.
func TestEncoderNoExtraAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under the race detector")
	}
	plain := loadEncoder(t, "caddy.logging.encoders.json", `{}`)
	trunc := loadEncoder(t, "caddy.logging.encoders.ip_truncate", `{}`)
	req := accessRequest("@", "", "/index.php?p=42", map[string][]string{
		"User-Agent":      {"Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0.6778.86 Safari/537.36"},
		"Accept-Language": {"nb-NO,nb;q=0.9,no;q=0.8,en;q=0.5"},
		"Cookie":          {"wordpress_logged_in_abc=secret"},
	})
	fields := accessFields(req)
	measure := func(enc zapcore.Encoder) float64 {
		return testing.AllocsPerRun(200, func() {
			buf, err := enc.EncodeEntry(fixedEntry, fields)
			if err != nil {
				t.Fatal(err)
			}
			buf.Free()
		})
	}
	if p, tr := measure(plain), measure(trunc); tr > p {
		t.Errorf("ip_truncate: %v allocations per entry, json alone: %v", tr, p)
	}
}

func TestEncoderWrapsOtherEncoders(t *testing.T) {
	tests := []struct {
		name, id, raw string
		want          []string // substrings of the line
		notWant       []string
	}{
		{
			name:    "inside a filter encoder",
			id:      "caddy.logging.encoders.filter",
			raw:     `{"wrap":{"format":"ip_truncate"},"fields":{"request>headers>User-Agent":{"filter":"delete"}}}`,
			want:    []string{"from 203.0.113.0", `"remote_ip":"203.0.113.0"`, `"X-Real-Ip":["198.51.100.0"]`},
			notWant: []string{"User-Agent"},
		},
		{
			name: "console",
			raw:  `{"wrap":{"format":"console"}}`,
			want: []string{"from 203.0.113.0", `"remote_ip": "203.0.113.0"`},
		},
		{
			name:    "filter deletes a field, ip_truncate the rest",
			raw:     `{"ipv4_bits":16,"wrap":{"format":"filter","fields":{"request>headers>User-Agent":{"filter":"delete"}}}}`,
			want:    []string{"from 203.0.0.0", `"remote_ip":"203.0.0.0"`, `"X-Real-Ip":["198.51.0.0"]`},
			notWant: []string{"User-Agent"},
		},
		{
			name: "json with options",
			raw:  `{"ipv6_bits":32,"wrap":{"format":"json","message_key":"message"}}`,
			want: []string{`"message":"from 203.0.113.0"`, `"X-Forwarded-For":["2001:db8::"]`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.id == "" {
				tt.id = "caddy.logging.encoders.ip_truncate"
			}
			enc := loadEncoder(t, tt.id, tt.raw)
			req := accessRequest("203.0.113.7:443", "", "/", map[string][]string{
				"User-Agent":      {"curl/8.5.0"},
				"X-Real-Ip":       {"198.51.100.7"},
				"X-Forwarded-For": {"2001:db8:1234:5678::1"},
			})
			ent := fixedEntry
			ent.Message = "from 203.0.113.7"
			buf, err := enc.EncodeEntry(ent, []zapcore.Field{zap.Object("request", req)})
			if err != nil {
				t.Fatal(err)
			}
			line := buf.String()
			for _, w := range tt.want {
				if !strings.Contains(line, w) {
					t.Errorf("missing %s in %s", w, line)
				}
			}
			for _, w := range append(tt.notWant, "203.0.113.7", "198.51.100.7", "5678") {
				if strings.Contains(line, w) {
					t.Errorf("unexpected %s in %s", w, line)
				}
			}
		})
	}
}

// zap calls EncodeEntry from many goroutines at once on one encoder.
func TestEncoderConcurrent(t *testing.T) {
	enc := loadEncoder(t, "caddy.logging.encoders.ip_truncate", `{}`)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 1; i <= 200; i++ {
				addr := fmt.Sprintf("203.0.%d.%d", g, i)
				req := accessRequest(addr+":80", "", "/", map[string][]string{"X-Real-Ip": {addr}})
				buf, err := enc.EncodeEntry(fixedEntry, accessFields(req))
				if err != nil {
					t.Error(err)
					return
				}
				want := fmt.Sprintf(`"X-Real-Ip":["203.0.%d.0"]`, g)
				if line := buf.String(); !strings.Contains(line, want) || strings.Contains(line, addr+`"`) {
					t.Errorf("entry %d/%d mixed up: %s", g, i, line)
					return
				}
				buf.Free()
			}
		}()
	}
	wg.Wait()
}

func TestEncoderValidate(t *testing.T) {
	tests := []struct {
		raw, wantErr string
	}{
		{`{"ipv4_bits":0,"ipv6_bits":0}`, ""},
		{`{"ipv4_bits":32,"ipv6_bits":128}`, ""},
		{`{"ipv4_bits":33}`, "ip_truncate: ipv4 bits must be from 0 to 32, got 33"},
		{`{"ipv6_bits":-1}`, "ip_truncate: ipv6 bits must be from 0 to 128, got -1"},
		{`{"wrap":{"format":"nope"}}`, "unknown module: caddy.logging.encoders.nope"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			_, err := tryLoadEncoder(t, "caddy.logging.encoders.ip_truncate", tt.raw)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
	// zero bits are honoured, not replaced by the defaults
	enc := loadEncoder(t, "caddy.logging.encoders.ip_truncate", `{"ipv4_bits":0,"ipv6_bits":0}`)
	buf, err := enc.EncodeEntry(fixedEntry, []zapcore.Field{zap.String("a", "203.0.113.7 2001:db8::1")})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"a":"0.0.0.0 ::"`) {
		t.Errorf("zero bits: %s", buf)
	}
}

// Excepted addresses stay whole in the message and in fields that name no
// client; under client keys everything is truncated.
func TestEncoderExcept(t *testing.T) {
	enc := loadEncoder(t, "caddy.logging.encoders.ip_truncate", `{"except":["10.0.0.0/8","2001:db8:9::/48","192.0.2.7"]}`)
	ent := fixedEntry
	ent.Message = "dial tcp 10.0.0.5:9000: connect: connection refused; [2001:db8:9::5]:80 and 203.0.113.7"
	req := accessRequest("10.1.2.3:5555", "10.9.9.9", "/?u=10.0.0.5", map[string][]string{"X-Forwarded-For": {"10.9.9.9, 192.0.2.7"}})
	buf, err := enc.EncodeEntry(ent, []zapcore.Field{
		zap.Object("request", req),
		zap.String("upstream", "10.0.0.5:9000"),
		zap.String("error", "dial tcp [::ffff:10.0.0.5]:9000 via 192.0.2.7 and 192.0.2.8"),
		zap.String("client_ip", "10.9.9.9"),
		zap.Strings("ips", []string{"10.0.0.6", "198.51.100.9"}),
	})
	if err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		`"msg":"dial tcp 10.0.0.5:9000: connect: connection refused; [2001:db8:9::5]:80 and 203.0.113.0"`,
		`"upstream":"10.0.0.5:9000"`,
		`"error":"dial tcp [::ffff:10.0.0.5]:9000 via 192.0.2.7 and 192.0.2.0"`,
		`"ips":["10.0.0.6","198.51.100.0"]`,
		`"remote_ip":"10.1.2.0"`,
		`"client_ip":"10.9.9.0"`,
		`"uri":"/?u=10.0.0.0"`,
		`"X-Forwarded-For":["10.9.9.0, 192.0.2.0"]`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
	if strings.Contains(out, "10.9.9.9") || strings.Contains(out, "10.1.2.3") {
		t.Errorf("a client address is whole:\n%s", out)
	}
}

func TestUnmarshalCaddyfile(t *testing.T) {
	tests := []struct {
		name, input, want, wantErr string
	}{
		{"bare", `ip_truncate`, `{}`, ""},
		{"ipv4 only", `ip_truncate 16`, `{"ipv4_bits":16}`, ""},
		{"both", `ip_truncate 0 128`, `{"ipv4_bits":0,"ipv6_bits":128}`, ""},
		{"wrap", "ip_truncate 16 32 {\n\twrap console\n}", `{"wrap":{"format":"console"},"ipv4_bits":16,"ipv6_bits":32}`, ""},
		{"wrap with options", "ip_truncate {\n\twrap json {\n\t\ttime_format iso8601\n\t}\n}", `{"wrap":{"format":"json","time_format":"iso8601"}}`, ""},
		{"wrap filter", "ip_truncate 16 {\n\twrap filter {\n\t\trequest>headers>User-Agent delete\n\t}\n}", `{"wrap":{"fields":{"request\u003eheaders\u003eUser-Agent":{"filter":"delete"}},"format":"filter"},"ipv4_bits":16}`, ""},
		{"too many args", `ip_truncate 1 2 3`, "", "wrong argument count or unexpected line ending after '3', at Testfile:1"},
		{"ipv4 range", `ip_truncate 33`, "", `ip_truncate: ipv4_bits must be a number from 0 to 32, got "33", at Testfile:1`},
		{"ipv6 range", `ip_truncate 24 129`, "", `ip_truncate: ipv6_bits must be a number from 0 to 128, got "129", at Testfile:1`},
		{"not a number", `ip_truncate /24`, "", `ipv4_bits must be a number from 0 to 32, got "/24", at Testfile:1`},
		{"unknown subdirective", "ip_truncate {\n\twrap json\n\tipv4 16\n}", "", `ip_truncate: unrecognized subdirective "ipv4", at Testfile:3`},
		{"wrap without encoder", "ip_truncate {\n\twrap\n}", "", "at Testfile:2"},
		{"wrap twice", "ip_truncate {\n\twrap json\n\twrap console\n}", "", "ip_truncate: wrap given twice, at Testfile:3"},
		{"wrap unknown", "ip_truncate {\n\twrap nope\n}", "", "caddy.logging.encoders.nope"},
		{"except", "ip_truncate {\n\texcept 10.0.0.0/8 2001:db8:9::/48\n\texcept 192.0.2.7 private_ranges\n}", `{"except":["10.0.0.0/8","2001:db8:9::/48","192.0.2.7","private_ranges"]}`, ""},
		{"except nothing", "ip_truncate {\n\texcept\n}", "", "at Testfile:2"},
		{"except bad", "ip_truncate {\n\texcept 10.0.0.0/33\n}", "", `ip_truncate: except: "10.0.0.0/33" is no network`},
		{"except word", "ip_truncate {\n\texcept backend\n}", "", `ip_truncate: except: "backend" is neither a network (10.0.0.0/8) nor an address, at Testfile:2`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e Encoder
			err := e.UnmarshalCaddyfile(caddyfile.NewTestDispenser(tt.input))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, _ := json.Marshal(e)
			if string(got) != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}
