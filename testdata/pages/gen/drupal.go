package main

import (
	"strings"
	"time"
)

// d7Page is one page of the Swedish branch's Drupal 7 site (a Bartik
// subtheme, "nordlys_bartik"), as html.tpl.php and page.tpl.php print it.
type d7Page struct {
	base      string
	path      string // e.g. "/sv/om-kakor"
	nid       int
	title     string
	desc      string
	bodyClass string
	front     bool
	featured  string // region-featured (front page)
	content   string // region-content
	menu      string // path of the active main-menu item
	trackers  bool   // the snippets pasted into html.tpl.php
	fixture   bool
}

const svSiteName = "Nordlys Kafferosteri"

var svMenu = []navItem{
	{"Hem", "/sv/"},
	{"Därför rostar vi ljust", "/sv/nyheter/darfor-rostar-vi-ljust/"},
	{"Om kakor", "/sv/om-kakor/"},
}

const d7CSSToken = "s8k2xq"

func (p d7Page) u(path string) string { return p.base + path }

func (p d7Page) render() string {
	var b strings.Builder
	w := b.WriteString
	w(`<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML+RDFa 1.0//EN"
  "http://www.w3.org/MarkUp/DTD/xhtml-rdfa-1.dtd">
<html lang="sv" dir="ltr" xmlns="http://www.w3.org/1999/xhtml" xml:lang="sv" version="XHTML+RDFa 1.0"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/terms/"
  xmlns:foaf="http://xmlns.com/foaf/0.1/"
  xmlns:og="http://ogp.me/ns#"
  xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#"
  xmlns:sioc="http://rdfs.org/sioc/ns#"
  xmlns:sioct="http://rdfs.org/sioc/types#"
  xmlns:skos="http://www.w3.org/2004/02/skos/core#"
  xmlns:xsd="http://www.w3.org/2001/XMLSchema#">

<head profile="http://www.w3.org/1999/xhtml/vocab">
  <meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
`)
	if p.trackers {
		w(gtmHead)
		w(resourceHints)
	}
	w(`<link rel="shortcut icon" href="` + p.u("/misc/favicon.ico") + `" type="image/vnd.microsoft.icon" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<meta name="description" content="` + p.desc + `" />
<meta name="generator" content="Drupal 7 (http://drupal.org)" />
<link rel="canonical" href="` + p.u(p.path) + `" />
<link rel="shortlink" href="` + p.u("/sv/node/"+itoa(p.nid)) + `" />
<link rel="alternate" hreflang="nb" href="` + p.u("/") + `" />
  <title>` + p.title + `</title>
  <style type="text/css" media="all">
@import url("` + p.u("/modules/system/system.base.css?"+d7CSSToken) + `");
</style>
<style type="text/css" media="all">
@import url("` + p.u("/sites/all/themes/nordlys_bartik/css/layout.css?"+d7CSSToken) + `");
@import url("` + p.u("/sites/all/themes/nordlys_bartik/css/style.css?"+d7CSSToken) + `");
@import url("` + p.u("/sites/all/themes/nordlys_bartik/css/colors.css?"+d7CSSToken) + `");
</style>

<!--[if lte IE 7]>
<link type="text/css" rel="stylesheet" href="` + p.u("/sites/all/themes/nordlys_bartik/css/ie.css?"+d7CSSToken) + `" media="all" />
<![endif]-->

<!--[if IE 6]>
<link type="text/css" rel="stylesheet" href="` + p.u("/sites/all/themes/nordlys_bartik/css/ie6.css?"+d7CSSToken) + `" media="all" />
<![endif]-->
  <script type="text/javascript" src="` + p.u("/misc/jquery.js?v=1.4.4") + `"></script>
<script type="text/javascript" src="` + p.u("/misc/drupal.js?"+d7CSSToken) + `"></script>
`)
	if p.trackers {
		w(`<script type="text/javascript">
<!--//--><![CDATA[//><!--
var _paq = _paq || [];(function(){var u=(("https:" == document.location.protocol) ? "https://statistik.nordlyskaffe.example/" : "http://statistik.nordlyskaffe.example/");_paq.push(["setSiteId", "2"]);_paq.push(["setTrackerUrl", u+"matomo.php"]);_paq.push(["setDoNotTrack", 1]);_paq.push(["trackPageView"]);_paq.push(["setIgnoreClasses", ["no-tracking","colorbox"]]);_paq.push(["enableLinkTracking"]);var d=document,g=d.createElement("script"),s=d.getElementsByTagName("script")[0];g.type="text/javascript";g.defer=true;g.async=true;g.src=u+"matomo.js";s.parentNode.insertBefore(g,s);})();
//--><!]]>
</script>
`)
	}
	js, matomo := `"misc\/jquery.js":1,"misc\/drupal.js":1`, ""
	if p.trackers {
		js += `,"sites\/all\/modules\/matomo\/matomo.js":1,"0":1`
		matomo = `"matomo":{"trackMailto":1,"trackColorbox":1},`
	}
	w(`<script type="text/javascript">
<!--//--><![CDATA[//><!--
jQuery.extend(Drupal.settings, {"basePath":"\/","pathPrefix":"sv\/","ajaxPageState":{"theme":"nordlys_bartik","theme_token":"q3TQxK0w7vLh1m3bqYfHzVb8c2pXo4Ujz0lQ9r5dNeA","js":{` + js + `},"css":{"modules\/system\/system.base.css":1,"sites\/all\/themes\/nordlys_bartik\/css\/layout.css":1,"sites\/all\/themes\/nordlys_bartik\/css\/style.css":1,"sites\/all\/themes\/nordlys_bartik\/css\/colors.css":1}},` + matomo + `"urlIsAjaxTrusted":{"\/sv\/comment\/reply\/` + itoa(p.nid) + `":true}});
//--><!]]>
</script>
`)
	if p.trackers {
		w(ga4Snippet)
		w(metaPixel)
		w(hotjarSnippet("https://nordlyskaffe.example/sv"))
	}
	w(`</head>
<body class="` + p.bodyClass + `" >
  <div id="skip-link">
    <a href="#main-content" class="element-invisible element-focusable">Hoppa till huvudinnehåll</a>
  </div>
    `)
	if p.trackers {
		w(gtmBody)
	}
	w(p.page())
	if p.trackers {
		w(`<noscript><p><img src="https://statistik.nordlyskaffe.example/matomo.php?idsite=2&amp;rec=1" style="border:0;" alt="" /></p></noscript>
`)
	}
	w(`</body>
</html>
`)
	return b.String()
}

