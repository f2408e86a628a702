package policy

import "testing"

// TestCategoryOrder ties Index, Ordered, String and ParseCategory together:
// every array indexed by category in the product relies on them agreeing.
func TestCategoryOrder(t *testing.T) {
	want := []string{"necessary", "preferences", "analytics", "marketing"}
	if NumCategories != len(want) {
		t.Fatalf("NumCategories = %d; want %d", NumCategories, len(want))
	}
	for i, c := range Ordered {
		if c.Index() != i || c.String() != want[i] || !c.Valid() {
			t.Errorf("Ordered[%d] = %v: Index %d, String %q, Valid %v", i, c, c.Index(), c.String(), c.Valid())
		}
		if p, err := ParseCategory(want[i]); err != nil || p != c {
			t.Errorf("ParseCategory(%q) = %v, %v; want %v", want[i], p, err, c)
		}
	}
	if len(Optional) != 3 || Optional[0] != Preferences || Optional[2] != Marketing {
		t.Errorf("Optional = %v", Optional)
	}
	for _, bad := range []Category{0, Necessary | Analytics, 16, 255} {
		if bad.Valid() || bad.Index() != -1 {
			t.Errorf("%d: Valid %v, Index %d; want false, -1", bad, bad.Valid(), bad.Index())
		}
	}
	if got := All.String(); got != "necessary,preferences,analytics,marketing" {
		t.Errorf("All.String() = %q", got)
	}
	if _, err := ParseCategory("unknown"); err == nil || err.Error() != `unknown category "unknown" (want one of necessary, preferences, analytics, marketing)` {
		t.Errorf("ParseCategory(unknown) error = %v", err)
	}
}
