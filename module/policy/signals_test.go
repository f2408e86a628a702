package policy

import (
	"net/http"
	"testing"
)

func TestGPCAndDNT(t *testing.T) {
	tests := []struct {
		name     string
		header   map[string][]string
		gpc, dnt bool
	}{
		{"none", nil, false, false},
		{"gpc 1", map[string][]string{"Sec-Gpc": {"1"}}, true, false},
		{"gpc 1 with OWS", map[string][]string{"Sec-Gpc": {" 1 "}}, true, false},
		{"gpc 0", map[string][]string{"Sec-Gpc": {"0"}}, false, false},
		{"gpc true is not 1", map[string][]string{"Sec-Gpc": {"true"}}, false, false},
		{"gpc 11", map[string][]string{"Sec-Gpc": {"11"}}, false, false},
		{"gpc one of several", map[string][]string{"Sec-Gpc": {"0", "1"}}, true, false},
		{"dnt 1", map[string][]string{"Dnt": {"1"}}, false, true},
		{"dnt 0", map[string][]string{"Dnt": {"0"}}, false, false},
		{"dnt 1 with extension", map[string][]string{"Dnt": {"1xyz"}}, false, true},
		{"dnt 1 with bad extension", map[string][]string{"Dnt": {"1,0"}}, false, false},
		{"dnt empty", map[string][]string{"Dnt": {""}}, false, false},
		{"both", map[string][]string{"Dnt": {"1"}, "Sec-Gpc": {"1"}}, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header(tt.header)
			if got := GPC(h); got != tt.gpc {
				t.Errorf("GPC = %v, want %v", got, tt.gpc)
			}
			if got := DNT(h); got != tt.dnt {
				t.Errorf("DNT = %v, want %v", got, tt.dnt)
			}
			if got := ReadSignals(h); got != (Signals{GPC: tt.gpc, DNT: tt.dnt}) {
				t.Errorf("ReadSignals = %+v", got)
			}
		})
	}
	// Header.Set canonicalises "sec-gpc" to the key GPC reads.
	h := http.Header{}
	h.Set("sec-gpc", "1")
	h.Set("dnt", "1")
	if !GPC(h) || !DNT(h) {
		t.Fatal("canonicalised headers not read")
	}
}

func TestEffective(t *testing.T) {
	n := SetOf(Necessary)
	offered := SetOf(Necessary, Preferences, Analytics, Marketing)
	tests := []struct {
		name       string
		s          State
		decided    bool
		offered    Set
		sig        Signals
		gpc, dnt   bool // honoured
		want       Set
		wantReason string
	}{
		{"silence", State{}, false, offered, Signals{}, true, true, n, ReasonNone},
		{"undecided state is ignored", State{Granted: All}, false, offered, Signals{}, true, true, n, ReasonNone},
		{"accept all", State{Granted: All}, true, offered, Signals{}, true, true, All, ReasonChoice},
		{"reject all", State{Granted: n}, true, offered, Signals{}, true, true, n, ReasonChoice},
		{"choice limited to offered", State{Granted: All}, true, SetOf(Analytics), Signals{}, true, true, SetOf(Necessary, Analytics), ReasonChoice},
		{"necessary without the bit", State{Granted: 0}, true, offered, Signals{}, true, true, n, ReasonChoice},

		{"gpc, no choice", State{}, false, offered, Signals{GPC: true}, true, false, n, ReasonGPC},
		{"gpc not honoured, no choice", State{}, false, offered, Signals{GPC: true}, false, false, n, ReasonNone},
		{"gpc after an accept-all", State{Granted: All}, true, offered, Signals{GPC: true}, true, false,
			SetOf(Necessary, Preferences, Analytics), ReasonGPC},
		{"gpc not honoured after accept-all", State{Granted: All}, true, offered, Signals{GPC: true}, false, false, All, ReasonChoice},
		{"gpc, accept-all made under gpc", State{Granted: All, Signals: Signals{GPC: true}}, true, offered, Signals{GPC: true}, true, false, All, ReasonChoice},
		{"gpc after a choice without marketing", State{Granted: SetOf(Analytics)}, true, offered, Signals{GPC: true}, true, false,
			SetOf(Necessary, Analytics), ReasonChoice},
		{"gpc gone after a choice made under it", State{Granted: All, Signals: Signals{GPC: true}}, true, offered, Signals{}, true, false, All, ReasonChoice},

		{"dnt, no choice", State{}, false, offered, Signals{DNT: true}, false, true, n, ReasonDNT},
		{"dnt not honoured (default)", State{Granted: All}, true, offered, Signals{DNT: true}, true, false, All, ReasonChoice},
		{"dnt after an accept-all", State{Granted: All}, true, offered, Signals{DNT: true}, false, true, n, ReasonDNT},
		{"dnt, accept-all made under dnt", State{Granted: All, Signals: Signals{DNT: true}}, true, offered, Signals{DNT: true}, false, true, All, ReasonChoice},
		{"dnt after reject-all", State{Granted: n}, true, offered, Signals{DNT: true}, false, true, n, ReasonChoice},
		{"dnt and gpc, no choice", State{}, false, offered, Signals{GPC: true, DNT: true}, true, true, n, ReasonDNT},
		{"dnt and gpc after accept-all", State{Granted: All}, true, offered, Signals{GPC: true, DNT: true}, true, true, n, ReasonDNT},
		{"choice under dnt, gpc new", State{Granted: All, Signals: Signals{DNT: true}}, true, offered, Signals{GPC: true, DNT: true}, true, true,
			SetOf(Necessary, Preferences, Analytics), ReasonGPC},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, reason := Effective(tt.s, tt.decided, tt.offered, tt.sig, tt.gpc, tt.dnt)
			if got != tt.want || reason != tt.wantReason {
				t.Fatalf("Effective = %v (%s), want %v (%s)", got, reason, tt.want, tt.wantReason)
			}
			if !got.Has(Necessary) || got&Set(Necessary) == 0 {
				t.Fatalf("necessary missing from %v", got)
			}
		})
	}
}

// TestEffectiveNeverExceedsChoice checks, over every input, that Effective
// grants nothing optional without a choice and nothing beyond choice ∩ offered.
func TestEffectiveNeverExceedsChoice(t *testing.T) {
	bools := []bool{false, true}
	for g := Set(0); g <= All; g++ {
		for o := Set(0); o <= All; o++ {
			for _, decided := range bools {
				for sigBits := range 16 {
					s := State{Granted: g, Signals: Signals{GPC: sigBits&1 != 0, DNT: sigBits&2 != 0}}
					sig := Signals{GPC: sigBits&4 != 0, DNT: sigBits&8 != 0}
					for _, hg := range bools {
						for _, hd := range bools {
							got, _ := Effective(s, decided, o, sig, hg, hd)
							limit := Set(Necessary)
							if decided {
								limit |= g & o
							}
							if got&^limit != 0 {
								t.Fatalf("Effective(%v, %v, %v, %+v, %v, %v) = %v exceeds %v", s, decided, o, sig, hg, hd, got, limit)
							}
						}
					}
				}
			}
		}
	}
}
