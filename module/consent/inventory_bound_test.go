package consent

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samtykke/caddy-consent/internal/testcaddy"
)

// declared fetches a site's declaration JSON and returns the names of its
// observed cookies and its services.
func declared(t *testing.T, base, host string) (cookies, services []string) {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/_consent/cookies?format=json", nil)
	req.Host = host
	resp, err := rawClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var d struct {
		Categories []struct {
			Cookies []struct {
				Name     string `json:"name"`
				Observed bool   `json:"observed"`
			} `json:"cookies"`
			Services []struct {
				ID string `json:"id"`
			} `json:"services"`
		} `json:"categories"`
		Unclassified []struct {
			Name string `json:"name"`
		} `json:"unclassified"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&d); err != nil {
		t.Fatalf("declaration of %s: %v", host, err)
	}
	for _, c := range d.Categories {
		for _, ck := range c.Cookies {
			if ck.Observed {
				cookies = append(cookies, ck.Name)
			}
		}
		for _, s := range c.Services {
			services = append(services, s.ID)
		}
	}
	for _, u := range d.Unclassified {
		cookies = append(cookies, u.Name)
	}
	return cookies, services
}

func hostGet(t *testing.T, base, host, target string, hdr map[string]string) {
	t.Helper()
	req, _ := http.NewRequest("GET", base+target, nil)
	req.Host = host
	req.Header.Set("Accept", "text/html")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := rawClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

// TestInventoryKeyedBySites is security audit M3: forged Host headers on a
// catch-all site must not fill the shared, stored inventory, and after a
// restart another site block must still record itself.
func TestInventoryKeyedBySites(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Set-Cookie", "PHPSESSID=k3n9a1q7; path=/")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, "<!doctype html><html><body><p>hei</p></body></html>")
	}))
	defer up.Close()
	dir := t.TempDir()
	cfg := fmt.Sprintf(`
{
	storage file_system %s
}
http://:{PORT} {
	consent
	reverse_proxy %s
}
http://shop.example:{PORT2} {
	consent
	reverse_proxy %[2]s
}
`, dir, strings.TrimPrefix(up.URL, "http://"))
	t.Run("flood", func(t *testing.T) {
		srv := testcaddy.Start(t, cfg)
		for i := range 100 {
			hostGet(t, srv.URL(1), fmt.Sprintf("junk%d.example", i), "/", nil)
		}
		hostGet(t, srv.URL(1), "real.example", "/", nil)
		if got, _ := declared(t, srv.URL(1), "real.example"); !strings.Contains(strings.Join(got, " "), "PHPSESSID") {
			t.Errorf("after a Host flood the catch-all site declares %v, want PHPSESSID", got)
		}
		hostGet(t, srv.URL(2), "shop.example", "/", nil)
		if got, _ := declared(t, srv.URL(2), "shop.example"); !strings.Contains(strings.Join(got, " "), "PHPSESSID") {
			t.Errorf("shop.example declares %v, want PHPSESSID", got)
		}
	}) // Caddy stops here and flushes to storage
	records, _ := filepath.Glob(filepath.Join(dir, "caddy-consent", "inventory", "*.json"))
	if len(records) == 0 || len(records) > 2 {
		t.Errorf("%d inventory records stored after 100 forged hosts, want 1 or 2 (the catch-all and shop.example): %v", len(records), records)
	}
	for _, r := range records {
		if strings.Contains(r, "junk") {
			t.Errorf("a forged host was stored: %s", r)
		}
	}
	t.Run("restart", func(t *testing.T) {
		// On the same storage, shop.example records itself.
		srv := testcaddy.Start(t, cfg)
		hostGet(t, srv.URL(2), "shop.example", "/", nil)
		if got, _ := declared(t, srv.URL(2), "shop.example"); !strings.Contains(strings.Join(got, " "), "PHPSESSID") {
			t.Errorf("after a restart shop.example declares %v, want PHPSESSID", got)
		}
	})
}

// TestReflectedMarkersNotDeclared is security audit M2: a visitor's words
// reflected into an inline script (a search term) must not add services to
// the declaration or change the `auto` policy version, while a snippet the
// site really runs is declared once seen on a few pages by a few visitors.
func TestReflectedMarkersNotDeclared(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		term, _ := json.Marshal(r.URL.Query().Get("s"))
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!DOCTYPE html><html lang=en><head><script>var dataLayer_content={"pagePostType":"search","siteSearchTerm":%s};</script></head><body><p>results</p>`, term)
		if strings.HasPrefix(r.URL.Path, "/real") {
			// A Pinterest tag the site really runs: inline loader only.
			io.WriteString(w, `<script>!function(e){if(!window.pintrk){window.pintrk=function(){window.pintrk.queue.push(Array.prototype.slice.call(arguments))};var n=window.pintrk;n.queue=[],n.version="3.0";var t=document.createElement("script");t.async=!0,t.src=e;var r=document.getElementsByTagName("script")[0];r.parentNode.insertBefore(t,r)}}("https://s.pinimg.com/ct/core.js");pintrk('load','2612345678901');pintrk('page');</script>`)
		}
		io.WriteString(w, `</body></html>`)
	}))
	defer up.Close()
	srv := testcaddy.Start(t, fmt.Sprintf(`
{
	servers {
		trusted_proxies static 127.0.0.1/32
	}
}
http://127.0.0.1:{PORT} {
	consent {
		secret %s
		policy_version auto
	}
	reverse_proxy %s
}
`, secret, strings.TrimPrefix(up.URL, "http://")))
	base := srv.URL(1)
	host := "127.0.0.1"
	hostGet(t, base, host, "/", nil)
	ck := decide(t, base, url.Values{"action": {"reject-all"}})
	_, body := page(t, base, ck, nil)
	if !strings.Contains(body, `class="cb-bar" hidden`) {
		t.Fatal("the decided visitor's banner is not closed")
	}
	for _, m := range []string{"fbq('track'", "pintrk(", "snaptr(", "ttq.load(", "_linkedin_partner_id", "window.uetq"} {
		for i := range 3 {
			hostGet(t, base, host, fmt.Sprintf("/search%d?s=%s", i, url.QueryEscape(m)), nil)
		}
	}
	if _, svcs := declared(t, base, host); len(svcs) > 0 {
		t.Errorf("reflected markers entered the declaration: %v", svcs)
	}
	if _, body := page(t, base, ck, nil); !strings.Contains(body, `class="cb-bar" hidden`) {
		t.Error("reflected markers changed the auto policy version: the decided visitor is asked again")
	}
	// The site's real Pinterest tag, from two client networks over three pages.
	for i := range 3 {
		hostGet(t, base, host, fmt.Sprintf("/real/%d", i), map[string]string{"X-Forwarded-For": "203.0.113.7"})
	}
	hostGet(t, base, host, "/real/0", nil)
	_, svcs := declared(t, base, host)
	if !strings.Contains(strings.Join(svcs, " "), "pinterest") {
		t.Errorf("a snippet the site runs on three pages for two networks is not declared: %v", svcs)
	}
}