func (p d7Page) page() string {
	var menu strings.Builder
	for i, it := range svMenu {
		cls := "menu-" + itoa(218+i)
		if i == 0 {
			cls += " first"
		}
		if i == len(svMenu)-1 {
			cls += " last"
		}
		a := ""
		if it.path == p.menu {
			cls += " active"
			a = ` class="active"`
		}
		menu.WriteString(`<li class="` + cls + `"><a href="` + p.u(it.path) + `"` + a + `>` + it.label + `</a></li>`)
	}
	s := `<div id="page-wrapper"><div id="page">

  <div id="header" class="without-secondary-menu"><div class="section clearfix">

          <a href="` + p.u("/sv/") + `" title="Hem" rel="home" id="logo">
        <img src="` + p.u("/sites/default/files/logo.png") + `" alt="Hem" />
      </a>
    
          <div id="name-and-slogan">

                              <div id="site-name">
              <strong>
                <a href="` + p.u("/sv/") + `" title="Hem" rel="home"><span>` + svSiteName + `</span></a>
              </strong>
            </div>
                  
                  <div id="site-slogan">
            Nyrostat kaffe från Tromsø – nu även i Göteborg          </div>
        
      </div> <!-- /#name-and-slogan -->
    
      <div class="region region-header">
    <div id="block-locale-language" class="block block-locale">

    <h2 class="element-invisible">Språk</h2>
  
  <div class="content">
    <ul class="language-switcher-locale-url"><li class="nb first"><a href="` + p.u("/") + `" class="language-link" xml:lang="nb" hreflang="nb" lang="nb">Norsk</a></li>
<li class="sv last active"><a href="` + p.u(p.path) + `" class="language-link active" xml:lang="sv" hreflang="sv">Svenska</a></li>
</ul>  </div>
</div>
  </div>

          <div id="main-menu" class="navigation">
        <h2 class="element-invisible">Huvudmeny</h2><ul id="main-menu-links" class="links clearfix">` + menu.String() + `</ul>      </div> <!-- /#main-menu -->
    
    
  </div></div> <!-- /.section, /#header -->

  
`
	if p.featured != "" {
		s += `    <div id="featured"><div class="section clearfix">
      <div class="region region-featured">
    <div id="block-block-1" class="block block-block">

    
  <div class="content">
    ` + p.featured + `  </div>
</div>
  </div>
    </div></div> <!-- /.section, /#featured -->
  
`
	}
	crumb := ""
	if !p.front {
		crumb = `      <div id="breadcrumb"><h2 class="element-invisible">Du är här</h2><div class="breadcrumb"><a href="` + p.u("/sv/") + `">Hem</a></div></div>
    `
	}
	title := `
              <h1 class="title" id="page-title">
          ` + strings.TrimSuffix(strings.SplitN(p.title, " | ", 2)[0], " ") + `
        </h1>
      `
	if p.front {
		title = ""
	}
	s += `  <div id="main-wrapper" class="clearfix"><div id="main" class="clearfix">

    ` + crumb + `
          <div id="sidebar-first" class="column sidebar"><div class="section">
        <div class="region region-sidebar-first">
    ` + p.sidebar() + `
  </div>
      </div></div> <!-- /.section, /#sidebar-first -->
    
    <div id="content" class="column"><div class="section">
            <a id="main-content"></a>
                  ` + title + `
                    <div class="tabs">
                  </div>
                          <div class="region region-content">
    <div id="block-system-main" class="block block-system">

    
  <div class="content">
    ` + p.content + `  </div>
</div>
  </div>
      
    </div></div> <!-- /.section, /#content -->

    
  </div></div> <!-- /#main, /#main-wrapper -->

  
  <div id="footer-wrapper"><div class="section">

    
          <div id="footer" class="clearfix">
          <div class="region region-footer">
    <div id="block-menu-menu-sidfot" class="block block-menu">

    <h2 class="element-invisible">Sidfot</h2>
  
  <div class="content">
    <ul class="menu"><li class="first leaf"><a href="` + p.u("/sv/om-kakor/") + `" title="">Integritetspolicy och kakor</a></li>
<li class="leaf"><a href="/_consent/settings" data-consent-action="settings">Kakinställningar</a></li>
<li class="last leaf"><a href="` + p.u("/") + `" lang="nb" hreflang="nb">Nordlys Kaffebrenneri (Norge)</a></li>
</ul>  </div>
</div>
<div id="block-block-3" class="block block-block">

    
  <div class="content">
    <p>© 2024 ` + svSiteName + ` AB · Andra Långgatan 20, 413 03 Göteborg · <a href="mailto:hej@nordlyskaffe.example">hej@nordlyskaffe.example</a></p>
  </div>
</div>
  </div>
      </div> <!-- /#footer -->
    
  </div></div> <!-- /.section, /#footer-wrapper -->

</div></div> <!-- /#page, /#page-wrapper -->
`
	return s
}

