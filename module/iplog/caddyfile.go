package iplog

import (
	"strconv"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
	"go.uber.org/zap/zapcore"
)

func init() {
	caddy.RegisterModule(Encoder{})
}

// UnmarshalCaddyfile sets up the encoder from Caddyfile tokens. Syntax:
//
//	ip_truncate [<ipv4_bits> [<ipv6_bits>]] {
//		wrap <encoder> [<encoder options>]
//		except <cidr|address|private_ranges>...
//	}
func (e *Encoder) UnmarshalCaddyfile(d *caddyfile.Dispenser) error {
	d.Next() // consume encoder name
	args := d.RemainingArgs()
	if len(args) > 2 {
		return d.ArgErr()
	}
	for i, arg := range args {
		name, most, field := "ipv4_bits", 32, &e.IPv4Bits
		if i == 1 {
			name, most, field = "ipv6_bits", 128, &e.IPv6Bits
		}
		n, err := strconv.Atoi(arg)
		if err != nil || n < 0 || n > most {
			return d.Errf("ip_truncate: %s must be a number from 0 to %d, got %q", name, most, arg)
		}
		*field = &n
	}
	for d.NextBlock(0) {
		switch d.Val() {
		case "wrap":
			if e.WrappedRaw != nil {
				return d.Err("ip_truncate: wrap given twice")
			}
			if !d.NextArg() {
				return d.ArgErr()
			}
			name := d.Val()
			id := "caddy.logging.encoders." + name
			unm, err := caddyfile.UnmarshalModule(d, id)
			if err != nil {
				return err
			}
			enc, ok := unm.(zapcore.Encoder)
			if !ok {
				return d.Errf("ip_truncate: module %s (%T) is not a log encoder", id, unm)
			}
			e.WrappedRaw = caddyconfig.JSONModuleObject(enc, "format", name, nil)
		case "except":
			nets := d.RemainingArgs()
			if len(nets) == 0 {
				return d.ArgErr()
			}
			for _, n := range nets {
				if _, err := ParseNetworks(n); err != nil {
					return d.Errf("ip_truncate: except: %v", err)
				}
			}
			e.Except = append(e.Except, nets...)
		default:
			return d.Errf("ip_truncate: unrecognized subdirective %q", d.Val())
		}
	}
	return nil
}

// Interface guards
var _ caddyfile.Unmarshaler = (*Encoder)(nil)
