package catalog

import (
	"bufio"
	"fmt"
	"io"
	"math/bits"
	"net/netip"
	"strings"

	"github.com/samtykke/caddy-consent/internal/urlhost"
	"github.com/samtykke/caddy-consent/module/policy"
)

// An operator's own list of tracker hosts (block_list): a hosts file
// ("0.0.0.0 host", "127.0.0.1 host", a bare host) or Adblock-style
// "||domain^" rules. Its hosts classify only what no catalog row names: the
// catalog keeps its own categories and paths. Lists hold tens of thousands
// of hosts, so they get a table of their own, with a filter sized to them,
// and are asked only after the catalog's rules.

// HostList is one block_list: every host (and its subdomains) belongs to
// one service named after the list, in its category.
type HostList struct {
	Name     string // shown as the service's name, e.g. the file's base name
	Category policy.Category
	Hosts    []string // lower case, as ParseHostList returns them
}

// hostSet maps hosts to the list service that names them; a lookup walks a
// host's label suffixes from the right and asks the map only for suffixes
// the filter may hold.
type hostSet struct {
	hosts   map[string]*Service
	filter  []uint64
	mask    uint32 // bits in filter − 1
	maxHost int
}

func newHostSet(n int) *hostSet {
	// 16 bits per host leave ~6 % of unknown suffixes to the map.
	nbits := max(1<<12, 1<<bits.Len(uint(16*n)))
	return &hostSet{hosts: make(map[string]*Service, n), filter: make([]uint64, nbits/64), mask: uint32(nbits - 1)}
}

func (s *hostSet) add(host string, svc *Service) {
	if _, ok := s.hosts[host]; ok {
		return // the first list that names a host keeps it
	}
	s.hosts[host] = svc
	s.maxHost = max(s.maxHost, len(host))
	h := uint32(suffixSeed)
	for i := len(host) - 1; i >= 0; i-- {
		h = suffixStep(h, host[i])
	}
	h &= s.mask
	s.filter[h/64] |= 1 << (h % 64)
}

// lookup returns the service of the longest listed suffix of host.
func (s *hostSet) lookup(host string) *Service {
	var found *Service
	h := uint32(suffixSeed)
	for i := len(host) - 1; i >= 0; i-- {
		h = suffixStep(h, host[i])
		if (i == 0 || host[i-1] == '.') && len(host)-i <= s.maxHost {
			if b := h & s.mask; s.filter[b/64]&(1<<(b%64)) != 0 {
				if svc := s.hosts[host[i:]]; svc != nil {
					found = svc
				}
			}
		}
	}
	return found
}

// names reports whether a list names the host of prefix ("scheme://host/")
// or one of its parent domains.
func (s *hostSet) names(prefix string) bool {
	return s.lookup(prefix[strings.Index(prefix, "//")+2:len(prefix)-1]) != nil
}

// WithLists returns a new catalog: c plus a service per list, whose hosts
// classify URLs that none of c's rules (allow included) names. c itself is
// never changed.
func (c *Catalog) WithLists(lists ...HostList) (*Catalog, error) {
	if len(lists) == 0 {
		return c, nil
	}
	n := 0
	for _, l := range lists {
		n += len(l.Hosts)
		if !l.Category.Valid() || l.Category == policy.Necessary {
			return nil, fmt.Errorf("block list %q: invalid category %s", l.Name, l.Category)
		}
	}
	out := *c
	out.services = append([]*Service(nil), c.services...)
	out.byID = make(map[string]*Service, len(c.byID)+len(lists))
	for id, s := range c.byID {
		out.byID[id] = s
	}
	out.lists = newHostSet(n + c.lists.size())
	if c.lists != nil {
		for h, s := range c.lists.hosts {
			out.lists.add(h, s)
		}
	}
	for _, l := range lists {
		id := "list-" + slug(l.Name)
		for k := 2; out.byID[id] != nil; k++ {
			id = fmt.Sprintf("list-%s-%d", slug(l.Name), k)
		}
		svc := &Service{
			ID: id, Name: l.Name, Category: l.Category, CategoryName: l.Category.String(),
			Purpose: "Listed in the site operator's block list " + l.Name + ".", Custom: true,
		}
		out.services = append(out.services, svc)
		out.byID[id] = svc
		for _, h := range l.Hosts {
			out.lists.add(h, svc)
		}
	}
	return &out, nil
}

func (s *hostSet) size() int {
	if s == nil {
		return 0
	}
	return len(s.hosts)
}

// ParseHostList reads a block list: hosts-file lines ("0.0.0.0 host …",
// "127.0.0.1 host", "::1 host", a bare host) and Adblock-style "||domain^"
// rules (with or without options; those limited to some sites by
// "domain=" are skipped). Comments ("!", "#", "[Adblock …]") and blank lines
// are ignored. Lines it does not understand — cosmetic rules ("##"),
// exceptions ("@@"), rules with a path, a wildcard or a regular expression
// — are counted in skipped, with the first one's line number in firstSkipped.
// Hosts come back lower-cased, without a trailing dot, each once.
func ParseHostList(r io.Reader) (hosts []string, skipped, firstSkipped int, err error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	seen := map[string]bool{}
	skip := func(line int) {
		if skipped == 0 {
			firstSkipped = line
		}
		skipped++
	}
	addHost := func(h string) bool {
		h = strings.TrimSuffix(strings.ToLower(h), ".")
		if !validListHost(h) {
			return false
		}
		if !seen[h] {
			seen[h] = true
			hosts = append(hosts, h)
		}
		return true
	}
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		if line == 1 {
			s = strings.TrimPrefix(s, "\ufeff")
		}
		switch {
		case s == "", s[0] == '!', s[0] == '[':
			continue
		case s[0] == '#' && !strings.HasPrefix(s, "##") && !strings.HasPrefix(s, "#@#") && !strings.HasPrefix(s, "#?#"):
			continue
		case strings.HasPrefix(s, "||"):
			rule := s[2:]
			if i := strings.IndexByte(rule, '$'); i >= 0 {
				if strings.Contains(rule[i:], "domain=") {
					skip(line)
					continue
				}
				rule = rule[:i]
			}
			if !strings.HasSuffix(rule, "^") || !addHost(rule[:len(rule)-1]) {
				skip(line)
			}
			continue
		}
		if i := strings.IndexByte(s, '#'); i >= 0 {
			if strings.Contains(s, "##") || strings.Contains(s, "#@#") || strings.Contains(s, "#?#") {
				skip(line) // a cosmetic rule
				continue
			}
			s = strings.TrimSpace(s[:i]) // a hosts file's trailing comment
		}
		f := strings.Fields(s)
		if len(f) > 1 {
			if _, err := netip.ParseAddr(f[0]); err != nil {
				skip(line)
				continue
			}
			f = f[1:]
		}
		ok := true
		for _, h := range f {
			switch strings.ToLower(h) {
			case "localhost", "localhost.localdomain", "local", "broadcasthost", "ip6-localhost", "ip6-loopback", "0.0.0.0":
				continue
			}
			ok = addHost(h) && ok
		}
		if !ok {
			skip(line)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, 0, 0, fmt.Errorf("line %d: %v", line+1, err)
	}
	return hosts, skipped, firstSkipped, nil
}

// validListHost accepts a DNS name of two labels or more (urlhost.Valid);
// an IP address is no host to list.
func validListHost(h string) bool {
	return urlhost.Valid(h) && strings.IndexByte(h, '.') >= 0 && !urlhost.IsIP(h)
}