func (p d7Page) sidebar() string {
	return `<div id="block-block-2" class="block block-block">

        <h2>Besök oss</h2>
    
  <div class="content">
    <p><strong>Kafferosteriet på Andra Lång</strong><br />Andra Långgatan 20<br />413 03 Göteborg</p>
<p>Mån–fre 7.30–18<br />Lör–sön 9–16</p>
  </div>
</div>
<div id="block-node-recent" class="block block-node">

        <h2>Senaste nyheterna</h2>
    
  <div class="content">
    <div class="item-list"><ul><li class="first"><a href="` + p.u("/sv/nyheter/darfor-rostar-vi-ljust/") + `">Därför rostar vi ljust</a></li>
<li class="last"><a href="` + p.u("/sv/om-kakor/") + `">Vi har uppdaterat vår integritetspolicy</a></li>
</ul></div>  </div>
</div>
<div id="block-block-4" class="block block-block">

        <h2>Kakor</h2>
    
  <div class="content">
    <p>Vi använder kakor för statistik och marknadsföring om du godkänner det. <a href="` + p.u("/sv/om-kakor/") + `">Läs mer om kakor</a> eller ändra dina <a href="/_consent/settings" data-consent-action="settings">kakinställningar</a>.</p>
  </div>
</div>`
}

