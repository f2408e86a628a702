// Package iplog keeps full IP addresses out of logs, consent records and,
// when asked, away from the upstream. A Truncator cuts every address it finds
// in a string down to a network prefix (by default /24 for IPv4, /48 for
// IPv6); the log encoder caddy.logging.encoders.ip_truncate applies it to
// every field of every log entry.
//
// Recognition is textual and deliberately eager, because a leaked address
// costs more than a mangled version number: anything that parses as an
// address and is not glued to letters, digits or '_' is truncated, wherever it
// stands — plain, "ip:port", in comma lists, bracketed IPv6 with or without a
// port, zoned IPv6, IPv4-mapped IPv6, RFC 7239 Forwarded parameters, inside
// URIs and query strings (also with the colons percent-encoded as %3A).
// Four dot-separated decimal labels count as IPv4 even when they were meant as
// something else: the version in /static/1.2.3.4/app.js becomes 1.2.3.0, and
// leading zeros are read as decimal (010.0.0.7 becomes 10.0.0.0). What sits
// glued to a word is left alone: v1.2.3.4, std::vector, cafe:babe.
//
// The files truncate.go and request.go import nothing of Caddy.
package iplog

import (
	"fmt"
	"net/netip"
	"strings"
	"unsafe"
)

// Default prefix lengths: what Google Analytics' anonymize_ip and Matomo's
// lowest setting keep (see shared/research/rules-and-catalog.md §2.4).
const (
	DefaultV4Bits = 24
	DefaultV6Bits = 48
)

// Truncator truncates IP addresses to their leading bits. The zero value
// keeps no bits at all (every address becomes 0.0.0.0 or ::); use Default
// for the usual /24 and /48. Values out of range are clamped; Validate
// reports them.
type Truncator struct {
	V4Bits int // leading bits kept of an IPv4 address, 0-32
	V6Bits int // leading bits kept of an IPv6 address, 0-128

	// Except lists networks whose addresses are kept whole: the operator's
	// own (upstreams, load balancers), so an error names the backend that
	// failed. Whoever truncates a client's address uses Client, which
	// ignores them, because a client can put any address in a header.
	Except []netip.Prefix
}

// Client returns t without exceptions: the truncator for text that carries
// a client's address.
func (t Truncator) Client() Truncator {
	t.Except = nil
	return t
}

