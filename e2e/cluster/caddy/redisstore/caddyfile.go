package redisstore

import (
	"strconv"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
)

func init() {
	caddy.RegisterModule(Storage{})
}

// UnmarshalCaddyfile sets up the storage from Caddyfile tokens. Syntax:
//
//	storage consent_test_redis {
//		[address <host:port>]
//		[db <n>]
//		[key_prefix <prefix>]
//		[timeout <duration>]
//	}
func (s *Storage) UnmarshalCaddyfile(d *caddyfile.Dispenser) error {
	d.Next() // the module name
	if d.NextArg() {
		return d.ArgErr()
	}
	for d.NextBlock(0) {
		opt := d.Val()
		if !d.NextArg() {
			return d.ArgErr()
		}
		val := d.Val()
		if d.NextArg() {
			return d.ArgErr()
		}
		switch opt {
		case "address":
			s.Address = val
		case "db":
			n, err := strconv.Atoi(val)
			if err != nil || n < 0 {
				return d.Errf("db %q: want a database number", val)
			}
			s.DB = n
		case "key_prefix":
			s.KeyPrefix = val
		case "timeout":
			t, err := caddy.ParseDuration(val)
			if err != nil || t <= 0 {
				return d.Errf("timeout %q: want a positive duration", val)
			}
			s.Timeout = caddy.Duration(t)
		default:
			return d.Errf("unknown option %q", opt)
		}
	}
	return nil
}

// Interface guards
var _ caddyfile.Unmarshaler = (*Storage)(nil)
