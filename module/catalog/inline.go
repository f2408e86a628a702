package catalog

import (
	"fmt"
	"math"
	"unsafe"

	"github.com/samtykke/caddy-consent/module/policy"
)

// inlineMatcher finds every inline marker at once: an Aho–Corasick automaton
// compiled into a full DFA over byte classes, so a scan costs one table load per
// byte whatever the number of markers, and never backtracks.
//
// Matching is case-sensitive on purpose: markers are JavaScript identifiers
// ("fbq(", "_paq.push") and the lower-case vendor URLs their snippets write, and
// JavaScript is case-sensitive; folding case would only add false positives
// (prose such as "Hotjar" in a string) and cost.
type inlineMatcher struct {
	class [256]uint8 // byte → column; 0 for bytes no marker uses
	ncls  int32
	// col[b] is class[b] in bytes of delta (class*4), and delta entries are
	// byte offsets of rows (state*ncls*4): the scan adds two numbers and loads.
	// A negative entry ^row marks a state where some marker ends, so the loop
	// tests only the sign.
	col    [256]uint32
	delta  []int32
	maxLen int     // longest marker
	best   []int32 // per state: index into svcs of the highest-ranked marker ending here, -1 if none
	cats   []policy.Set
	svcs   []*Service
}

// rank orders categories by how much consent they need to run; a script that
// holds markers of several services is reported as the highest one.
func rank(c policy.Category) uint8 {
	switch c {
	case policy.Marketing:
		return 4
	case policy.Analytics:
		return 3
	case policy.Preferences:
		return 2
	case policy.Necessary:
		return 1
	}
	return 0
}

type inlineMarker struct {
	text string
	svc  *Service
}

func newInlineMatcher(markers []inlineMarker) (*inlineMatcher, error) {
	m := &inlineMatcher{}
	svcIndex := map[*Service]int32{}
	// Columns: one per byte that occurs in a marker, plus column 0 for the rest.
	used := [256]bool{}
	for _, mk := range markers {
		if mk.text == "" {
			return nil, fmt.Errorf("empty inline marker for service %q", mk.svc.ID)
		}
		for i := 0; i < len(mk.text); i++ {
			used[mk.text[i]] = true
		}
		if _, ok := svcIndex[mk.svc]; !ok {
			svcIndex[mk.svc] = int32(len(m.svcs))
			m.svcs = append(m.svcs, mk.svc)
		}
	}
	m.ncls = 1
	for b := 0; b < 256; b++ {
		if used[b] {
			m.class[b] = uint8(m.ncls)
			m.ncls++
		}
	}
	if m.ncls > 256 {
		return nil, fmt.Errorf("inline markers use too many distinct bytes")
	}
	ncls := int(m.ncls)

	// Trie: goto[state*ncls+class] = child state, or -1.
	goTo := make([]int32, ncls)
	for i := range goTo {
		goTo[i] = -1
	}
	outIdx := []int32{-1} // per state: svc index of the marker ending exactly here
	states := 1
	seen := map[string]bool{}
	for _, mk := range markers {
		m.maxLen = max(m.maxLen, len(mk.text))
		if seen[mk.text] {
			return nil, fmt.Errorf("inline marker %q is listed twice", mk.text)
		}
		seen[mk.text] = true
		s := 0
		for i := 0; i < len(mk.text); i++ {
			c := int(m.class[mk.text[i]])
			if goTo[s*ncls+c] < 0 {
				goTo[s*ncls+c] = int32(states)
				for j := 0; j < ncls; j++ {
					goTo = append(goTo, -1)
				}
				outIdx = append(outIdx, -1)
				states++
			}
			s = int(goTo[s*ncls+c])
		}
		outIdx[s] = svcIndex[mk.svc]
	}

	// Breadth-first: failure links, then fill missing transitions from the
	// failure state so that the automaton becomes a DFA.
	next := make([]int32, states*ncls)
	fail := make([]int32, states)
	m.best = make([]int32, states)
	m.cats = make([]policy.Set, states)
	better := func(a, b int32) int32 { // the higher-ranked service, earlier in the file on ties
		switch {
		case a < 0:
			return b
		case b < 0:
			return a
		}
		ra, rb := rank(m.svcs[a].Category), rank(m.svcs[b].Category)
		if ra > rb || (ra == rb && a < b) {
			return a
		}
		return b
	}
	setOut := func(s int, from int32) {
		m.best[s] = better(m.best[s], from)
		if from >= 0 {
			m.cats[s] |= policy.Set(m.svcs[from].Category)
		}
	}
	queue := make([]int32, 0, states)
	m.best[0] = -1
	for c := 0; c < ncls; c++ {
		if v := goTo[c]; v > 0 {
			next[c] = v
			fail[v] = 0
			queue = append(queue, v)
		} else {
			next[c] = 0
		}
	}
	for qi := 0; qi < len(queue); qi++ {
		u := int(queue[qi])
		m.best[u] = -1
		setOut(u, outIdx[u])
		f := int(fail[u])
		// Outputs of the longest proper suffix that is also a state.
		m.best[u] = better(m.best[u], m.best[f])
		m.cats[u] |= m.cats[f]
		for c := 0; c < ncls; c++ {
			if v := goTo[u*ncls+c]; v >= 0 {
				next[u*ncls+c] = v
				fail[v] = next[f*ncls+c]
				queue = append(queue, v)
			} else {
				next[u*ncls+c] = next[f*ncls+c]
			}
		}
	}

	if states*ncls*4 > math.MaxInt32 {
		return nil, fmt.Errorf("inline markers too large for the automaton")
	}
	m.delta = make([]int32, states*ncls)
	for i, v := range next {
		row := v * m.ncls * 4
		if m.best[v] >= 0 {
			row = ^row
		}
		m.delta[i] = row
	}
	for b := range m.class {
		m.col[b] = uint32(m.class[b]) * 4
	}
	return m, nil
}

