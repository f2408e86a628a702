package inventory

import (
	"strconv"
	"strings"
	"time"

	"github.com/samtykke/caddy-consent/internal/asciihtml"
	"github.com/samtykke/caddy-consent/module/catalog"
)

// jsonRunTimeHost is a run-time host in the JSON declaration.
type jsonRunTimeHost struct {
	Host string `json:"host"`
	// Category is the catalog category of the service, or "unknown".
	Category   string    `json:"category"`
	Service    string    `json:"service,omitempty"`
	Provider   string    `json:"provider,omitempty"`
	Directives []string  `json:"directives"`
	Pages      []string  `json:"pages"`
	Reports    int64     `json:"reports"`
	FirstSeen  time.Time `json:"first_seen"`
	LastSeen   time.Time `json:"last_seen"`
}

// runTimeJSON lists the site's run-time hosts for DeclarationJSON, never nil.
func runTimeJSON(site Site, cat *catalog.Catalog) []jsonRunTimeHost {
	out := make([]jsonRunTimeHost, 0, len(site.RunTimeHosts))
	for _, h := range site.RunTimeHosts {
		j := jsonRunTimeHost{
			Host: h.Host, Category: "unknown", Directives: h.Directives, Pages: h.Pages,
			Reports: h.Reports, FirstSeen: h.FirstSeen, LastSeen: h.LastSeen,
		}
		if c, svc := runTimeCategory(h, cat); svc != nil {
			j.Category, j.Service, j.Provider = c.String(), svc.ID, svc.Provider
		}
		if j.Directives == nil {
			j.Directives = []string{}
		}
		if j.Pages == nil {
			j.Pages = []string{}
		}
		out = append(out, j)
	}
	return out
}

// runTimeHTML writes the declaration's run-time section: the hosts browsers
// reported the site's scripts loading beyond what its markup shows. The
// texts are English (marked lang="en"): the section is for the operator and
// for visitors who want the technical detail.
func runTimeHTML(w *asciihtml.Writer, site Site, cat *catalog.Catalog, h string) {
	if len(site.RunTimeHosts) == 0 {
		return
	}
	w.TagText(h, ` id="consent-decl-run-time" lang="en"`, "Loaded by scripts at run time")
	w.TagText("p", ` lang="en"`, "Hosts that browsers reported this site's scripts contacting beyond what its pages' markup shows, with the category the catalog gives them.")
	w.Raw(`<div class="cd-t" role="region" tabindex="0" aria-labelledby="consent-decl-run-time"><table lang="en"><thead><tr>`)
	for _, col := range []string{"Host", "Category", "Service", "Loads", "Pages", "Reports"} {
		w.TagText("th", ` scope="col"`, col)
	}
	w.Raw(`</tr></thead><tbody>`)
	for _, rh := range site.RunTimeHosts {
		w.Raw(`<tr><td>`)
		w.TagText("code", "", rh.Host)
		w.Raw(`</td><td>`)
		c, svc := runTimeCategory(rh, cat)
		if svc == nil {
			w.Esc("unknown")
			w.Raw(`</td><td>&#8212;`)
		} else {
			w.Esc(c.String())
			w.Raw(`</td><td>`)
			w.Esc(svc.Name)
		}
		w.Raw(`</td><td>`)
		w.Esc(strings.Join(rh.Directives, ", "))
		w.Raw(`</td><td>`)
		for i, p := range rh.Pages {
			if i > 0 {
				w.Raw(`<br>`)
			}
			w.TagText("code", "", p)
		}
		w.Raw(`</td><td>`)
		w.Esc(strconv.FormatInt(rh.Reports, 10))
		w.Raw(`</td></tr>`)
	}
	w.Raw(`</tbody></table></div>`)
}