// kept reports whether ip lies in one of the excepted networks. Zones and
// IPv4 mapping do not hide an address from its network.
func (t Truncator) kept(ip netip.Addr) bool {
	if len(t.Except) == 0 {
		return false
	}
	ip = ip.WithZone("").Unmap()
	for _, p := range t.Except {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// Default returns the truncator that keeps /24 of IPv4 and /48 of IPv6.
func Default() Truncator {
	return Truncator{V4Bits: DefaultV4Bits, V6Bits: DefaultV6Bits}
}

// Validate reports prefix lengths out of range.
func (t Truncator) Validate() error {
	if t.V4Bits < 0 || t.V4Bits > 32 {
		return fmt.Errorf("ipv4 bits must be from 0 to 32, got %d", t.V4Bits)
	}
	if t.V6Bits < 0 || t.V6Bits > 128 {
		return fmt.Errorf("ipv6 bits must be from 0 to 128, got %d", t.V6Bits)
	}
	return nil
}

func (t Truncator) v4() int { return min(max(t.V4Bits, 0), 32) }
func (t Truncator) v6() int { return min(max(t.V6Bits, 0), 128) }

// IP returns ip with all but its leading bits zeroed. An IPv4-mapped IPv6
// address is cut by the IPv4 bits and stays mapped. Where an IPv6 address
// carries a whole IPv4 address inside its kept bits (6to4, NAT64, Teredo,
// IPv4-compatible), it is cut so that no more of that IPv4 address survives
// than V4Bits. The zone names an interface of this host, not the visitor, and
// is kept. An address in Except is returned whole.
func (t Truncator) IP(ip netip.Addr) netip.Addr {
	switch {
	case !ip.IsValid() || t.kept(ip):
		return ip
	case ip.Is4():
		return keep(ip, t.v4())
	case ip.Is4In6():
		return netip.AddrFrom16(keep(ip.Unmap(), t.v4()).As16()).WithZone(ip.Zone())
	}
	bits := t.v6()
	if at, ok := embeddedV4(ip); ok && bits > at+t.v4() {
		bits = at + t.v4()
	}
	return keep(ip, bits).WithZone(ip.Zone())
}

func keep(ip netip.Addr, bits int) netip.Addr {
	p, _ := ip.Prefix(bits) // bits is in range by construction
	return p.Addr()
}

// embeddedV4 reports at which bit an IPv6 address of a transition scheme
// carries an IPv4 address.
func embeddedV4(ip netip.Addr) (int, bool) {
	b := ip.As16()
	switch {
	case b[0] == 0x20 && b[1] == 0x02: // 6to4, RFC 3056: 2002:V4ADDR::/48
		return 16, true
	case b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0: // Teredo, RFC 4380: client address in the last 32 bits
		return 96, true
	case [12]byte(b[:12]) == [12]byte{0, 0x64, 0xff, 0x9b}: // NAT64 well-known prefix, RFC 6052
		return 96, true
	case [12]byte(b[:12]) == [12]byte{}: // IPv4-compatible, RFC 4291 §2.5.5.1
		return 96, true
	}
	return 0, false
}

// RemoteAddr truncates the address in a Go http.Request.RemoteAddr ("ip:port",
// "[ip%zone]:port") and keeps the port. Anything else, such as a unix socket
// "@", goes through String.
func (t Truncator) RemoteAddr(hostport string) string {
	ap, err := netip.ParseAddrPort(hostport)
	if err != nil {
		return t.String(hostport)
	}
	ip := t.IP(ap.Addr())
	if ip == ap.Addr() {
		return hostport
	}
	return netip.AddrPortFrom(ip, ap.Port()).String()
}

// String returns s with every IP address in it truncated (see the package doc
// for what counts as an address). When there is nothing to truncate it
// returns s itself and allocates nothing.
func (t Truncator) String(s string) string {
	if !mayHoldAddress(s) {
		return s
	}
	e := edit{s: s}
	// Every address holds a '.' or a ':' (or "%3A"): jump from one to the
	// next and handle the run of address characters around it, so plain
	// words cost one table lookup per byte.
	for i := 0; i < len(s); {
		p := i
		for p < len(s) && class[s[p]]&cSep == 0 {
			p++
		}
		if p == len(s) {
			break
		}
		if s[p] == '%' && !isEncodedColon(s, p) {
			i = p + 1
			if isEscape(s, p) {
				i = p + 3 // the hex digits of an escape never start an address
			}
			continue
		}
		start := p
		for start > i && class[s[start-1]]&cRun != 0 {
			start--
		}
		i = t.run(&e, start)
	}
	return e.result()
}

// Bytes is String for a byte slice. It returns b itself when there is
// nothing to truncate.
func (t Truncator) Bytes(b []byte) []byte {
	if len(b) == 0 {
		return b
	}
	// Read-only view: String either returns this very string (then nothing
	// escapes) or builds a new one.
	view := unsafe.String(&b[0], len(b))
	out := t.String(view)
	if unsafe.StringData(out) == unsafe.StringData(view) {
		return b
	}
	return []byte(out)
}

// mayHoldAddress is the fast path: every address text holds a '.' or a ':'
// (or a "%3A" standing for one). IndexByte is vectorised.
func mayHoldAddress(s string) bool {
	return strings.IndexByte(s, '.') >= 0 || strings.IndexByte(s, ':') >= 0 || strings.IndexByte(s, '%') >= 0
}

// run handles the maximal run of hex digits, dots and colons that starts at
// start and returns where it ends.
func (t Truncator) run(e *edit, start int) int {
	s := e.s
	end, colons, dots, encoded := start, 0, 0, false
	for end < len(s) {
		switch {
		case class[s[end]]&cRun != 0:
			switch s[end] {
			case ':':
				colons++
			case '.':
				dots++
			}
			end++
			continue
		case isEncodedColon(s, end):
			colons++
			encoded = true
			end += 3
			continue
		}
		break
	}
	if colons < 2 && dots < 3 {
		return end // too short for either family: most runs in text end here
	}
	gluedL := gluedBefore(s, start)
	gluedR := end < len(s) && class[s[end]]&cWord != 0
	if colons >= 2 && !gluedL && !gluedR && t.v6Run(e, start, end, encoded) {
		return end
	}
	t.v4Run(e, start, end, gluedL, gluedR)
	return end
}

// v6Run truncates the run s[a:b] if it is one IPv6 address, or one followed
// by an unbracketed ":port".
func (t Truncator) v6Run(e *edit, a, b int, encoded bool) bool {
	s := e.s
	for a < b && s[a] == '.' { // sentence punctuation, never part of IPv6 text
		a++
	}
	for b > a && s[b-1] == '.' {
		b--
	}
	if ip, ok := parseV6(s[a:b], encoded); ok {
		if !t.kept(ip) { // an excepted address keeps its spelling too
			e.replaceIP(a, b, t.IP(ip), encoded)
		}
		return true
	}
	// "2001:db8::1:443" parses as an address already; nine groups do not.
	p, width := lastColon(s[a:b])
	if p < 0 {
		return false
	}
	p += a
	port := s[p+width : b]
	if len(port) == 0 || len(port) > 5 || !allDigits(port) {
		return false
	}
	if ip, ok := parseV6(s[a:p], encoded); ok {
		if !t.kept(ip) {
			e.replaceIP(a, p, t.IP(ip), encoded)
		}
		return true
	}
	return false
}

// lastColon finds the last colon of a run, raw or encoded, and its width.
func lastColon(s string) (int, int) {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == ':' {
			return i, 1
		}
		if i+3 <= len(s) && isEncodedColon(s, i) {
			return i, 3
		}
	}
	return -1, 0
}

// parseV6 parses text as an IPv6 address without zone, decoding %3A first.
func parseV6(text string, encoded bool) (netip.Addr, bool) {
	const longest = len("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255")
	if encoded {
		if len(text) > 3*longest {
			return netip.Addr{}, false
		}
		var buf [3 * longest]byte
		n := 0
		for i := 0; i < len(text); i++ {
			if isEncodedColon(text, i) {
				buf[n] = ':'
				i += 2
			} else {
				buf[n] = text[i]
			}
			n++
		}
		if !looksV6(buf[:n]) {
			return netip.Addr{}, false // before string() allocates
		}
		text = string(buf[:n])
	}
	if len(text) > longest || !looksV6(text) {
		return netip.Addr{}, false
	}
	ip, err := netip.ParseAddr(text)
	if err != nil || !ip.Is6() {
		return netip.Addr{}, false
	}
	return ip, true
}

// looksV6 rejects most text that is no IPv6 address before ParseAddr does,
// because a parse error allocates: groups of at most four hex digits, dots
// only in the last one, and either one "::" or eight groups (seven when the
// last is an IPv4 address).
func looksV6[T string | []byte](text T) bool {
	colons, double, dotted := 0, false, false
	group := 0 // length of the current group
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c == ':':
			if dotted {
				return false
			}
			if i > 0 && text[i-1] == ':' {
				if double {
					return false
				}
				double = true
			}
			colons++
			group = 0
		case c == '.':
			dotted = true
		default:
			group++
			if group > 4 && !dotted {
				// an IPv4 tail is checked by ParseAddr
				if !hasDot(text[i:]) {
					return false
				}
			}
		}
	}
	if double {
		return colons <= 8
	}
	return colons == 7 || (colons == 6 && dotted)
}

