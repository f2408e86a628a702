package catalog

import "testing"

func TestLifetimeOf(t *testing.T) {
	tests := []struct {
		secs int64
		want string
	}{
		{63072000, "2y"},
		{63072000 - 5, "2y"}, // Expires jitter
		{400 * 86400, "13mo"},
		{90 * 86400, "3mo"},
		{14 * 86400, "14d"},
		{86400, "1d"},
		{3600, "1h"},
		{1800, "30m"},
		{59, "1m"},
		{1, "1m"},
		{100 * 3600, "4d"},
	}
	for _, tt := range tests {
		got := LifetimeOf(tt.secs)
		if got != tt.want {
			t.Errorf("LifetimeOf(%d) = %q, want %q", tt.secs, got, tt.want)
		}
		if _, ok := ParseLifetime(got); !ok {
			t.Errorf("LifetimeOf(%d) = %q is not a catalog lifetime", tt.secs, got)
		}
	}
}

func TestKeptFor(t *testing.T) {
	for in, want := range map[string]string{
		"2y": "13mo", "13mo": "13mo", "400d": "400d", "401d": "13mo", "1y": "1y",
		"session": "session", "": "", "junk": "junk",
	} {
		if got := KeptFor(in); got != want {
			t.Errorf("KeptFor(%q) = %q, want %q", in, got, want)
		}
	}
}
