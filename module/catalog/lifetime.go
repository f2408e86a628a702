package catalog

import (
	"math"
	"strconv"
	"time"

	"github.com/samtykke/caddy-consent/module/policy"
)

// MaxLifetime is the longest a browser keeps a cookie: Max-Age and Expires
// are capped at 400 days (RFC 6265bis §5.6.1, §5.6.2; Chrome 104+, Firefox,
// Safari).
const MaxLifetime = policy.MaxMaxAge

// KeptFor states a lifetime the way a browser keeps the cookie: at most 400
// days, so a vendor's "2y" reads "13mo". The banner and the declaration show
// lifetimes through it, so they agree with each other and with what an
// observed Set-Cookie gives. Anything ParseLifetime does not read comes back
// unchanged.
func KeptFor(l string) string {
	if d, ok := ParseLifetime(l); ok && d > MaxLifetime {
		return LifetimeOf(int64(MaxLifetime / time.Second))
	}
	return l
}

// LifetimeOf writes seconds in the lifetime form, in the largest unit that
// states it within 5 % ("2y", "13mo", "14d", "30m"), so that the seconds of
// jitter an Expires date carries disappear.
func LifetimeOf(secs int64) string {
	units := []struct {
		secs int64
		unit string
	}{
		{365 * 86400, "y"}, {730 * 3600, "mo"}, {86400, "d"}, {3600, "h"}, {60, "m"},
	}
	for _, u := range units {
		if secs < u.secs {
			continue
		}
		n := (secs + u.secs/2) / u.secs
		if diff := secs - n*u.secs; diff*20 <= secs && -diff*20 <= secs {
			return strconv.FormatInt(n, 10) + u.unit
		}
	}
	return strconv.FormatInt(max(1, (secs+30)/60), 10) + "m"
}

// Units of Cookie.Lifetime. A month is a twelfth of a 365-day year, so that
// "12mo" and "1y" agree.
var lifetimeUnits = map[string]time.Duration{
	"m":  time.Minute,
	"h":  time.Hour,
	"d":  24 * time.Hour,
	"w":  7 * 24 * time.Hour,
	"mo": 730 * time.Hour,
	"y":  365 * 24 * time.Hour,
}

// ParseLifetime reads a Cookie.Lifetime: "session" gives 0 and true; "<n><unit>"
// with n a positive integer and unit one of m, h, d, w, mo, y gives the
// duration and true. Anything else, "" included (an operator's cookie rule
// with no known lifetime), gives false.
func ParseLifetime(s string) (time.Duration, bool) {
	if s == "session" {
		return 0, true
	}
	i := 0
	var n int64
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		if n > math.MaxInt32 {
			return 0, false
		}
		n = n*10 + int64(s[i]-'0')
		i++
	}
	if i == 0 || n == 0 || s[0] == '0' {
		return 0, false
	}
	unit, ok := lifetimeUnits[s[i:]]
	if !ok || n > int64(math.MaxInt64/unit) {
		return 0, false
	}
	return time.Duration(n) * unit, true
}