// InlineScanner matches inline-script text that arrives in pieces, such as a
// script split across the writes of a streaming response; markers that straddle
// two pieces are found. The zero value matches nothing; get one from
// Catalog.InlineScanner. It does not allocate.
type InlineScanner struct {
	m    *inlineMatcher
	row  int32
	best int32
	rank uint8
	cats policy.Set
}

// InlineScanner returns a scanner at the start of a script.
func (c *Catalog) InlineScanner() InlineScanner {
	return InlineScanner{m: c.inline, best: -1}
}

// Write feeds the next piece of the script. It never fails; it implements
// io.Writer so that a script can be copied into it.
func (s *InlineScanner) Write(p []byte) (int, error) {
	if s.m != nil && len(p) > 0 {
		s.scan(unsafe.SliceData(p), len(p))
	}
	return len(p), nil
}

// WriteString is Write for a string.
func (s *InlineScanner) WriteString(p string) (int, error) {
	if s.m != nil && len(p) > 0 {
		s.scan(unsafe.StringData(p), len(p))
	}
	return len(p), nil
}

// scan is the hot loop: one table load per byte. It indexes delta without
// bounds checks because every row offset plus every column offset lies inside
// the table by construction (newInlineMatcher).
//
// A long piece is scanned as two halves at once, so that the two chains of
// dependent loads overlap in the CPU. The second half starts from the root
// maxLen bytes early: after maxLen bytes an Aho–Corasick automaton is in the
// same state whatever came before, so it finds every marker that ends in its
// half, including one straddling the middle, and ends in the true state.
func (s *InlineScanner) scan(p *byte, n int) {
	m := s.m
	base := unsafe.Pointer(unsafe.SliceData(m.delta))
	col := &m.col
	rowBytes := m.ncls * 4
	in := unsafe.Slice(p, n)
	if n >= 4*m.maxLen && n >= 256 {
		mid := (n + m.maxLen) / 2
		a, b := in[:mid], in[mid-m.maxLen:]
		half := min(len(a), len(b))
		ra, rb := s.row, int32(0)
		var second InlineScanner // matches of the second half; merged after, so the first half wins ties
		second.m, second.best = m, -1
		for i := 0; i < half; i++ {
			ra = *(*int32)(unsafe.Add(base, uintptr(uint32(ra)+col[a[i]])))
			rb = *(*int32)(unsafe.Add(base, uintptr(uint32(rb)+col[b[i]])))
			if ra|rb < 0 {
				if ra < 0 {
					ra = ^ra
					s.found(ra / rowBytes)
				}
				if rb < 0 {
					rb = ^rb
					second.found(rb / rowBytes)
				}
			}
		}
		for _, c := range a[half:] {
			ra = *(*int32)(unsafe.Add(base, uintptr(uint32(ra)+col[c])))
			if ra < 0 {
				ra = ^ra
				s.found(ra / rowBytes)
			}
		}
		for _, c := range b[half:] {
			rb = *(*int32)(unsafe.Add(base, uintptr(uint32(rb)+col[c])))
			if rb < 0 {
				rb = ^rb
				second.found(rb / rowBytes)
			}
		}
		s.cats |= second.cats
		if second.rank > s.rank {
			s.best, s.rank = second.best, second.rank
		}
		s.row = rb
		return
	}
	row := s.row
	for _, c := range in {
		row = *(*int32)(unsafe.Add(base, uintptr(uint32(row)+col[c])))
		if row < 0 {
			row = ^row
			s.found(row / rowBytes)
		}
	}
	s.row = row
}

func (s *InlineScanner) found(state int32) {
	m := s.m
	s.cats |= m.cats[state]
	b := m.best[state]
	if r := rank(m.svcs[b].Category); r > s.rank {
		s.best, s.rank = b, r
	}
}

// Service is the service whose marker needs the most consent among those seen
// so far (marketing before analytics before preferences before necessary; the
// first seen on ties), or nil.
func (s *InlineScanner) Service() *Service {
	if s.best < 0 || s.m == nil {
		return nil
	}
	return s.m.svcs[s.best]
}

// Categories is the union of the categories of every marker seen so far: a
// script may run only when the visitor granted all of them.
func (s *InlineScanner) Categories() policy.Set { return s.cats }

// Reset starts a new script.
func (s *InlineScanner) Reset() {
	*s = InlineScanner{m: s.m, best: -1}
}
