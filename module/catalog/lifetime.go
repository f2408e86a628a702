package catalog

import (
	"math"
	"time"
)

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
