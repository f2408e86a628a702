package iplog

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"strings"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
	"github.com/caddyserver/caddy/v2/modules/logging"
	"go.uber.org/zap/buffer"
	"go.uber.org/zap/zapcore"
	"golang.org/x/term"
)

// Encoder is the log encoder caddy.logging.encoders.ip_truncate. It wraps
// another encoder and truncates every IP address in every field of every
// entry before that encoder sees it: strings, header arrays, nested objects
// such as the request of access and error entries, errors, and the message
// (http.stdlib and TLS handshake messages carry the client address there).
// Keys are truncated too; numbers, booleans, times and binary fields pass
// as they are.
//
// Unlike the filter encoder with ip_mask, it needs no list of fields, so a
// header nobody thought of cannot leak, and it understands Forwarded,
// bracketed and zoned IPv6 and addresses inside URIs. See the package doc
// for what it recognises as an address.
type Encoder struct {
	// The encoder that writes the entries. Default: json, or console when
	// the log goes to a terminal (as with the filter encoder).
	WrappedRaw json.RawMessage `json:"wrap,omitempty" caddy:"namespace=caddy.logging.encoders inline_key=format"`

	// Leading bits kept of an IPv4 address, 0-32. Default: 24.
	IPv4Bits *int `json:"ipv4_bits,omitempty"`

	// Leading bits kept of an IPv6 address, 0-128. Default: 48.
	IPv6Bits *int `json:"ipv6_bits,omitempty"`

	// Networks (CIDR, or a single address) whose addresses are kept whole
	// in the message and in fields that do not carry the client: the
	// operator's upstreams, so "dial tcp 10.0.0.5:9000" names its backend.
	// "private_ranges" stands for the private and loopback ranges. Fields
	// that carry the client (the request object with remote_ip, client_ip
	// and headers such as X-Forwarded-For; remote_ip, client_ip and ip on
	// their own) are truncated anyway.
	Except []string `json:"except,omitempty"`

	// objectEncoder truncates fields added to the encoder itself, i.e.
	// context fields from logger.With. Its t and c are the truncators of
	// every entry: t with Except, c without.
	objectEncoder

	wrapped          zapcore.Encoder
	wrappedIsDefault bool
	ctx              caddy.Context
}

// CaddyModule returns the Caddy module information.
func (Encoder) CaddyModule() caddy.ModuleInfo {
	return caddy.ModuleInfo{
		ID:  "caddy.logging.encoders.ip_truncate",
		New: func() caddy.Module { return new(Encoder) },
	}
}

// Provision sets up the encoder.
func (e *Encoder) Provision(ctx caddy.Context) error {
	e.ctx = ctx
	t := Default()
	if e.IPv4Bits != nil {
		t.V4Bits = *e.IPv4Bits
	}
	if e.IPv6Bits != nil {
		t.V6Bits = *e.IPv6Bits
	}
	for _, s := range e.Except {
		p, err := ParseNetworks(s)
		if err != nil {
			return fmt.Errorf("ip_truncate: except: %v", err)
		}
		t.Except = append(t.Except, p...)
	}
	e.t, e.c = t, t.Client()
	if e.WrappedRaw == nil {
		je := new(logging.JSONEncoder)
		if err := je.Provision(ctx); err != nil {
			return fmt.Errorf("provisioning default json encoder: %v", err)
		}
		e.setWrapped(je)
		e.wrappedIsDefault = true
		return nil
	}
	val, err := ctx.LoadModule(e, "WrappedRaw")
	if err != nil {
		return fmt.Errorf("loading wrapped encoder module: %v", err)
	}
	e.setWrapped(val.(zapcore.Encoder))
	return nil
}

// Validate checks the prefix lengths.
func (e *Encoder) Validate() error {
	if err := e.t.Validate(); err != nil {
		return fmt.Errorf("ip_truncate: %v", err)
	}
	return nil
}

func (e *Encoder) setWrapped(w zapcore.Encoder) {
	e.wrapped = w
	e.objectEncoder.enc = w
}

// ConfigureDefaultFormat switches the default wrapped encoder to console when
// the log goes to a terminal, and otherwise lets the wrapped encoder decide,
// like the filter encoder does.
func (e *Encoder) ConfigureDefaultFormat(wo caddy.WriterOpener) error {
	if !e.wrappedIsDefault {
		if cfd, ok := e.wrapped.(caddy.ConfiguresFormatterDefault); ok {
			return cfd.ConfigureDefaultFormat(wo)
		}
		return nil
	}
	if caddy.IsWriterStandardStream(wo) && term.IsTerminal(int(os.Stderr.Fd())) {
		ce := new(logging.ConsoleEncoder)
		if err := ce.Provision(e.ctx); err != nil {
			return fmt.Errorf("provisioning default console encoder: %v", err)
		}
		e.setWrapped(ce)
	}
	return nil
}

// Clone implements zapcore.Encoder.
func (e *Encoder) Clone() zapcore.Encoder {
	c := *e
	c.setWrapped(e.wrapped.Clone())
	return &c
}

// EncodeEntry implements zapcore.Encoder. The entry's fields reach the
// wrapped encoder as one inline field that adds them through a truncating
// ObjectEncoder, so every field type is covered by zap's own Field.AddTo and
// nothing is allocated unless something is truncated.
func (e *Encoder) EncodeEntry(ent zapcore.Entry, fields []zapcore.Field) (*buffer.Buffer, error) {
	ent.Message = e.t.String(ent.Message)
	if len(fields) == 0 {
		return e.wrapped.EncodeEntry(ent, nil)
	}
	sc := getScratch()
	defer sc.release()
	sc.fields = fieldList{t: e.t, c: e.c, sc: sc, fields: fields}
	sc.one[0] = zapcore.Field{Type: zapcore.InlineMarshalerType, Interface: &sc.fields}
	return e.wrapped.EncodeEntry(ent, sc.one[:])
}

// ParseNetworks parses one entry of except: a CIDR, a single address (kept
// as a network of one), or "private_ranges" (Caddy's list of private and
// loopback networks, as trusted_proxies names them).
func ParseNetworks(s string) ([]netip.Prefix, error) {
	if s == "private_ranges" {
		var out []netip.Prefix
		for _, c := range caddyhttp.PrivateRangesCIDR() {
			p, err := ParseNetworks(c)
			if err != nil {
				return nil, err
			}
			out = append(out, p...)
		}
		return out, nil
	}
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, fmt.Errorf("%q is no network: %v", s, err)
		}
		return []netip.Prefix{p.Masked()}, nil
	}
	ip, err := netip.ParseAddr(s)
	if err != nil {
		return nil, fmt.Errorf("%q is neither a network (10.0.0.0/8) nor an address", s)
	}
	return []netip.Prefix{netip.PrefixFrom(ip.WithZone(""), ip.BitLen())}, nil
}

// Interface guards
var (
	_ zapcore.Encoder                  = (*Encoder)(nil)
	_ caddy.Provisioner                = (*Encoder)(nil)
	_ caddy.Validator                  = (*Encoder)(nil)
	_ caddy.ConfiguresFormatterDefault = (*Encoder)(nil)
)