// node renders a Drupal 7 node (full view or teaser) with the RDFa spans.
func (p d7Page) node(nid int, path, title, date, author, image, body string, teaser bool, ncomments int) string {
	cls := "node node-article node-promoted clearfix"
	if teaser {
		cls = "node node-article node-promoted node-teaser clearfix"
	}
	h := ""
	if teaser {
		h = `
        <h2 property="dc:title" datatype=""><a href="` + p.u(path) + `">` + title + `</a></h2>
    `
	} else {
		h = `<span property="dc:title" content="` + title + `" class="rdf-meta element-hidden"></span><span property="sioc:num_replies" content="` + itoa(ncomments) + `" datatype="xsd:integer" class="rdf-meta element-hidden"></span>`
	}
	img := ""
	if image != "" {
		img = `<div class="field field-name-field-image field-type-image field-label-hidden"><div class="field-items"><div class="field-item even" rel="og:image rdfs:seeAlso" resource="` + p.u(image) + `"><a href="` + p.u(path) + `"><img typeof="foaf:Image" src="` + p.u(image) + `" width="480" height="320" alt="" /></a></div></div></div>`
	}
	links := ""
	if teaser {
		links = `<li class="node-readmore first"><a href="` + p.u(path) + `" rel="tag" title="` + title + `">Läs mer<span class="element-invisible"> om ` + title + `</span></a></li>
<li class="comment-comments last"><a href="` + p.u(path) + `#comments" title="Läs kommentarer till detta inlägg.">` + itoa(ncomments) + ` kommentarer</a></li>`
	} else {
		links = `<li class="comment-add first last active"><a href="` + p.u(path) + `#comment-form" title="Dela med dig av dina tankar och åsikter om detta inlägg." class="active">Lägg till ny kommentar</a></li>`
	}
	return `<div id="node-` + itoa(nid) + `" class="` + cls + `" about="` + p.u(path) + `" typeof="sioc:Item foaf:Document">

        ` + h + `
      <div class="meta submitted">
            <span property="dc:date dc:created" content="` + date + `" datatype="xsd:dateTime" rel="sioc:has_creator">Inskickad av <span class="username" xml:lang="" about="/sv/user/3" typeof="sioc:UserAccount" property="foaf:name" datatype="">` + author + `</span> ` + svDate(date) + `</span>    </div>
  
  <div class="content clearfix">
    ` + img + `<div class="field field-name-body field-type-text-with-summary field-label-hidden"><div class="field-items"><div class="field-item even" property="content:encoded">` + body + `</div></div></div>  </div>

      <div class="link-wrapper">
      <ul class="links inline">` + links + `</ul>    </div>
  
  `
}

// svDate formats an ISO date as Drupal's "medium" date format in Swedish:
// 2024-04-02T09:15:00+02:00 -> tis, 2024-04-02 09:15.
func svDate(iso string) string {
	t, err := time.Parse(time.RFC3339, iso)
	if err != nil {
		panic(err)
	}
	days := []string{"sön", "mån", "tis", "ons", "tor", "fre", "lör"}
	return days[t.Weekday()] + ", " + t.Format("2006-01-02 15:04")
}

type d7Comment struct {
	cid           int
	author, date  string
	subject, body string
	indented      bool
}

func (p d7Page) comments(nid int, path string, cs []d7Comment) string {
	var b strings.Builder
	b.WriteString(`<div id="comments" class="comment-wrapper">
          <h2 class="title">Kommentarer</h2>
      
  `)
	for i, c := range cs {
		cid := itoa(c.cid)
		// The static demo has no /comment/ or /user/ routes: link within the page.
		permalink, reply := "/sv/comment/"+cid+"#comment-"+cid, "/sv/comment/reply/"+itoa(nid)+"/"+cid
		if !p.fixture {
			permalink, reply = p.u(path)+"#comment-"+cid, p.u(path)+"#comment-form"
		}
		if c.indented {
			b.WriteString(`<div class="indented">`)
		}
		zebra := "odd"
		if i%2 == 1 {
			zebra = "even"
		}
		by, name := "comment-by-anonymous", c.author+" (inte verifierad)"
		if c.author == "Johanna" {
			// Staff answer while logged in.
			by, name = "comment-by-node-author", `<span class="username" xml:lang="" about="/sv/user/3" typeof="sioc:UserAccount" property="foaf:name" datatype="">Johanna</span>`
		} else {
			name = `<span class="username" xml:lang="" typeof="sioc:UserAccount" property="foaf:name" datatype="">` + name + `</span>`
		}
		b.WriteString(`<a id="comment-` + cid + `"></a>
<div class="comment ` + by + ` clearfix ` + zebra + `" about="/sv/comment/` + cid + `#comment-` + cid + `" typeof="sioc:Post sioct:Comment">

  <div class="attribution">

      
    <div class="submitted">
      <p class="commenter-name">
        <span rel="sioc:has_creator">` + name + `</span>      </p>
      <p class="comment-time">
        <span property="dc:date dc:created" content="` + c.date + `" datatype="xsd:dateTime">` + svDate(c.date) + `</span>      </p>
      <p class="comment-permalink">
        <a href="` + permalink + `" class="permalink" rel="bookmark">Permalänk</a>      </p>
    </div>
  </div>

  <div class="comment-text">
    <div class="comment-arrow"></div>

    
        <h3 property="dc:title" datatype=""><a href="` + permalink + `" class="permalink" rel="bookmark">` + c.subject + `</a></h3>
    
    <div class="content">
      <span rel="sioc:reply_of" resource="` + p.u(path) + `" class="rdf-meta element-hidden"></span><div class="field field-name-comment-body field-type-text-long field-label-hidden"><div class="field-items"><div class="field-item even" property="content:encoded">` + c.body + `</div></div></div>          </div> <!-- /.content -->

    <ul class="links inline"><li class="comment-reply first last"><a href="` + reply + `">svara</a></li>
</ul>  </div> <!-- /.comment-text -->
</div>
`)
		if c.indented {
			b.WriteString(`</div>`)
		}
	}
	b.WriteString(`
      <h2 class="title comment-form">Lägg till ny kommentar</h2>
    <form class="comment-form" action="/sv/comment/reply/` + itoa(nid) + `" method="post" id="comment-form" accept-charset="UTF-8"><div><div class="form-item form-type-textfield form-item-name">
  <label for="edit-name">Ditt namn </label>
 <input type="text" id="edit-name" name="name" value="" size="30" maxlength="60" class="form-text" />
</div>
<div class="form-item form-type-textfield form-item-mail">
  <label for="edit-mail">E-post </label>
 <input type="text" id="edit-mail" name="mail" value="" size="30" maxlength="64" class="form-text" />
<div class="description">Innehållet i det här fältet hålls privat och kommer inte att visas publikt.</div>
</div>
<div class="form-item form-type-textfield form-item-subject">
  <label for="edit-subject">Ämne </label>
 <input type="text" id="edit-subject" name="subject" value="" size="60" maxlength="64" class="form-text" />
</div>
<div class="field-type-text-long field-name-comment-body field-widget-text-textarea form-wrapper" id="edit-comment-body"><div id="comment-body-add-more-wrapper"><div class="form-item form-type-textarea form-item-comment-body-und-0-value">
  <label for="edit-comment-body-und-0-value">Kommentar <span class="form-required" title="Detta fält är obligatoriskt.">*</span></label>
 <div class="form-textarea-wrapper resizable"><textarea class="text-full form-textarea required" id="edit-comment-body-und-0-value" name="comment_body[und][0][value]" cols="60" rows="5"></textarea></div>
</div>
</div></div><input type="hidden" name="form_build_id" value="form-Xk2b9QdWm4o7HfRzLpA1sT8uVyE3nC6jG0iK5qJwMxU" />
<input type="hidden" name="form_id" value="comment_node_article_form" />
<div class="form-actions form-wrapper" id="edit-actions"><input type="submit" id="edit-submit" name="op" value="Spara" class="form-submit" /><input type="submit" id="edit-preview" name="op" value="Förhandsgranska" class="form-submit" /></div></div></form>  </div>
`)
	return b.String()
}