// TestBaseHrefKeepsBannerHome is security audit L7: a page's <base href>
// must not send the visitor's choice or the banner's assets to another host.
func TestBaseHrefKeepsBannerHome(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		base := ""
		if r.URL.Path == "/based" {
			base = `<base href="https://cdn.other.example/">`
		}
		fmt.Fprintf(w, `<!DOCTYPE html><html lang="nb"><head>%s</head><body><p>hei</p></body></html>`, base)
	}))
	defer up.Close()
	srv := testcaddy.Start(t, fmt.Sprintf("http://127.0.0.1:{PORT} {\n\tconsent\n\treverse_proxy %s\n}\n", strings.TrimPrefix(up.URL, "http://")))
	origin := srv.URL(1)
	_, body := get(t, "GET", origin+"/based", nil)
	for _, want := range []string{`action="` + origin + `/_consent"`, `href="` + origin + `/_consent/assets/`, `src="` + origin + `/_consent/assets/`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("page with <base href>: banner lacks %s", want)
		}
	}
	_, body = get(t, "GET", origin+"/plain", nil)
	if !strings.Contains(string(body), `action="/_consent"`) || strings.Contains(string(body), origin+"/_consent") {
		t.Error("a page without <base> should keep root-relative banner URLs")
	}
}

// TestDeclarationPinned: with `declaration pin` nothing a page shows changes
// the declaration or the auto policy version (security audit M2's other
// half: operators can pin it), while what the site starts using is still
// seen by the firewall and logged.
func TestDeclarationPinned(t *testing.T) {
	up := newCookieSite(t) // sets _ga, _fbp, PHPSESSID… on a page with GA and the Meta Pixel
	srv := testcaddy.Start(t, fmt.Sprintf(`
http://127.0.0.1:{PORT} {
	consent {
		secret %s
		policy_version auto
		declaration pin
	}
	reverse_proxy %s
}
`, secret, strings.TrimPrefix(up.URL, "http://")))
	base := srv.URL(1)
	ck := decide(t, base, url.Values{"action": {"reject-all"}})
	for i := range 4 {
		hostGet(t, base, "127.0.0.1", fmt.Sprintf("/p%d", i), nil)
	}
	cookies, services := declared(t, base, "127.0.0.1")
	for _, c := range cookies {
		if c == "_ga" || c == "_fbp" {
			t.Errorf("a pinned declaration learned %s", c)
		}
	}
	if len(services) > 0 {
		t.Errorf("a pinned declaration learned services %v", services)
	}
	resp, body := page(t, base, ck, nil)
	if !strings.Contains(body, `class="cb-bar" hidden`) {
		t.Error("the auto version moved under a pinned declaration: the decided visitor is asked again")
	}
	for _, c := range resp.Header.Values("Set-Cookie") {
		if strings.HasPrefix(c, "_ga=GA1") {
			t.Errorf("the firewall let %q through after a reject", c)
		}
	}
}
