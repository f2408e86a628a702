package inventory

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/samtykke/caddy-consent/module/catalog"
)

// hostile is a cookie name an upstream may send: a Set-Cookie name can hold
// anything but ";" and "=".
const hostile = `</td></tr></table><script>alert(1)</script>"'&lt&`

// declSite is a WordPress site with analytics, a YouTube embed, Tag Manager,
// and two cookies no rule knows.
func declSite(t testing.TB) Site {
	t.Helper()
	inv := newInv(t, Options{})
	inv.ObserveSetCookie("www.example.com", []string{
		"wordpress_logged_in_0123456789abcdef0123456789abcdef=v; path=/; secure; HttpOnly",
		"wordpress_test_cookie=WP%20Cookie%20check; path=/; secure",
		"_ga=GA1.1.1.1; Max-Age=63072000; Path=/; SameSite=Lax",
		hostile + "=v",
		"kjøpskurv_ønske=1; Max-Age=1209600",
	}, t0)
	cat := catalog.Default()
	inv.ObservePage("www.example.com", []*catalog.Service{
		cat.Service("google-analytics"), cat.Service("youtube"), cat.Service("google-tag-manager"),
	}, []string{"cdn.unknown.example"}, t0)
	return inv.Snapshot("www.example.com")
}

func TestDeclarationJSON(t *testing.T) {
	data, err := declarationJSON(declSite(t), catalog.Default())
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Host       string    `json:"host"`
		Updated    time.Time `json:"updated"`
		Categories []struct {
			Category string                       `json:"category"`
			Cookies  []map[string]json.RawMessage `json:"cookies"`
			Services []map[string]json.RawMessage `json:"services"`
		} `json:"categories"`
		Unclassified       []map[string]json.RawMessage `json:"unclassified"`
		UnknownScriptHosts []map[string]json.RawMessage `json:"unknown_script_hosts"`
		RunTimeHosts       []map[string]json.RawMessage `json:"run_time_hosts"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("%v in %s", err, data)
	}
	if d.Host != "www.example.com" {
		t.Errorf("host %q", d.Host)
	}
	var cats []string
	for _, c := range d.Categories {
		cats = append(cats, c.Category)
		if c.Cookies == nil || c.Services == nil {
			t.Errorf("%s: null list", c.Category)
		}
	}
	if strings.Join(cats, ",") != "necessary,preferences,analytics,marketing" {
		t.Errorf("categories %v", cats)
	}
	find := func(list []map[string]json.RawMessage, name string) map[string]string {
		for _, c := range list {
			var n string
			json.Unmarshal(c["name"], &n)
			if n == name {
				out := map[string]string{}
				for k, v := range c {
					out[k] = string(v)
				}
				return out
			}
		}
		t.Errorf("no cookie %q", name)
		return nil
	}
	ga := find(d.Categories[2].Cookies, "_ga")
	want := map[string]string{
		"name": `"_ga"`, "provider": `"Google Ireland Limited"`, "service": `"google-analytics"`, "lifetime": `"13mo"`,
		"third_party": "false", "observed": "true", "http_only": "false", "secure": "false", "same_site": `["lax"]`,
		"first_seen": `"2025-03-01T12:00:00Z"`, "last_seen": `"2025-03-01T12:00:00Z"`,
	}
	for k, v := range want {
		if ga[k] != v {
			t.Errorf("_ga %s = %s, want %s", k, ga[k], v)
		}
	}
	if _, ok := ga["purpose"]; !ok {
		t.Error("_ga has no purpose")
	}
	ysc := find(d.Categories[3].Cookies, "YSC")
	if ysc["observed"] != "false" || ysc["third_party"] != "true" || ysc["lifetime"] != `"session"` {
		t.Errorf("YSC = %v, want from the catalog, third party, session", ysc)
	}
	if _, ok := ysc["first_seen"]; ok {
		t.Error("a catalog row carries observation times")
	}
	if h := find(d.Unclassified, hostile); h != nil && h["lifetime"] != `"session"` {
		t.Errorf("hostile unclassified cookie = %v", h)
	}
	var services []string
	for _, s := range d.Categories[3].Services {
		var id string
		json.Unmarshal(s["id"], &id)
		services = append(services, id)
	}
	if strings.Join(services, ",") != "google-tag-manager,youtube" {
		t.Errorf("marketing services %v", services)
	}
	if len(d.UnknownScriptHosts) != 1 || string(d.UnknownScriptHosts[0]["host"]) != `"cdn.unknown.example"` {
		t.Errorf("unknown script hosts %v", d.UnknownScriptHosts)
	}

	empty, err := declarationJSON(Site{Host: "example.com"}, catalog.Default())
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(empty, []byte("null")) {
		t.Errorf("empty declaration holds null: %s", empty)
	}
}

// declarationJSON is the declaration of site as GET /_consent/cookies?format=json
// answers it, without a consent cookie, a settings link or a visitor's choice.
func declarationJSON(site Site, cat *catalog.Catalog) ([]byte, error) {
	return json.Marshal(Declare(site, cat, DeclareOptions{}))
}