const svArticleBody = `<p>När vi öppnade rosteriet på Andra Långgatan fick vi en fråga nästan varje dag: varför smakar ert kaffe så annorlunda? Svaret är enkelt. Vi rostar ljusare än de flesta svenska rosterier, precis som vi gör hemma i Tromsø.</p>
<p>En ljus rostning tar vara på syrligheten och de fruktiga tonerna som kaffet fått på gården. Ett kaffe från Guji i Etiopien ska smaka bergamott och persika, inte bränt bröd. Rostar man mörkt blir alla kaffen lika, och då spelar det ingen roll varifrån bönorna kommer.</p>
<h3>Är ljusrostat surt?</h3>
<p>Det kan vara det, om det är fel bryggt. Ljusrostat kaffe behöver lite varmare vatten, runt 94 grader, och något finare malning än du kanske är van vid. Rätt bryggt är det sött och saftigt, med en syra som påminner om äpple snarare än citron.</p>
<ul>
<li>Använd 60 gram kaffe per liter vatten.</li>
<li>Mal strax före bryggning.</li>
<li>Låt kaffet svalna en stund innan du smakar – nya toner dyker upp.</li>
</ul>
<p>Vill du prova själv? Varje lördag klockan tio håller vi en gratis provsmakning i butiken, där vi brygger samma kaffe på tre olika sätt. Ingen anmälan behövs.</p>
`

var svArticleComments = []d7Comment{
	{cid: 31, author: "Elin", date: "2024-04-03T18:22:00+02:00", subject: "Provsmakningen var toppen", body: `<p>Var där i lördags och förstod äntligen vad ni menar med persika. Tack för ett trevligt upplägg!</p>`},
	{cid: 32, author: "Johanna", date: "2024-04-04T08:05:00+02:00", subject: "Välkommen tillbaka!", body: `<p>Tack Elin! Nästa lördag brygger vi Senja på presskanna, aeropress och filter.</p>`, indented: true},
	{cid: 33, author: "Mats G.", date: "2024-04-06T21:40:00+02:00", subject: "Malningsgrad?", body: `<p>Vilken inställning rekommenderar ni på en Wilfa Svart för filterbryggare?</p>`},
}

