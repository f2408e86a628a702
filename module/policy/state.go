package policy

import (
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/securecookie"

	"github.com/samtykke/caddy-consent/internal/setcookie"
)

// State is a visitor's recorded choice, as carried by the consent cookie.
type State struct {
	Granted Set       // what the visitor chose; Necessary is always in
	Version string    // the policy_version the choice was made under
	Decided time.Time // when the visitor chose (second precision)
	ID      string    // random consent ID (32 hex digits) tying the cookie to its record
	// Signals are the privacy signals the browser sent when the visitor chose.
	// A signal that appears only after the choice overrides it (see Effective).
	Signals Signals
	// Contested: the browser sent valid copies that disagree (Codec.Read).
	Contested bool
}

// NewID returns a fresh consent ID: 128 random bits as 32 hex digits. It is
// never derived from the visitor (no IP, no user agent), so it identifies a
// decision, not a person.
func NewID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("generating consent id: %v", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// MinSecretLen is the shortest secret NewCodec accepts.
const MinSecretLen = 32

// MaxMaxAge is the longest choice lifetime: browsers cap cookie lifetimes at
// 400 days (setcookie.MaxLifetime), so a longer one would lie.
const MaxMaxAge = setcookie.MaxLifetime

// Codec signs and reads the consent cookie. It is safe for concurrent use.
type Codec struct {
	name   string
	maxAge time.Duration
	sc     *securecookie.SecureCookie
	now    func() time.Time // tests move the clock
}

// NewCodec returns a codec for the cookie cookieName, signed with a key derived
// from secret (at least 32 bytes), whose choices last maxAge (at most 400 days).
//
// The cookie is signed, not encrypted: it holds only the categories, the
// decision time, a hash of the policy version and a random ID, all of which
// the visitor may see; encryption would add 16+ bytes to every request.
func NewCodec(secret []byte, cookieName string, maxAge time.Duration) (*Codec, error) {
	if len(secret) < MinSecretLen {
		return nil, fmt.Errorf("consent cookie secret is %d bytes, need at least %d", len(secret), MinSecretLen)
	}
	if !setcookie.ValidName(cookieName) {
		return nil, fmt.Errorf("consent cookie name %q is not a valid cookie name (RFC 6265 token)", cookieName)
	}
	if maxAge < time.Second || maxAge > MaxMaxAge {
		return nil, fmt.Errorf("consent max_age %v out of range (1s to 400d)", maxAge)
	}
	// A derived key, so the configured secret can serve other purposes later
	// (a block key, a records key) without key reuse. Go's crypto/hkdf (1.24+)
	// does the job without golang.org/x/crypto.
	hashKey, err := hkdf.Key(sha256.New, secret, nil, hashKeyInfo, 32)
	if err != nil {
		return nil, fmt.Errorf("deriving consent cookie key: %v", err)
	}
	sc := securecookie.New(hashKey, nil)
	sc.SetSerializer(securecookie.NopEncoder{})
	// securecookie refuses values older than this itself, from the timestamp it
	// signs into every value.
	sc.MaxAge(int(maxAge / time.Second))
	return &Codec{name: cookieName, maxAge: maxAge, sc: sc, now: time.Now}, nil
}

// hashKeyInfo labels the derived signing key (HKDF "info", RFC 5869 §3.2).
const hashKeyInfo = "caddy-consent cookie hash key v1"

// Name is the cookie's name.
func (c *Codec) Name() string { return c.name }

// The payload, 30 bytes (a multiple of 3, so base64 needs no padding):
//
//	[0]      format (1)
//	[1]      granted Set in the low nibble, signals at decision in the high one
//	[2:10]   first 8 bytes of SHA-256(policy version)
//	[10:26]  consent ID
//	[26:30]  decision time, Unix seconds, big-endian (good until 2106)
const (
	payloadFormat = 1
	payloadLen    = 30
	flagGPC       = 1 << 4
	flagDNT       = 1 << 5
)

func versionHash(v string) [8]byte {
	sum := sha256.Sum256([]byte(v))
	return [8]byte(sum[:8])
}

// Cookie returns the Set-Cookie for s: HttpOnly, SameSite=Lax, Path=/, Secure
// when secure (always for __Host-/__Secure- names), lasting the codec's max
// age. A zero s.Decided is written as now. It returns nil when s.ID is not a
// consent ID from NewID.
func (c *Codec) Cookie(s State, secure bool) *http.Cookie {
	id, err := hex.DecodeString(s.ID)
	if err != nil || len(id) != 16 {
		return nil
	}
	now := c.now()
	if s.Decided.IsZero() {
		s.Decided = now
	}
	p := make([]byte, payloadLen)
	p[0] = payloadFormat
	p[1] = byte((s.Granted | Set(Necessary)) & All)
	if s.Signals.GPC {
		p[1] |= flagGPC
	}
	if s.Signals.DNT {
		p[1] |= flagDNT
	}
	vh := versionHash(s.Version)
	copy(p[2:10], vh[:])
	copy(p[10:26], id)
	binary.BigEndian.PutUint32(p[26:30], uint32(s.Decided.Unix()))
	name := c.nameFor(secure)
	v, err := c.sc.Encode(name, p)
	if err != nil {
		// Cannot happen with a 30-byte payload and a set key; fail closed.
		return nil
	}
	return &http.Cookie{
		Name:     name,
		Value:    v,
		Path:     "/",
		MaxAge:   int(c.maxAge / time.Second),
		Expires:  now.Add(c.maxAge).UTC(), // for clients without Max-Age
		HttpOnly: true,
		Secure:   secure || mustBeSecure(c.name),
		SameSite: http.SameSiteLaxMode,
	}
}

// Clear returns a Set-Cookie that deletes the consent cookie (withdrawal).
func (c *Codec) Clear(secure bool) *http.Cookie {
	return &http.Cookie{
		Name:     c.name,
		Value:    "",
		Path:     "/",
		MaxAge:   -1, // written as Max-Age=0
		Expires:  time.Unix(0, 0).UTC(),
		HttpOnly: true,
		Secure:   secure || mustBeSecure(c.name),
		SameSite: http.SameSiteLaxMode,
	}
}

// nameFor is the cookie's name on a connection: on HTTPS a plain name gets
// the __Host- prefix, which browsers accept only from this very host,
// Secure, with Path=/ and no Domain, so that a sibling subdomain or a
// network attacker on plain HTTP cannot plant a choice (RFC 6265bis §4.1.3;
// security audit L1).
func (c *Codec) nameFor(secure bool) string {
	if secure && !strings.HasPrefix(c.name, "__") {
		return "__Host-" + c.name
	}
	return c.name
}

// Names are the names the consent cookie may have on a connection, the one
// it is set under first. On HTTPS the plain name is still read, so choices
// made before the __Host- prefix count until the visitor decides again.
func (c *Codec) Names(secure bool) []string {
	if n := c.nameFor(secure); n != c.name {
		return []string{n, c.name}
	}
	return []string{c.name}
}

// Read returns the visitor's choice under policy version. It reports false
// when there is no valid choice: no cookie, a tampered or foreign one, one
// older than max age, or one made under another version. Each of these counts
// as no choice. When the browser sends valid copies that disagree (a stale
// copy, or one planted on a parent domain), only what all of them grant
// counts, so a planted copy can take consent away but never grant it; its Contested
// field says so, and the next decision gets a consent ID of its own. On
// HTTPS, a __Host- copy outranks every plain one.
func (c *Codec) Read(r *http.Request, version string) (State, bool) {
	for _, name := range c.Names(r.TLS != nil) {
		var best State
		found := false
		for _, ck := range r.CookiesNamed(name) {
			s, err := c.decode(name, ck.Value, version)
			if err != nil {
				continue
			}
			switch {
			case !found:
				best, found = s, true
			case s.Granted != best.Granted:
				// Only what every copy grants.
				granted := best.Granted & s.Granted
				if s.Decided.After(best.Decided) {
					best = s
				}
				best.Granted, best.Contested = granted, true
			case s.Decided.After(best.Decided):
				s.Contested = best.Contested
				best = s
			}
		}
		if found {
			return best, true
		}
	}
	return State{}, false
}

var (
	errPayload = errors.New("malformed consent payload")
	errVersion = errors.New("consent given under another policy version")
	errExpired = errors.New("consent older than max age")
)

// decode checks and reads one cookie value.
func (c *Codec) decode(name, value, version string) (State, error) {
	var p []byte
	if err := c.sc.Decode(name, value, &p); err != nil {
		return State{}, err
	}
	if len(p) != payloadLen || p[0] != payloadFormat || p[1]&0xc0 != 0 {
		return State{}, errPayload
	}
	if vh := versionHash(version); [8]byte(p[2:10]) != vh {
		return State{}, errVersion
	}
	decided := time.Unix(int64(binary.BigEndian.Uint32(p[26:30])), 0)
	// The choice itself lasts max age, however often the cookie is re-signed.
	if c.now().Sub(decided) > c.maxAge {
		return State{}, errExpired
	}
	return State{
		Granted: Set(p[1]&0x0f) | Set(Necessary),
		Version: version,
		Decided: decided,
		ID:      hex.EncodeToString(p[10:26]),
		Signals: Signals{GPC: p[1]&flagGPC != 0, DNT: p[1]&flagDNT != 0},
	}, nil
}

// mustBeSecure reports whether browsers accept name only with Secure
// (cookie prefixes, RFC 6265bis §4.1.3).
func mustBeSecure(name string) bool {
	return setcookie.PrefixOf(name) != setcookie.NoPrefix
}
