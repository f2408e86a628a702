package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"text/tabwriter"
)

// DefaultConsentPath is where the audit looks for a live site's consent
// endpoints (the module's `path`).
const DefaultConsentPath = "/_consent"

// maxDeclarationBytes bounds the declaration read from a live site.
const maxDeclarationBytes = 4 << 20

// RunTimeHost is a host that browsers reported the site's pages loading at
// run time, outside the consent module's Content-Security-Policy, as the
// site's own declaration lists it.
type RunTimeHost struct {
	Host       string   `json:"host"`
	Category   string   `json:"category"` // the catalog's, or "unknown"
	Service    string   `json:"service,omitempty"`
	Directives []string `json:"directives"`
	Pages      []string `json:"pages"`
	Reports    int64    `json:"reports"`
}

// fetchRunTime reads the run-time hosts from the declaration of a live site
// that runs the module (GET <path>/cookies?format=json on the page's origin).
// A site without the module, or one that does not answer, gives nothing:
// the audit of the page stands on its own.
func (r *Report) fetchRunTime(ctx context.Context, page *url.URL, o Options) {
	p := o.ConsentPath
	if p == "" {
		p = DefaultConsentPath
	}
	u := url.URL{Scheme: page.Scheme, Host: page.Host, Path: p + "/cookies", RawQuery: "format=json"}
	client := o.Client
	if client == nil {
		client = &http.Client{Timeout: o.Timeout}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return
	}
	req.Header.Set("User-Agent", "caddy-consent-audit/1")
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return
	}
	var d struct {
		RunTime *[]RunTimeHost `json:"run_time_hosts"`
	}
	if json.NewDecoder(io.LimitReader(resp.Body, maxDeclarationBytes)).Decode(&d) != nil || d.RunTime == nil {
		return
	}
	r.RunTimeHosts = *d.RunTime
	r.RunTimeChecked = true
}

// writeRunTime writes the run-time section of the text report.
func (r *Report) writeRunTime(tw *tabwriter.Writer) {
	if !r.RunTimeChecked {
		return
	}
	p := func(format string, a ...any) { fmt.Fprintf(tw, format, a...) }
	p("\nLoaded at run time, as browsers reported to the site's consent module:\n")
	if len(r.RunTimeHosts) == 0 {
		p("  none reported\n")
	}
	for _, h := range r.RunTimeHosts {
		what := h.Category
		if h.Service != "" {
			what += " (" + h.Service + ")"
		}
		p("  %s\t%s\t%s\t%s\t%d report(s)\n", printable(h.Host), printable(what), printable(fmt.Sprint(h.Directives)), printable(fmt.Sprint(h.Pages)), h.Reports)
	}
}