func svArticle() d7Page {
	p := d7Page{
		path:      "/sv/nyheter/darfor-rostar-vi-ljust/",
		nid:       12,
		title:     "Därför rostar vi ljust | " + svSiteName,
		desc:      "Varför smakar vårt kaffe annorlunda? Vi rostar ljusare än de flesta svenska rosterier. Så här brygger du ljusrostat kaffe.",
		bodyClass: "html not-front not-logged-in one-sidebar sidebar-first page-node page-node- page-node-12 node-type-article i18n-sv",
		menu:      "/sv/nyheter/darfor-rostar-vi-ljust/",
		trackers:  true,
	}
	p.content = p.node(12, p.path, "Därför rostar vi ljust", "2024-04-02T09:15:00+02:00", "Johanna", "/sites/default/files/styles/large/public/field/image/ljusrost.svg", svArticleBody, false, len(svArticleComments)) +
		p.comments(12, p.path, svArticleComments) + `
</div>
`
	return p
}

func svHome() d7Page {
	p := d7Page{
		path:      "/sv/",
		nid:       1,
		title:     svSiteName + " | Nyrostat kaffe från Tromsø – nu även i Göteborg",
		desc:      "Nordlys Kafferosteri rostar kaffe i små satser på Andra Långgatan i Göteborg. Välkommen in på en kopp!",
		bodyClass: "html front not-logged-in one-sidebar sidebar-first page-node i18n-sv featured",
		front:     true,
		menu:      "/sv/",
		trackers:  true,
		featured: `<h2>Välkommen till rosteriet på Andra Lång</h2>
<p>Sedan våren 2023 rostar vi kaffe i Göteborg, med samma bönor och samma kärlek som i Tromsø. Kom in på en kopp, köp en påse nyrostat eller stanna en stund och prata kaffe med oss.</p>
<p><a href="/sv/nyheter/darfor-rostar-vi-ljust/" class="button">Läs varför vi rostar ljust</a></p>
`,
	}
	p.content = p.node(12, "/sv/nyheter/darfor-rostar-vi-ljust/", "Därför rostar vi ljust", "2024-04-02T09:15:00+02:00", "Johanna", "/sites/default/files/styles/large/public/field/image/ljusrost.svg",
		`<p>När vi öppnade rosteriet på Andra Långgatan fick vi en fråga nästan varje dag: varför smakar ert kaffe så annorlunda? Svaret är enkelt. Vi rostar ljusare än de flesta svenska rosterier, precis som vi gör hemma i Tromsø.</p>
`, true, len(svArticleComments)) + `</div>
` + p.node(9, "/sv/", "Nu öppet även på söndagar", "2024-03-14T12:00:00+01:00", "Johanna", "",
		`<p>Från och med mars har vi öppet även på söndagar mellan 9 och 16. Välkommen in på en söndagsfika med kardemummabulle från bageriet runt hörnet!</p>
`, true, 0) + `</div>
`
	return p
}

func svCookies() d7Page {
	p := d7Page{
		path:      "/sv/om-kakor/",
		nid:       7,
		title:     "Integritetspolicy och kakor | " + svSiteName,
		desc:      "Hur Nordlys Kafferosteri hanterar personuppgifter och vilka kakor (cookies) webbplatsen använder.",
		bodyClass: "html not-front not-logged-in one-sidebar sidebar-first page-node page-node- page-node-7 node-type-page i18n-sv",
		menu:      "/sv/om-kakor/",
		trackers:  true,
	}
	p.content = `<div id="node-7" class="node node-page clearfix" about="` + p.u(p.path) + `" typeof="foaf:Document">

      <span property="dc:title" content="Integritetspolicy och kakor" class="rdf-meta element-hidden"></span>
  
  <div class="content clearfix">
    <div class="field field-name-body field-type-text-with-summary field-label-hidden"><div class="field-items"><div class="field-item even" property="content:encoded">` + svCookiesBody + `</div></div></div>  </div>

  
  
</div>
`
	return p
}

