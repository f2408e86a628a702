package policy

import "net/http"

// Signals are the browser's privacy signals on one request.
type Signals struct {
	GPC bool // Sec-GPC: 1
	DNT bool // DNT: 1
}

// ReadSignals reads both signals from request headers.
func ReadSignals(h http.Header) Signals { return Signals{GPC: GPC(h), DNT: DNT(h)} }

// GPC reports whether h carries Global Privacy Control: a Sec-GPC header whose
// value is exactly "1". Other values mean nothing and must be ignored; one "1"
// among several headers counts (W3C GPC §3.1).
func GPC(h http.Header) bool {
	for _, v := range h["Sec-Gpc"] {
		if trimOWS(v) == "1" {
			return true
		}
	}
	return false
}

// DNT reports whether h carries Do Not Track: a DNT header of "1", optionally
// followed by extension characters (W3C TPE §5.2: DNT-field-value = ("0" /
// "1") *DNT-extension).
func DNT(h http.Header) bool {
	for _, v := range h["Dnt"] {
		v = trimOWS(v)
		if v == "" || v[0] != '1' {
			continue
		}
		ok := true
		for i := 1; i < len(v); i++ {
			// DNT-extension = %x21 / %x23-2B / %x2D-5B / %x5D-7E
			if c := v[i]; c < 0x21 || c > 0x7e || c == '"' || c == ',' || c == '\\' {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func trimOWS(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

// Reasons Effective gives for its answer, for records, metrics and the banner.
const (
	// ReasonNone: no valid choice and no signal in force; necessary only,
	// the visitor is still to be asked.
	ReasonNone = "none"
	// ReasonChoice: the visitor's explicit choice, limited to what is offered.
	ReasonChoice = "choice"
	// ReasonGPC: Sec-GPC withheld marketing. Without a choice the other
	// optional categories are still to be asked; with one, the choice was
	// made before the browser sent GPC and it granted marketing.
	ReasonGPC = "gpc"
	// ReasonDNT: DNT stands for a reject of every optional category. The
	// visitor has no choice, or made one before the browser sent DNT that
	// granted something optional.
	ReasonDNT = "dnt"
)

// Effective returns what a request may use: the categories granted and why.
//
//   - Silence never counts as consent: without a valid choice (decided false)
//     only necessary is granted.
//   - An explicit choice counts only for categories the site still offers;
//     necessary is always granted.
//   - With honourDNT, DNT: 1 is a reject of all optional categories, and with
//     honourGPC, Sec-GPC: 1 denies marketing — each "until an explicit
//     choice". We read that as a choice made while the browser already sent
//     the signal (State.Signals): such a choice is informed and wins, even
//     when it grants marketing. A choice made before the signal appeared
//     predates the visitor's newer, general instruction, so the signal
//     overrides it until the visitor chooses again (W3C GPC notes the signal
//     may express a withdrawal under GDPR Art. 7(3)).
func Effective(s State, decided bool, offered Set, sig Signals, honourGPC, honourDNT bool) (granted Set, reason string) {
	necessary := Set(Necessary)
	dnt := honourDNT && sig.DNT
	gpc := honourGPC && sig.GPC
	if !decided {
		switch {
		case dnt:
			return necessary, ReasonDNT
		case gpc:
			return necessary, ReasonGPC
		}
		return necessary, ReasonNone
	}
	g := s.Granted&offered | necessary
	if dnt && !s.Signals.DNT && g != necessary {
		return necessary, ReasonDNT
	}
	if gpc && !s.Signals.GPC && g.Has(Marketing) {
		return g.Without(Marketing), ReasonGPC
	}
	return g, ReasonChoice
}