// v4Run truncates every IPv4 address in the run s[a:b]: four decimal labels
// in a row, each at most 255, with no further decimal label on either side.
// Colons split the run, dots split labels. A label touching a word character
// outside the run counts as a word.
func (t Truncator) v4Run(e *edit, a, b int, gluedL, gluedR bool) {
	s := e.s
	var q quad
	for i := a; ; {
		j := i // the label is s[i:j]
		for j < b && class[s[j]]&cDigit != 0 {
			j++
		}
		if j < b && s[j] != '.' && s[j] != ':' && !isEncodedColon(s, j) {
			// a hex letter: the label is a word, skip to its end
			for j < b && s[j] != '.' && s[j] != ':' && !isEncodedColon(s, j) {
				j++
			}
			q.word(t, e)
		} else if j == i || (i == a && gluedL) || (j == b && gluedR) {
			q.word(t, e)
		} else {
			q.decimal(s, i, j)
		}
		switch {
		case j >= b:
			q.word(t, e)
			return
		case s[j] == '.':
			i = j + 1
		case s[j] == ':':
			q.word(t, e)
			i = j + 1
		default: // %3A
			q.word(t, e)
			i = j + 3
		}
	}
}

// quad collects decimal labels in a row until a word or a colon ends them.
type quad struct {
	oct        [4]byte
	n          int  // decimal labels in a row
	bad        bool // one of the first four is no octet
	start, end int  // where the labels start and the last one ends
}