const svCookiesBody = `<p><em>Version 2.1, 2 maj 2024</em></p>
<p>På denna sida redogör vi för vilka uppgifter vi samlar in om dig, varför vi gör det och hur de används och skyddas. Nordlys Kafferosteri AB är ett dotterbolag till Nordlys Kaffebrenneri AS i Tromsø. Vår VD ansvarar för företagets hantering av personuppgifter.</p>
<h2>Användning av kakor</h2>
<p>Kakor (cookies) är små textfiler som placeras på din dator när du besöker en webbplats. Enligt lagen om elektronisk kommunikation får vi bara lagra information i din webbläsare om du har informerats om det och samtyckt till det. Undantaget är kakor som är nödvändiga för att webbplatsen ska fungera.</p>
<p>Du kan när som helst ändra eller återkalla ditt samtycke under <a href="/_consent/settings" data-consent-action="settings">Kakinställningar</a>. En fullständig och automatiskt uppdaterad förteckning finns i vår <a href="/_consent/cookies">kakdeklaration</a>.</p>
<h3>Följande kakor används på webbplatsen</h3>
<dl class="kakor">
<dt>has_js</dt>
<dd>Utgår: När du stänger webbläsaren<br />Typ: Nödvändig<br />Inlagd av: Drupal<br />Syfte: Kakan anger om din webbläsare stöder Javascript.</dd>
<dt>SSESSxxxxxxxxxxxxxxxxxxxxxxx</dt>
<dd>Utgår: Efter 23 dagar eller när du loggar ut<br />Typ: Nödvändig<br />Inlagd av: Drupal<br />Syfte: Sessionskaka som håller reda på vilken användare som är inloggad. Det går inte att logga in utan den.</dd>
<dt>consent</dt>
<dd>Utgår: 6 månader<br />Typ: Nödvändig<br />Inlagd av: Nordlys Kafferosteri<br />Syfte: Kommer ihåg vilka kakor du har godkänt eller avböjt.</dd>
<dt>_ga, _ga_…</dt>
<dd>Utgår: 2 år<br />Typ: Statistik<br />Inlagd av: Google Analytics<br />Syfte: Innehåller ett unikt ID som skiljer besökare från varandra i besöksstatistiken.</dd>
<dt>_pk_id, _pk_ses</dt>
<dd>Utgår: 13 månader / 30 minuter<br />Typ: Statistik<br />Inlagd av: Matomo (vår egen statistikserver)<br />Syfte: Räknar besök och sidvisningar utan att dela uppgifterna med någon annan.</dd>
<dt>_hjSessionUser_…, _hjSession_…</dt>
<dd>Utgår: 1 år / 30 minuter<br />Typ: Statistik<br />Inlagd av: Hotjar<br />Syfte: Visar hur sidorna används (klick och scrollning) så att vi kan förbättra dem.</dd>
<dt>_fbp, fr</dt>
<dd>Utgår: 3 månader<br />Typ: Marknadsföring<br />Inlagd av: Meta (Facebook)<br />Syfte: Mäter effekten av annonser och visar relevanta annonser på Facebook och Instagram.</dd>
</dl>
<h2>”Do not track”-inställningar</h2>
<p>Vi respekterar ”Do not track” och Global Privacy Control i webbläsare. Skickar din webbläsare en sådan signal räknar vi det som ett nej till statistik och marknadsföring tills du själv väljer något annat.</p>
<h2>Loggar och IP-adresser</h2>
<p>Alla besök loggas för att vi ska kunna stoppa dataintrång och upprätthålla en god säkerhet. IP-adressen förkortas innan den skrivs till loggen, och loggarna raderas efter 30 dagar.</p>
<h2>Våra kunders uppgifter</h2>
<p>När du blir kund hos oss registrerar vi de uppgifter som behövs för att fullfölja vårt åtagande gentemot dig, till exempel namn, adress och kontaktuppgifter. Vi använder aldrig informationen i marknadsföringssyfte för andra än oss själva. Fakturor sparas i enlighet med bokföringslagen.</p>
<h2>Rättigheter</h2>
<p>Du har rätt att få veta vilka uppgifter vi har om dig och att begära att felaktiga eller ofullständiga uppgifter rättas, raderas eller kompletteras. Vi besvarar din begäran kostnadsfritt och senast inom 30 dagar. Du har också rätt att klaga hos Integritetsskyddsmyndigheten (IMY).</p>
<h2>Kontaktinformation</h2>
<p>Nordlys Kafferosteri AB, Andra Långgatan 20, 413 03 Göteborg<br />E-post: <a href="mailto:integritet@nordlyskaffe.example">integritet@nordlyskaffe.example</a></p>
`

// drupalMedian is a Drupal 7 article page with a long body, comments and
// sidebar blocks, and no trackers.
func drupalMedian() string {
	r := rng(20240402)
	base := fixtureOrigin
	p := d7Page{
		base:      base,
		path:      "/sv/nyheter/darfor-rostar-vi-ljust",
		nid:       12,
		title:     "Därför rostar vi ljust | " + svSiteName,
		desc:      "Varför smakar vårt kaffe annorlunda? Vi rostar ljusare än de flesta svenska rosterier.",
		bodyClass: "html not-front not-logged-in one-sidebar sidebar-first page-node page-node- page-node-12 node-type-article i18n-sv",
		menu:      "/sv/nyheter/darfor-rostar-vi-ljust/",
		fixture:   true,
	}
	var body strings.Builder
	body.WriteString(svArticleBody)
	for s := 0; s < 9; s++ {
		body.WriteString("<h3>" + svHeadings[s%len(svHeadings)] + "</h3>\n")
		for i := 0; i < 4+r.next(3); i++ {
			body.WriteString("<p>" + svSentences(&r, 4+r.next(4)) + "</p>\n")
		}
		if s%3 == 1 {
			body.WriteString("<ul>\n")
			for i := 0; i < 4; i++ {
				body.WriteString("<li>" + strings.TrimSuffix(svPool[r.next(len(svPool))], ".") + "</li>\n")
			}
			body.WriteString("</ul>\n")
		}
	}
	var cs []d7Comment
	names := []string{"Elin", "Mats G.", "Sara L.", "Björn", "Amira", "Karl-Johan"}
	for i := 0; i < 12; i++ {
		c := d7Comment{cid: 40 + i, author: names[r.next(len(names))], date: "2024-04-" + pad2(3+i) + "T" + pad2(8+r.next(12)) + ":" + pad2(r.next(60)) + ":00+02:00",
			subject: strings.TrimSuffix(strings.SplitN(svPool[r.next(len(svPool))], ",", 2)[0], "."), body: "<p>" + svSentences(&r, 2+r.next(3)) + "</p>"}
		if i%3 == 2 {
			c.author, c.indented = "Johanna", true
		}
		cs = append(cs, c)
	}
	p.content = p.node(12, p.path, "Därför rostar vi ljust", "2024-04-02T09:15:00+02:00", "Johanna", "/sites/default/files/styles/large/public/field/image/ljusrost.jpg", body.String(), false, len(cs)) +
		p.comments(12, p.path, cs) + `
</div>
`
	return p.render()
}

var svHeadings = []string{
	"Från gården till koppen", "Vattnet betyder mer än du tror", "Kvarnen är viktigast",
	"Så förvarar du bönorna", "Vanliga misstag", "Kaffe till många", "Hållbarhet i rosteriet",
	"Provsmakning varje lördag", "Nästa steg",
}

var svPool = []string{
	"Kaffebönor är frön från körsbärsliknande bär, och smaken avgörs lika mycket på gården som i rosteriet.",
	"Vi rostar i satser om tolv kilo, och varje sats loggas med temperaturkurva och tid.",
	"En ljus rostning tar vara på syrligheten och de blommiga tonerna från höjden där bönorna växte.",
	"En mörkare rostning ger mer kropp och beska, men suddar ut skillnaderna mellan ursprungen.",
	"Vattnet utgör nästan nittio procent av koppen, så det lönar sig att använda gott och friskt vatten.",
	"Göteborgsvattnet är mjukt och passar utmärkt till kaffe.",
	"Kvarnen är den viktigaste investeringen du gör, långt viktigare än en dyr kaffemaskin.",
	"Kaffe som är för finmalet drar för mycket och blir beskt och strävt.",
	"Kaffe som är för grovmalet drar för lite och smakar surt och tunt.",
	"Nyrostat kaffe avger koldioxid de första dagarna, och därför har våra påsar en liten ventil.",
	"Vi rekommenderar att du dricker kaffet mellan fem dagar och sex veckor efter rostning.",
	"Förvara bönorna i en tät burk, mörkt och svalt, men aldrig i kylskåpet.",
	"Odlarna vi handlar med får betalt långt över marknadspriset, och vi besöker dem när vi kan.",
	"Tvättat kaffe ger en ren och klar kopp, medan naturligt processat kaffe smakar mer bär och vin.",
	"Många tror att mörkrostat kaffe innehåller mer koffein, men skillnaden är i praktiken obetydlig.",
	"Vi väger alltid kaffet, eftersom en matsked kan variera med flera gram beroende på bönorna.",
	"En god kopp behöver inte vara krånglig, men den kräver lite nyfikenhet.",
	"Smaka på kaffet medan det svalnar, för nya toner dyker upp när temperaturen sjunker.",
	"Kaffesumpen går till en odling i Angered, där den blir jord för grönsaker.",
	"Filterpapper bör sköljas med varmt vatten före användning, annars kan kaffet smaka papp.",
	"Espresso är ett eget hantverk, och vi lägger gärna en hel morgon på att ställa in kvarnen.",
	"Det är tillåtet att tycka om kaffe med socker, även om vi tycker att du ska smaka det utan först.",
}

func svSentences(r *rng, n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = svPool[r.next(len(svPool))]
	}
	return strings.Join(parts, " ")
}