func (q *quad) decimal(s string, i, j int) {
	if q.n == 0 {
		q.start = i
	}
	if q.n < 4 {
		if j-i > 3 {
			q.bad = true
		} else {
			v := 0
			for _, c := range []byte(s[i:j]) {
				v = v*10 + int(c-'0')
			}
			q.bad = q.bad || v > 255
			q.oct[q.n] = byte(v)
		}
	}
	q.n++
	q.end = j
}

// word ends the row: exactly four octets make an address.
func (q *quad) word(t Truncator, e *edit) {
	if q.n == 4 && !q.bad && !t.kept(netip.AddrFrom4(q.oct)) {
		e.replaceV4(q.start, q.end, t.v4Octets(q.oct))
	}
	*q = quad{}
}

func (t Truncator) v4Octets(oct [4]byte) netip.Addr {
	return keep(netip.AddrFrom4(oct), t.v4())
}

// edit builds the result of String lazily: nothing is allocated until the
// first replacement.
type edit struct {
	s       string
	b       strings.Builder
	last    int // s[last:] is not yet copied
	changed bool
}

func (e *edit) replace(a, b int, repl []byte) {
	if e.s[a:b] == string(repl) { // already truncated: no allocation
		return
	}
	if !e.changed {
		e.changed = true
		e.b.Grow(len(e.s) + 8)
	}
	e.b.WriteString(e.s[e.last:a])
	e.b.Write(repl)
	e.last = b
}

func (e *edit) replaceIP(a, b int, ip netip.Addr, encoded bool) {
	var buf [64]byte
	text := ip.WithZone("").AppendTo(buf[:0]) // the zone stays in s, after b
	if encoded {
		var enc [3 * 64]byte
		out := enc[:0]
		for _, c := range text {
			if c == ':' {
				out = append(out, "%3A"...)
			} else {
				out = append(out, c)
			}
		}
		text = out
	}
	e.replace(a, b, text)
}

func (e *edit) replaceV4(a, b int, ip netip.Addr) {
	var buf [16]byte
	e.replace(a, b, ip.AppendTo(buf[:0]))
}

func (e *edit) result() string {
	if !e.changed {
		return e.s
	}
	e.b.WriteString(e.s[e.last:])
	return e.b.String()
}

const (
	cRun   = 1 << iota // may be part of an address text: hex digits, '.', ':'
	cDigit             // 0-9
	cWord              // letters, digits, '_': glues to an address
	cHex               // 0-9 a-f A-F
	cSep               // '.', ':', '%': where an address can be spotted
)

var class = func() (c [256]uint8) {
	for b := '0'; b <= '9'; b++ {
		c[b] |= cRun | cDigit | cWord | cHex
	}
	for b := 'a'; b <= 'z'; b++ {
		c[b] |= cWord
		c[b-'a'+'A'] |= cWord
		if b <= 'f' {
			c[b] |= cRun | cHex
			c[b-'a'+'A'] |= cRun | cHex
		}
	}
	c['_'] |= cWord
	c['.'] |= cRun | cSep
	c[':'] |= cRun | cSep
	c['%'] |= cSep
	return c
}()

func isEscape(s string, i int) bool {
	return i+2 < len(s) && s[i] == '%' && class[s[i+1]]&cHex != 0 && class[s[i+2]]&cHex != 0
}

func isEncodedColon(s string, i int) bool {
	return i+2 < len(s) && s[i] == '%' && s[i+1] == '3' && (s[i+2] == 'A' || s[i+2] == 'a')
}

// gluedBefore reports whether a word character touches s[i] from the left.
// The hex digits of a percent-escape ("%2F") separate, they do not glue.
func gluedBefore(s string, i int) bool {
	if i == 0 || class[s[i-1]]&cWord == 0 {
		return false
	}
	return !(i >= 3 && isEscape(s, i-3))
}

func hasDot[T string | []byte](s T) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			return true
		}
	}
	return false
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if class[s[i]]&cDigit == 0 {
			return false
		}
	}
	return true
}
