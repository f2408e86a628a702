package main

import (
	"strings"
)

// wpPage is one page of the WordPress 6.6 site (Twenty Twenty-Four child
// theme "nordlys"), rendered the way wp_head(), the block templates and
// wp_footer() print it.
type wpPage struct {
	base      string // "" in the demo (root-relative links), the site origin in fixtures
	path      string // the page's own path, e.g. "/kontakt/"
	title     string // <title>, already escaped
	desc      string // meta description
	bodyClass string
	postID    int
	ogType    string // "article" or "website"
	published string // ISO date for JSON-LD and og
	nav       string // path of the current menu item

	hints       string // resource hints from core and plugins
	headScripts string // snippets pasted into "Header" (WPCode / theme options)
	bodyOpen    string // snippets printed by wp_body_open()
	main        string // the <main> element
	footScripts string // snippets pasted into "Footer"

	extraCSS    string // per-page block CSS (core-block-supports)
	comments    bool   // enqueue comment-reply
	recaptcha   bool   // Contact Form 7 with reCAPTCHA v3
	fixture     bool   // fixture extras: local fonts, importmap, jquery-migrate
	emojiScript bool
}

func (p wpPage) u(path string) string { return p.base + path }

// jsonURL is a URL as wp_json_encode escapes it inside inline scripts.
func (p wpPage) jsonURL(path string) string {
	return strings.ReplaceAll(p.u(path), "/", `\/`)
}

const siteName = "Nordlys Kaffebrenneri"

func (p wpPage) render() string {
	var b strings.Builder
	w := b.WriteString
	canonical := p.u(p.path)
	if p.base == "" {
		canonical = "https://nordlyskaffe.example" + p.path
	}
	w(`<!DOCTYPE html>
<html lang="nb-NO">
<head>
	<meta charset="UTF-8" />
	<meta name="viewport" content="width=device-width, initial-scale=1" />
<meta name='robots' content='index, follow, max-image-preview:large, max-snippet:-1, max-video-preview:-1' />

	<!-- This site is optimized with the Yoast SEO plugin v23.5 - https://yoast.com/wordpress/plugins/seo/ -->
	<title>` + p.title + `</title>
	<meta name="description" content="` + p.desc + `" />
	<link rel="canonical" href="` + canonical + `" />
	<meta property="og:locale" content="nb_NO" />
	<meta property="og:locale:alternate" content="sv_SE" />
	<meta property="og:type" content="` + p.ogType + `" />
	<meta property="og:title" content="` + p.title + `" />
	<meta property="og:description" content="` + p.desc + `" />
	<meta property="og:url" content="` + canonical + `" />
	<meta property="og:site_name" content="` + siteName + `" />
	<meta property="article:publisher" content="https://www.facebook.com/nordlyskaffe" />
	<meta property="article:modified_time" content="` + p.published + `" />
	<meta name="twitter:card" content="summary_large_image" />
	<script type="application/ld+json" class="yoast-schema-graph">` + p.jsonLD(canonical) + `</script>
	<!-- / Yoast SEO plugin. -->


`)
	w(p.hints)
	w(`<link rel="alternate" type="application/rss+xml" title="` + siteName + ` &raquo; Feed" href="` + p.u("/feed/") + `" />
<link rel="alternate" type="application/rss+xml" title="` + siteName + ` &raquo; Kommentarstrøm" href="` + p.u("/comments/feed/") + `" />
`)
	if p.comments {
		w(`<link rel="alternate" type="application/rss+xml" title="` + siteName + ` &raquo; ` + p.title + ` Kommentarstrøm" href="` + p.u(p.path+"feed/") + `" />
`)
	}
	if p.emojiScript {
		w(`<script>
window._wpemojiSettings = {"baseUrl":"https:\/\/s.w.org\/images\/core\/emoji\/15.0.3\/72x72\/","ext":".png","svgUrl":"https:\/\/s.w.org\/images\/core\/emoji\/15.0.3\/svg\/","svgExt":".svg","source":{"concatemoji":"` + p.jsonURL("/wp-includes/js/wp-emoji-release.min.js?ver=6.6.2") + `"}};
` + wpEmojiLoader + `
</script>
`)
	}
	w(blockInlineStyles)
	w(`<style id='wp-emoji-styles-inline-css'>

	img.wp-smiley, img.emoji {
		display: inline !important;
		border: none !important;
		box-shadow: none !important;
		height: 1em !important;
		width: 1em !important;
		margin: 0 0.07em !important;
		vertical-align: -0.1em !important;
		background: none !important;
		padding: 0 !important;
	}
</style>
<link rel='stylesheet' id='wp-block-library-css' href='` + p.u("/wp-includes/css/dist/block-library/style.min.css?ver=6.6.2") + `' media='all' />
<style id='global-styles-inline-css'>
` + globalStylesCSS + `
</style>
<style id='core-block-supports-inline-css'>
` + coreBlockSupportsCSS + p.extraCSS + `
</style>
<style id='wp-block-template-skip-link-inline-css'>

		.skip-link.screen-reader-text {
			border: 0;
			clip: rect(1px,1px,1px,1px);
			clip-path: inset(50%);
			height: 1px;
			margin: -1px;
			overflow: hidden;
			padding: 0;
			position: absolute !important;
			width: 1px;
			word-wrap: normal !important;
		}

		.skip-link.screen-reader-text:focus {
			background-color: #eee;
			clip: auto !important;
			clip-path: none;
			color: #444;
			display: block;
			font-size: 1em;
			height: auto;
			left: 5px;
			line-height: normal;
			padding: 15px 23px 14px;
			text-decoration: none;
			top: 5px;
			width: auto;
			z-index: 100000;
		}
</style>
`)
	if p.recaptcha {
		w(`<link rel='stylesheet' id='contact-form-7-css' href='` + p.u("/wp-content/plugins/contact-form-7/includes/css/styles.css?ver=5.9.8") + `' media='all' />
`)
	}
	w(`<link rel='stylesheet' id='nordlys-style-css' href='` + p.u("/wp-content/themes/nordlys/style.css?ver=1.0.3") + `' media='all' />
<script src="` + p.u("/wp-includes/js/jquery/jquery.min.js?ver=3.7.1") + `" id="jquery-core-js"></script>
`)
	if p.fixture {
		w(`<script src="` + p.u("/wp-includes/js/jquery/jquery-migrate.min.js?ver=3.4.1") + `" id="jquery-migrate-js"></script>
`)
	}
	w(`<link rel="https://api.w.org/" href="` + p.u("/wp-json/") + `" />`)
	if p.postID != 0 {
		kind := "pages"
		if p.ogType == "article" {
			kind = "posts"
		}
		w(`<link rel="alternate" title="JSON" type="application/json" href="` + p.u("/wp-json/wp/v2/"+kind+"/"+itoa(p.postID)) + `" />`)
	}
	w(`<link rel="EditURI" type="application/rsd+xml" title="RSD" href="` + p.u("/xmlrpc.php?rsd") + `" />
<meta name="generator" content="WordPress 6.6.2" />
`)
	if p.postID != 0 {
		enc := urlQueryEscape(canonical)
		w(`<link rel='shortlink' href='` + p.u("/?p="+itoa(p.postID)) + `' />
<link rel="alternate" title="oEmbed (JSON)" type="application/json+oembed" href="` + p.u("/wp-json/oembed/1.0/embed?url="+enc) + `" />
<link rel="alternate" title="oEmbed (XML)" type="text/xml+oembed" href="` + p.u("/wp-json/oembed/1.0/embed?url="+enc+"&#038;format=xml") + `" />
`)
	}
	w(p.headScripts)
	if p.fixture {
		w(wpFontsLocal(p))
	}
	w(`<link rel="icon" href="` + p.u("/wp-content/uploads/2024/01/cropped-nordlys-ikon-32x32.png") + `" sizes="32x32" />
<link rel="icon" href="` + p.u("/wp-content/uploads/2024/01/cropped-nordlys-ikon-192x192.png") + `" sizes="192x192" />
<link rel="apple-touch-icon" href="` + p.u("/wp-content/uploads/2024/01/cropped-nordlys-ikon-180x180.png") + `" />
<meta name="msapplication-TileImage" content="` + p.u("/wp-content/uploads/2024/01/cropped-nordlys-ikon-270x270.png") + `" />
</head>

<body class="` + p.bodyClass + `">
`)
	w(p.bodyOpen)
	w(`
<div class="wp-site-blocks">`)
	w(p.header())
	w("\n\n\n")
	w(p.main)
	w("\n\n\n")
	w(p.footer())
	w(`</div>
`)
	w(p.footScripts)
	if p.comments {
		w(`<script src="` + p.u("/wp-includes/js/comment-reply.min.js?ver=6.6.2") + `" id="comment-reply-js" async data-wp-strategy="async"></script>
`)
	}
	if p.recaptcha {
		w(`<script src="` + p.u("/wp-includes/js/dist/hooks.min.js?ver=2810c76e705dd1a53b18") + `" id="wp-hooks-js"></script>
<script src="` + p.u("/wp-content/plugins/contact-form-7/includes/swv/js/index.js?ver=5.9.8") + `" id="swv-js"></script>
<script id="contact-form-7-js-extra">
var wpcf7 = {"api":{"root":"` + p.jsonURL("/wp-json/") + `","namespace":"contact-form-7\/v1"}};
</script>
<script src="` + p.u("/wp-content/plugins/contact-form-7/includes/js/index.js?ver=5.9.8") + `" id="contact-form-7-js"></script>
<script src="https://www.google.com/recaptcha/api.js?render=6LcDEMO0000000000000000000000000000000000&amp;ver=3.0" id="google-recaptcha-js"></script>
<script src="` + p.u("/wp-includes/js/dist/vendor/wp-polyfill.min.js?ver=3.15.0") + `" id="wp-polyfill-js"></script>
<script id="wpcf7-recaptcha-js-extra">
var wpcf7_recaptcha = {"sitekey":"6LcDEMO0000000000000000000000000000000000","actions":{"homepage":"homepage","contactform":"contactform"}};
</script>
<script src="` + p.u("/wp-content/plugins/contact-form-7/modules/recaptcha/index.js?ver=5.9.8") + `" id="wpcf7-recaptcha-js"></script>
`)
	}
	w(skipLinkScript)
	if p.fixture {
		w(`<script type="importmap" id="wp-importmap">
{"imports":{"@wordpress\/interactivity":"` + p.jsonURL("/wp-includes/js/dist/interactivity.min.js?ver=6.6.2") + `"}}
</script>
<script type="module" src="` + p.u("/wp-includes/blocks/navigation/view.min.js?ver=6.6.2") + `" id="@wordpress/block-library/navigation/view-js-module"></script>
<link rel="modulepreload" href="` + p.u("/wp-includes/js/dist/interactivity.min.js?ver=6.6.2") + `" id="@wordpress/interactivity-js-modulepreload">`)
	}
	w(`
</body>
</html>
`)
	return b.String()
}

func (p wpPage) jsonLD(canonical string) string {
	home := p.u("/")
	if p.base == "" {
		home = "https://nordlyskaffe.example/"
	}
	typ := "WebPage"
	if p.ogType == "article" {
		typ = "Article"
	}
	s := `{"@context":"https://schema.org","@graph":[`
	if typ == "Article" {
		s += `{"@type":"Article","@id":"` + canonical + `#article","isPartOf":{"@id":"` + canonical + `"},"author":{"name":"Ingrid Haugland","@id":"` + home + `#/schema/person/5c1e0f3a"},"headline":"` + p.title + `","datePublished":"` + p.published + `","dateModified":"` + p.published + `","mainEntityOfPage":{"@id":"` + canonical + `"},"wordCount":1874,"commentCount":4,"publisher":{"@id":"` + home + `#organization"},"image":{"@id":"` + canonical + `#primaryimage"},"thumbnailUrl":"` + home + `wp-content/uploads/2024/05/presskanne.svg","articleSection":["Brygging"],"inLanguage":"nb-NO","potentialAction":[{"@type":"CommentAction","name":"Comment","target":["` + canonical + `#respond"]}]},`
	}
	s += `{"@type":"WebPage","@id":"` + canonical + `","url":"` + canonical + `","name":"` + p.title + `","isPartOf":{"@id":"` + home + `#website"},"datePublished":"` + p.published + `","dateModified":"` + p.published + `","description":"` + p.desc + `","breadcrumb":{"@id":"` + canonical + `#breadcrumb"},"inLanguage":"nb-NO","potentialAction":[{"@type":"ReadAction","target":["` + canonical + `"]}]},{"@type":"BreadcrumbList","@id":"` + canonical + `#breadcrumb","itemListElement":[{"@type":"ListItem","position":1,"name":"Hjem","item":"` + home + `"},{"@type":"ListItem","position":2,"name":"` + p.title + `"}]},{"@type":"WebSite","@id":"` + home + `#website","url":"` + home + `","name":"` + siteName + `","description":"Ferskbrent kaffe fra Tromsø","publisher":{"@id":"` + home + `#organization"},"potentialAction":[{"@type":"SearchAction","target":{"@type":"EntryPoint","urlTemplate":"` + home + `?s={search_term_string}"},"query-input":{"@type":"PropertyValueSpecification","valueRequired":true,"valueName":"search_term_string"}}],"inLanguage":"nb-NO"},{"@type":"Organization","@id":"` + home + `#organization","name":"` + siteName + ` AS","url":"` + home + `","logo":{"@type":"ImageObject","inLanguage":"nb-NO","@id":"` + home + `#/schema/logo/image/","url":"` + home + `wp-content/uploads/2024/01/nordlys-logo.svg","contentUrl":"` + home + `wp-content/uploads/2024/01/nordlys-logo.svg","width":96,"height":96,"caption":"` + siteName + `"},"image":{"@id":"` + home + `#/schema/logo/image/"},"sameAs":["https://www.facebook.com/nordlyskaffe","https://www.instagram.com/nordlyskaffe/"]}]}`
	return s
}

type navItem struct{ label, path string }

var wpNav = []navItem{
	{"Hjem", "/"},
	{"Brygguide", "/blogg/slik-brygger-du-kaffe-med-presskanne/"},
	{"Kontakt", "/kontakt/"},
	{"Personvern", "/personvernerklaering/"},
	{"Svenska", "/sv/"},
}

func (p wpPage) header() string {
	var items strings.Builder
	for _, it := range wpNav {
		cls := " wp-block-navigation-item wp-block-navigation-link"
		cur := ""
		if it.path == p.nav {
			cls = " wp-block-navigation-item current-menu-item wp-block-navigation-link"
			cur = ` aria-current="page"`
		}
		lang := ""
		if it.path == "/sv/" {
			lang = ` lang="sv" hreflang="sv"`
		}
		items.WriteString(`<li class="` + cls + `"><a class="wp-block-navigation-item__content"  href="` + p.u(it.path) + `"` + cur + lang + `><span class="wp-block-navigation-item__label">` + it.label + `</span></a></li>`)
	}
	return `<header class="wp-block-template-part">
<div class="wp-block-group has-global-padding is-layout-constrained wp-block-group-is-layout-constrained">
<div class="wp-block-group alignwide is-content-justification-space-between is-layout-flex wp-container-core-group-is-layout-1d3b1a5b wp-block-group-is-layout-flex" style="padding-top:var(--wp--preset--spacing--20);padding-bottom:var(--wp--preset--spacing--20)">
<div class="wp-block-group is-layout-flex wp-container-core-group-is-layout-6c531013 wp-block-group-is-layout-flex"><div class="wp-block-site-logo"><a href="` + p.u("/") + `" class="custom-logo-link" rel="home"><img width="44" height="44" src="` + p.u("/wp-content/uploads/2024/01/nordlys-logo.svg") + `" class="custom-logo" alt="` + siteName + `" decoding="async" /></a></div>

<p class="wp-block-site-title"><a href="` + p.u("/") + `" target="_self" rel="home">` + siteName + `</a></p></div>



<div class="wp-block-group is-content-justification-right is-layout-flex wp-container-core-group-is-layout-7f8d4ac2 wp-block-group-is-layout-flex"><nav class="is-responsive items-justified-right wp-block-navigation is-content-justification-right is-layout-flex wp-container-core-navigation-is-layout-f665d2b5 wp-block-navigation-is-layout-flex" aria-label="Hovedmeny" 
		 data-wp-interactive="core/navigation" data-wp-context='{"overlayOpenedBy":{"click":false,"hover":false,"focus":false},"type":"overlay","roleAttribute":"","ariaLabel":"Meny"}'><button aria-haspopup="dialog" aria-label="&Aring;pne meny" class="wp-block-navigation__responsive-container-open " 
				data-wp-on-async--click="actions.openMenuOnClick"
				data-wp-on--keydown="actions.handleMenuKeydown"
			><svg width="24" height="24" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><rect x="4" y="7.5" width="16" height="1.5" /><rect x="4" y="15" width="16" height="1.5" /></svg></button>
				<div class="wp-block-navigation__responsive-container  "  id="modal-1" 
				data-wp-class--has-modal-open="state.isMenuOpen"
				data-wp-class--is-menu-open="state.isMenuOpen"
				data-wp-watch="callbacks.initMenu"
				data-wp-on--keydown="actions.handleMenuKeydown"
				data-wp-on-async--focusout="actions.handleMenuFocusout"
				tabindex="-1"
			>
					<div class="wp-block-navigation__responsive-close" tabindex="-1">
						<div class="wp-block-navigation__responsive-dialog" 
				data-wp-bind--aria-modal="state.ariaModal"
				data-wp-bind--aria-label="state.ariaLabel"
				data-wp-bind--role="state.roleAttribute"
			>
							<button aria-label="Lukk meny" class="wp-block-navigation__responsive-container-close" 
				data-wp-on-async--click="actions.closeMenuOnClick"
			><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false"><path d="m13.06 12 6.47-6.47-1.06-1.06L12 10.94 5.53 4.47 4.47 5.53 10.94 12l-6.47 6.47 1.06 1.06L12 13.06l6.47 6.47 1.06-1.06L13.06 12Z"></path></svg></button>
							<div class="wp-block-navigation__responsive-container-content" 
				data-wp-watch="callbacks.focusFirstElement"
			 id="modal-1-content">
								<ul class="wp-block-navigation__container is-responsive items-justified-right wp-block-navigation">` + items.String() + `</ul>
							</div>
						</div>
					</div>
				</div></nav></div>
</div>
</div>
</header>`
}

func (p wpPage) footer() string {
	settings := `<a href="/_consent/settings" data-consent-action="settings">Informasjonskapsler</a>`
	return `<footer class="wp-block-template-part">
<div class="wp-block-group has-base-2-background-color has-background has-global-padding is-layout-constrained wp-block-group-is-layout-constrained" style="padding-top:var(--wp--preset--spacing--50);padding-bottom:var(--wp--preset--spacing--40)">
<div class="wp-block-columns alignwide is-layout-flex wp-container-core-columns-is-layout-28f84493 wp-block-columns-is-layout-flex">
<div class="wp-block-column is-layout-flow wp-block-column-is-layout-flow" style="flex-basis:40%">
<div class="wp-block-group is-vertical is-layout-flex wp-container-core-group-is-layout-fe9cc265 wp-block-group-is-layout-flex"><div class="wp-block-site-logo"><a href="` + p.u("/") + `" class="custom-logo-link" rel="home"><img width="44" height="44" src="` + p.u("/wp-content/uploads/2024/01/nordlys-logo.svg") + `" class="custom-logo" alt="` + siteName + `" decoding="async" /></a></div>

<p class="wp-block-site-title"><a href="` + p.u("/") + `" target="_self" rel="home">` + siteName + `</a></p>

<p class="wp-block-site-tagline has-contrast-2-color has-text-color has-small-font-size">Ferskbrent kaffe fra Tromsø siden 2009. Brent i små porsjoner, sendt samme uke.</p></div>
</div>



<div class="wp-block-column is-layout-flow wp-block-column-is-layout-flow">
<div class="wp-block-group is-vertical is-layout-flex wp-container-core-group-is-layout-fe9cc265 wp-block-group-is-layout-flex">
<h2 class="wp-block-heading has-medium-font-size has-body-font-family" style="font-style:normal;font-weight:600">Besøk oss</h2>

<p class="has-contrast-2-color has-text-color has-small-font-size">Storgata 112<br>9008 Tromsø<br>Man–fre 08–17, lør 10–15</p>
</div>
</div>



<div class="wp-block-column is-layout-flow wp-block-column-is-layout-flow">
<div class="wp-block-group is-vertical is-layout-flex wp-container-core-group-is-layout-fe9cc265 wp-block-group-is-layout-flex">
<h2 class="wp-block-heading has-medium-font-size has-body-font-family" style="font-style:normal;font-weight:600">Om nettstedet</h2>

<ul class="wp-block-list has-small-font-size footer-links">
<li><a href="` + p.u("/kontakt/") + `">Kontakt oss</a></li>

<li><a href="` + p.u("/personvernerklaering/") + `">Personvernerklæring</a></li>

<li>` + settings + `</li>

<li><a href="` + p.u("/sv/") + `" lang="sv" hreflang="sv">På svenska</a></li>
</ul>
</div>
</div>



<div class="wp-block-column is-layout-flow wp-block-column-is-layout-flow">
<div class="wp-block-group is-vertical is-layout-flex wp-container-core-group-is-layout-fe9cc265 wp-block-group-is-layout-flex">
<h2 class="wp-block-heading has-medium-font-size has-body-font-family" style="font-style:normal;font-weight:600">Følg oss</h2>

<ul class="wp-block-list has-small-font-size footer-links">
<li><a href="https://www.facebook.com/nordlyskaffe" rel="noopener">Facebook</a></li>

<li><a href="https://www.instagram.com/nordlyskaffe/" rel="noopener">Instagram</a></li>
</ul>
</div>
</div>
</div>



<div class="wp-block-group alignwide is-content-justification-space-between is-layout-flex wp-container-core-group-is-layout-a6e2ff4f wp-block-group-is-layout-flex" style="padding-top:var(--wp--preset--spacing--40)">
<p class="has-contrast-2-color has-text-color has-small-font-size">© 2024 ` + siteName + ` AS · Org.nr. 912 345 678</p>



<p class="has-contrast-2-color has-text-color has-small-font-size">Drevet av <a href="https://wordpress.org" rel="nofollow">WordPress</a></p>
</div>
</div>
</footer>
`
}

func wpFontsLocal(p wpPage) string {
	font := func(family, file, style, weight string) string {
		return `@font-face{font-family:` + family + `;font-style:` + style + `;font-weight:` + weight + `;font-display:fallback;src:url('` + p.u("/wp-content/themes/twentytwentyfour/assets/fonts/"+file) + `') format('woff2');font-stretch:normal;}
`
	}
	return `<style class='wp-fonts-local'>
` + font("Inter", "inter/Inter-VariableFont_slnt,wght.woff2", "normal", "300 900") +
		font("Cardo", "cardo/cardo_normal_400.woff2", "normal", "400") +
		font("Cardo", "cardo/cardo_italic_400.woff2", "italic", "400") +
		font("Cardo", "cardo/cardo_normal_700.woff2", "normal", "700") + `</style>
`
}

// wpEmojiLoader is wp-includes/js/wp-emoji-loader.min.js as WordPress 6.5/6.6 inlines it.
const wpEmojiLoader = `/*! This file is auto-generated */
!function(i,n){var o,s,e;function c(e){try{var t={supportTests:e,timestamp:(new Date).valueOf()};sessionStorage.setItem(o,JSON.stringify(t))}catch(e){}}function p(e,t,n){e.clearRect(0,0,e.canvas.width,e.canvas.height),e.fillText(t,0,0);var t=new Uint32Array(e.getImageData(0,0,e.canvas.width,e.canvas.height).data),r=(e.clearRect(0,0,e.canvas.width,e.canvas.height),e.fillText(n,0,0),new Uint32Array(e.getImageData(0,0,e.canvas.width,e.canvas.height).data));return t.every(function(e,t){return e===r[t]})}function u(e,t,n){switch(t){case"flag":return n(e,"\ud83c\udff3\ufe0f\u200d\u26a7\ufe0f","\ud83c\udff3\ufe0f\u200b\u26a7\ufe0f")?!1:!n(e,"\ud83c\uddfa\ud83c\uddf3","\ud83c\uddfa\u200b\ud83c\uddf3")&&!n(e,"\ud83c\udff4\udb40\udc67\udb40\udc62\udb40\udc65\udb40\udc6e\udb40\udc67\udb40\udc7f","\ud83c\udff4\u200b\udb40\udc67\u200b\udb40\udc62\u200b\udb40\udc65\u200b\udb40\udc6e\u200b\udb40\udc67\u200b\udb40\udc7f");case"emoji":return!n(e,"\ud83d\udc26\u200d\u2b1b","\ud83d\udc26\u200b\u2b1b")}return!1}function f(e,t,n){var r="undefined"!=typeof WorkerGlobalScope&&self instanceof WorkerGlobalScope?new OffscreenCanvas(300,150):i.createElement("canvas"),a=r.getContext("2d",{willReadFrequently:!0}),o=(a.textBaseline="top",a.font="600 32px Arial",{});return e.forEach(function(e){o[e]=t(a,e,n)}),o}function t(e){var t=i.createElement("script");t.src=e,t.defer=!0,i.head.appendChild(t)}"undefined"!=typeof Promise&&(o="wpEmojiSettingsSupports",s=["flag","emoji"],n.supports={everything:!0,everythingExceptFlag:!0},e=new Promise(function(e){i.addEventListener("DOMContentLoaded",e,{once:!0})}),new Promise(function(t){var n=function(){try{var e=JSON.parse(sessionStorage.getItem(o));if("object"==typeof e&&"number"==typeof e.timestamp&&(new Date).valueOf()<e.timestamp+604800&&"object"==typeof e.supportTests)return e.supportTests}catch(e){}return null}();if(!n){if("undefined"!=typeof Worker&&"undefined"!=typeof OffscreenCanvas&&"undefined"!=typeof URL&&URL.createObjectURL&&"undefined"!=typeof Blob)try{var e="postMessage("+f.toString()+"("+[JSON.stringify(s),u.toString(),p.toString()].join(",")+"));",r=new Blob([e],{type:"text/javascript"}),a=new Worker(URL.createObjectURL(r),{name:"wpTestEmojiSupports"});return void(a.onmessage=function(e){c(n=e.data),a.terminate(),t(n)})}catch(e){}c(n=f(s,u,p))}t(n)}).then(function(e){for(var t in e)n.supports[t]=e[t],n.supports.everything=n.supports.everything&&n.supports[t],"flag"!==t&&(n.supports.everythingExceptFlag=n.supports.everythingExceptFlag&&n.supports[t]);n.supports.everythingExceptFlag=n.supports.everythingExceptFlag&&!n.supports.flag,n.DOMReady=!1,n.readyCallback=function(){n.DOMReady=!0}}).then(function(){return e}).then(function(){var e;n.supports.everything||(n.readyCallback(),(e=n.source||{}).concatemoji?t(e.concatemoji):e.wpemoji&&e.twemoji&&(t(e.twemoji),t(e.wpemoji)))}))}((window,document),window._wpemojiSettings);`

const skipLinkScript = `<script id="wp-block-template-skip-link-js-after">
	( function() {
		var skipLinkTarget = document.querySelector( 'main' ),
			sibling,
			skipLinkTargetID,
			skipLink;

		// Early exit if a skip-link target can't be located.
		if ( ! skipLinkTarget ) {
			return;
		}

		/*
		 * Get the site wrapper.
		 * The skip-link will be injected in the beginning of it.
		 */
		sibling = document.querySelector( '.wp-site-blocks' );

		// Early exit if the root element was not found.
		if ( ! sibling ) {
			return;
		}

		// Get the skip-link target's ID, and generate one if it doesn't exist.
		skipLinkTargetID = skipLinkTarget.id;
		if ( ! skipLinkTargetID ) {
			skipLinkTargetID = 'wp--skip-link--target';
			skipLinkTarget.id = skipLinkTargetID;
		}

		// Create the skip link.
		skipLink = document.createElement( 'a' );
		skipLink.classList.add( 'skip-link', 'screen-reader-text' );
		skipLink.href = '#' + skipLinkTargetID;
		skipLink.innerHTML = 'Hopp til innhold';

		// Inject the skip link.
		sibling.parentElement.insertBefore( skipLink, sibling );
	}() );
	
</script>
`

// blockInlineStyles are the per-block styles a block theme inlines
// (should_load_separate_core_block_assets).
const blockInlineStyles = `<style id='wp-block-site-logo-inline-css'>
.wp-block-site-logo{box-sizing:border-box;line-height:0}.wp-block-site-logo a{display:inline-block;line-height:0}.wp-block-site-logo.is-default-size img{height:auto;width:120px}.wp-block-site-logo img{height:auto;max-width:100%}.wp-block-site-logo a,.wp-block-site-logo img{border-radius:inherit}.wp-block-site-logo.aligncenter{margin-left:auto;margin-right:auto;text-align:center}:root :where(.wp-block-site-logo.is-style-rounded){border-radius:9999px}
</style>
<style id='wp-block-site-title-inline-css'>
.wp-block-site-title{box-sizing:border-box}.wp-block-site-title :where(a){color:inherit;font-family:inherit;font-size:inherit;font-style:inherit;font-weight:inherit;letter-spacing:inherit;line-height:inherit;text-decoration:inherit}
</style>
<style id='wp-block-group-inline-css'>
.wp-block-group{box-sizing:border-box}:where(.wp-block-group.wp-block-group-is-layout-constrained){position:relative}
</style>
<style id='wp-block-navigation-link-inline-css'>
.wp-block-navigation .wp-block-navigation-item__label{overflow-wrap:break-word}.wp-block-navigation .wp-block-navigation-item__description{display:none}.link-ui-tools{border-top:1px solid #f0f0f0;padding:8px}.link-ui-block-inserter{padding-top:8px}.link-ui-block-inserter__back{margin-left:8px;text-transform:uppercase}
</style>
<style id='wp-block-post-title-inline-css'>
.wp-block-post-title{box-sizing:border-box;word-break:break-word}.wp-block-post-title :where(a){display:inline-block;font-family:inherit;font-size:inherit;font-style:inherit;font-weight:inherit;letter-spacing:inherit;line-height:inherit;text-decoration:inherit}
</style>
<style id='wp-block-post-date-inline-css'>
.wp-block-post-date{box-sizing:border-box}
</style>
<style id='wp-block-paragraph-inline-css'>
.is-small-text{font-size:.875em}.is-regular-text{font-size:1em}.is-large-text{font-size:2.25em}.is-larger-text{font-size:3em}.has-drop-cap:not(:focus):first-letter{float:left;font-size:8.4em;font-style:normal;font-weight:100;line-height:.68;margin:.05em .1em 0 0;text-transform:uppercase}body.rtl .has-drop-cap:not(:focus):first-letter{float:none;margin-left:.1em}p.has-drop-cap.has-background{overflow:hidden}:root :where(p.has-background){padding:1.25em 2.375em}:where(p.has-text-color:not(.has-link-color)) a{color:inherit}p.has-text-align-left[style*="writing-mode:vertical-lr"],p.has-text-align-right[style*="writing-mode:vertical-rl"]{rotate:180deg}
</style>
<style id='wp-block-post-content-inline-css'>
.wp-block-post-content{display:flow-root}
</style>
<style id='wp-block-separator-inline-css'>
@charset "UTF-8";.wp-block-separator{border:none;border-top:2px solid}:root :where(.wp-block-separator.is-style-dots){height:auto;line-height:1;text-align:center}:root :where(.wp-block-separator.is-style-dots):before{color:currentColor;content:"···";font-family:serif;font-size:1.5em;letter-spacing:2em;padding-left:2em}.wp-block-separator.is-style-dots{background:none!important;border:none!important}
</style>
<style id='wp-block-columns-inline-css'>
.wp-block-columns{align-items:normal!important;box-sizing:border-box;display:flex;flex-wrap:wrap!important}@media (min-width:782px){.wp-block-columns{flex-wrap:nowrap!important}}.wp-block-columns.are-vertically-aligned-top{align-items:flex-start}.wp-block-columns.are-vertically-aligned-center{align-items:center}.wp-block-columns.are-vertically-aligned-bottom{align-items:flex-end}@media (max-width:781px){.wp-block-columns:not(.is-not-stacked-on-mobile)>.wp-block-column{flex-basis:100%!important}}@media (min-width:782px){.wp-block-columns:not(.is-not-stacked-on-mobile)>.wp-block-column{flex-basis:0;flex-grow:1}.wp-block-columns:not(.is-not-stacked-on-mobile)>.wp-block-column[style*=flex-basis]{flex-grow:0}}.wp-block-columns.is-not-stacked-on-mobile{flex-wrap:nowrap!important}.wp-block-columns.is-not-stacked-on-mobile>.wp-block-column{flex-basis:0;flex-grow:1}.wp-block-columns.is-not-stacked-on-mobile>.wp-block-column[style*=flex-basis]{flex-grow:0}:where(.wp-block-columns){margin-bottom:1.75em}:where(.wp-block-columns.has-background){padding:1.25em 2.375em}.wp-block-column{flex-grow:1;min-width:0;overflow-wrap:break-word;word-break:break-word}.wp-block-column.is-vertically-aligned-top{align-self:flex-start}.wp-block-column.is-vertically-aligned-center{align-self:center}.wp-block-column.is-vertically-aligned-bottom{align-self:flex-end}.wp-block-column.is-vertically-aligned-stretch{align-self:stretch}.wp-block-column.is-vertically-aligned-bottom,.wp-block-column.is-vertically-aligned-center,.wp-block-column.is-vertically-aligned-top{width:100%}
</style>
<style id='wp-block-site-tagline-inline-css'>
.wp-block-site-tagline{box-sizing:border-box}
</style>
`

// globalStylesCSS is the theme.json output of Twenty Twenty-Four with the
// site's choices from the Site Editor (system fonts, a darker accent).
const globalStylesCSS = `:root{--wp--preset--aspect-ratio--square: 1;--wp--preset--aspect-ratio--4-3: 4/3;--wp--preset--aspect-ratio--3-4: 3/4;--wp--preset--aspect-ratio--3-2: 3/2;--wp--preset--aspect-ratio--2-3: 2/3;--wp--preset--aspect-ratio--16-9: 16/9;--wp--preset--aspect-ratio--9-16: 9/16;--wp--preset--color--black: #000000;--wp--preset--color--cyan-bluish-gray: #abb8c3;--wp--preset--color--white: #ffffff;--wp--preset--color--pale-pink: #f78da7;--wp--preset--color--vivid-red: #cf2e2e;--wp--preset--color--luminous-vivid-orange: #ff6900;--wp--preset--color--luminous-vivid-amber: #fcb900;--wp--preset--color--light-green-cyan: #7bdcb5;--wp--preset--color--vivid-green-cyan: #00d084;--wp--preset--color--pale-cyan-blue: #8ed1fc;--wp--preset--color--vivid-cyan-blue: #0693e3;--wp--preset--color--vivid-purple: #9b51e0;--wp--preset--color--base: #f9f7f4;--wp--preset--color--base-2: #ffffff;--wp--preset--color--contrast: #1c1a19;--wp--preset--color--contrast-2: #5f5a55;--wp--preset--color--contrast-3: #a39d96;--wp--preset--color--accent: #e7e0d5;--wp--preset--color--accent-2: #c2a990;--wp--preset--color--accent-3: #b5532f;--wp--preset--color--accent-4: #2f6f62;--wp--preset--color--accent-5: #1d3b47;--wp--preset--gradient--vivid-cyan-blue-to-vivid-purple: linear-gradient(135deg,rgba(6,147,227,1) 0%,rgb(155,81,224) 100%);--wp--preset--gradient--light-green-cyan-to-vivid-green-cyan: linear-gradient(135deg,rgb(122,220,180) 0%,rgb(0,208,130) 100%);--wp--preset--gradient--luminous-vivid-amber-to-luminous-vivid-orange: linear-gradient(135deg,rgba(252,185,0,1) 0%,rgba(255,105,0,1) 100%);--wp--preset--gradient--luminous-vivid-orange-to-vivid-red: linear-gradient(135deg,rgba(255,105,0,1) 0%,rgb(207,46,46) 100%);--wp--preset--gradient--very-light-gray-to-cyan-bluish-gray: linear-gradient(135deg,rgb(238,238,238) 0%,rgb(169,184,195) 100%);--wp--preset--gradient--cool-to-warm-spectrum: linear-gradient(135deg,rgb(74,234,220) 0%,rgb(151,120,209) 20%,rgb(207,42,186) 40%,rgb(238,44,130) 60%,rgb(251,105,98) 80%,rgb(254,248,76) 100%);--wp--preset--gradient--blush-light-purple: linear-gradient(135deg,rgb(255,206,236) 0%,rgb(152,150,240) 100%);--wp--preset--gradient--blush-bordeaux: linear-gradient(135deg,rgb(254,205,165) 0%,rgb(254,45,45) 50%,rgb(107,0,62) 100%);--wp--preset--gradient--luminous-dusk: linear-gradient(135deg,rgb(255,203,112) 0%,rgb(199,81,192) 50%,rgb(65,88,208) 100%);--wp--preset--gradient--pale-ocean: linear-gradient(135deg,rgb(255,245,203) 0%,rgb(182,227,212) 50%,rgb(51,167,181) 100%);--wp--preset--gradient--electric-grass: linear-gradient(135deg,rgb(202,248,128) 0%,rgb(113,206,126) 100%);--wp--preset--gradient--midnight: linear-gradient(135deg,rgb(2,3,129) 0%,rgb(40,116,252) 100%);--wp--preset--gradient--gradient-1: linear-gradient(to bottom, #cfcabe 0%, #F9F9F9 100%);--wp--preset--gradient--gradient-2: linear-gradient(to bottom, #C2A990 0%, #F9F9F9 100%);--wp--preset--gradient--gradient-3: linear-gradient(to bottom, #D8613C 0%, #F9F9F9 100%);--wp--preset--gradient--gradient-4: linear-gradient(to bottom, #B1C5A4 0%, #F9F9F9 100%);--wp--preset--gradient--gradient-5: linear-gradient(to bottom, #B5BDBC 0%, #F9F9F9 100%);--wp--preset--gradient--gradient-6: linear-gradient(to bottom, #A4A4A4 0%, #F9F9F9 100%);--wp--preset--gradient--gradient-7: linear-gradient(to bottom, #cfcabe 50%, #F9F9F9 50%);--wp--preset--gradient--gradient-8: linear-gradient(to bottom, #C2A990 50%, #F9F9F9 50%);--wp--preset--gradient--gradient-9: linear-gradient(to bottom, #D8613C 50%, #F9F9F9 50%);--wp--preset--gradient--gradient-10: linear-gradient(to bottom, #B1C5A4 50%, #F9F9F9 50%);--wp--preset--gradient--gradient-11: linear-gradient(to bottom, #B5BDBC 50%, #F9F9F9 50%);--wp--preset--gradient--gradient-12: linear-gradient(to bottom, #A4A4A4 50%, #F9F9F9 50%);--wp--preset--font-size--small: 0.9rem;--wp--preset--font-size--medium: 1.05rem;--wp--preset--font-size--large: clamp(1.39rem, 1.39rem + ((1vw - 0.2rem) * 0.767), 1.85rem);--wp--preset--font-size--x-large: clamp(1.85rem, 1.85rem + ((1vw - 0.2rem) * 1.083), 2.5rem);--wp--preset--font-size--xx-large: clamp(2.5rem, 2.5rem + ((1vw - 0.2rem) * 1.283), 3.27rem);--wp--preset--font-family--body: "Inter", sans-serif;--wp--preset--font-family--heading: Cardo;--wp--preset--font-family--system-sans-serif: -apple-system, BlinkMacSystemFont, avenir next, avenir, segoe ui, helvetica neue, helvetica, Cantarell, Ubuntu, roboto, noto, arial, sans-serif;--wp--preset--font-family--system-serif: Iowan Old Style, Apple Garamond, Baskerville, Times New Roman, Droid Serif, Times, Source Serif Pro, serif, Apple Color Emoji, Segoe UI Emoji, Segoe UI Symbol;--wp--preset--spacing--10: 1rem;--wp--preset--spacing--20: min(1.5rem, 2vw);--wp--preset--spacing--30: min(2.5rem, 3vw);--wp--preset--spacing--40: min(4rem, 5vw);--wp--preset--spacing--50: min(6.5rem, 8vw);--wp--preset--spacing--60: min(10.5rem, 13vw);--wp--preset--shadow--natural: 6px 6px 9px rgba(0, 0, 0, 0.2);--wp--preset--shadow--deep: 12px 12px 50px rgba(0, 0, 0, 0.4);--wp--preset--shadow--sharp: 6px 6px 0px rgba(0, 0, 0, 0.2);--wp--preset--shadow--outlined: 6px 6px 0px -3px rgba(255, 255, 255, 1), 6px 6px rgba(0, 0, 0, 1);--wp--preset--shadow--crisp: 6px 6px 0px rgba(0, 0, 0, 1);}:root { --wp--style--global--content-size: 640px;--wp--style--global--wide-size: 1200px; }:where(body) { margin: 0; }.wp-site-blocks { padding-top: var(--wp--style--root--padding-top); padding-bottom: var(--wp--style--root--padding-bottom); }.has-global-padding { padding-right: var(--wp--style--root--padding-right); padding-left: var(--wp--style--root--padding-left); }.has-global-padding > .alignfull { margin-right: calc(var(--wp--style--root--padding-right) * -1); margin-left: calc(var(--wp--style--root--padding-left) * -1); }.has-global-padding :where(:not(.alignfull.is-layout-flow) > .has-global-padding:not(.wp-block-block, .alignfull)) { padding-right: 0; padding-left: 0; }.has-global-padding :where(:not(.alignfull.is-layout-flow) > .has-global-padding:not(.wp-block-block, .alignfull)) > .alignfull { margin-left: 0; margin-right: 0; }.wp-site-blocks > .alignleft { float: left; margin-right: 2em; }.wp-site-blocks > .alignright { float: right; margin-left: 2em; }.wp-site-blocks > .aligncenter { justify-content: center; margin-left: auto; margin-right: auto; }:where(.wp-site-blocks) > * { margin-block-start: 1.2rem; margin-block-end: 0; }:where(.wp-site-blocks) > :first-child { margin-block-start: 0; }:where(.wp-site-blocks) > :last-child { margin-block-end: 0; }:root { --wp--style--block-gap: 1.2rem; }:root :where(.is-layout-flow) > :first-child{margin-block-start: 0;}:root :where(.is-layout-flow) > :last-child{margin-block-end: 0;}:root :where(.is-layout-flow) > *{margin-block-start: 1.2rem;margin-block-end: 0;}:root :where(.is-layout-constrained) > :first-child{margin-block-start: 0;}:root :where(.is-layout-constrained) > :last-child{margin-block-end: 0;}:root :where(.is-layout-constrained) > *{margin-block-start: 1.2rem;margin-block-end: 0;}:root :where(.is-layout-flex){gap: 1.2rem;}:root :where(.is-layout-grid){gap: 1.2rem;}.is-layout-flow > .alignleft{float: left;margin-inline-start: 0;margin-inline-end: 2em;}.is-layout-flow > .alignright{float: right;margin-inline-start: 2em;margin-inline-end: 0;}.is-layout-flow > .aligncenter{margin-left: auto !important;margin-right: auto !important;}.is-layout-constrained > .alignleft{float: left;margin-inline-start: 0;margin-inline-end: 2em;}.is-layout-constrained > .alignright{float: right;margin-inline-start: 2em;margin-inline-end: 0;}.is-layout-constrained > .aligncenter{margin-left: auto !important;margin-right: auto !important;}.is-layout-constrained > :where(:not(.alignleft):not(.alignright):not(.alignfull)){max-width: var(--wp--style--global--content-size);margin-left: auto !important;margin-right: auto !important;}.is-layout-constrained > .alignwide{max-width: var(--wp--style--global--wide-size);}body .is-layout-flex{display: flex;}.is-layout-flex{flex-wrap: wrap;align-items: center;}.is-layout-flex > :is(*, div){margin: 0;}body .is-layout-grid{display: grid;}.is-layout-grid > :is(*, div){margin: 0;}body{background-color: var(--wp--preset--color--base);color: var(--wp--preset--color--contrast);font-family: var(--wp--preset--font-family--system-sans-serif);font-size: var(--wp--preset--font-size--medium);font-style: normal;font-weight: 400;line-height: 1.6;--wp--style--root--padding-top: 0px;--wp--style--root--padding-right: var(--wp--preset--spacing--50);--wp--style--root--padding-bottom: 0px;--wp--style--root--padding-left: var(--wp--preset--spacing--50);}a:where(:not(.wp-element-button)){color: var(--wp--preset--color--contrast);font-family: var(--wp--preset--font-family--system-sans-serif);text-decoration: underline;}:root :where(a:where(:not(.wp-element-button)):hover){text-decoration: none;}h1, h2, h3, h4, h5, h6{color: var(--wp--preset--color--contrast);font-family: var(--wp--preset--font-family--system-serif);font-weight: 400;line-height: 1.2;}h1{font-size: var(--wp--preset--font-size--xx-large);line-height: 1.15;}h2{font-size: var(--wp--preset--font-size--x-large);}h3{font-size: var(--wp--preset--font-size--large);}h4{font-size: clamp(1.1rem, 1.1rem + ((1vw - 0.2rem) * 0.767), 1.5rem);}h5{font-size: var(--wp--preset--font-size--medium);}h6{font-size: var(--wp--preset--font-size--small);}:root :where(.wp-element-caption, .wp-block-audio figcaption, .wp-block-embed figcaption, .wp-block-gallery figcaption, .wp-block-image figcaption, .wp-block-table figcaption, .wp-block-video figcaption){color: var(--wp--preset--color--contrast-2);font-family: var(--wp--preset--font-family--system-sans-serif);font-size: 0.8rem;}:root :where(.wp-element-button, .wp-block-button__link){background-color: var(--wp--preset--color--contrast);border-radius: .33rem;border-color: var(--wp--preset--color--contrast);border-width: 0;color: var(--wp--preset--color--base);font-family: inherit;font-size: var(--wp--preset--font-size--small);font-style: normal;font-weight: 500;line-height: inherit;padding-top: 0.6rem;padding-right: 1rem;padding-bottom: 0.6rem;padding-left: 1rem;text-decoration: none;}:root :where(.wp-element-button:hover, .wp-block-button__link:hover){background-color: var(--wp--preset--color--contrast-2);border-color: var(--wp--preset--color--contrast-2);color: var(--wp--preset--color--base);}:root :where(.wp-element-button:focus, .wp-block-button__link:focus){background-color: var(--wp--preset--color--contrast-2);border-color: var(--wp--preset--color--contrast-2);color: var(--wp--preset--color--base);outline-color: var(--wp--preset--color--contrast);outline-offset: 2px;}.has-black-color{color: var(--wp--preset--color--black) !important;}.has-white-color{color: var(--wp--preset--color--white) !important;}.has-base-color{color: var(--wp--preset--color--base) !important;}.has-base-2-color{color: var(--wp--preset--color--base-2) !important;}.has-contrast-color{color: var(--wp--preset--color--contrast) !important;}.has-contrast-2-color{color: var(--wp--preset--color--contrast-2) !important;}.has-contrast-3-color{color: var(--wp--preset--color--contrast-3) !important;}.has-accent-color{color: var(--wp--preset--color--accent) !important;}.has-accent-2-color{color: var(--wp--preset--color--accent-2) !important;}.has-accent-3-color{color: var(--wp--preset--color--accent-3) !important;}.has-accent-4-color{color: var(--wp--preset--color--accent-4) !important;}.has-accent-5-color{color: var(--wp--preset--color--accent-5) !important;}.has-base-background-color{background-color: var(--wp--preset--color--base) !important;}.has-base-2-background-color{background-color: var(--wp--preset--color--base-2) !important;}.has-contrast-background-color{background-color: var(--wp--preset--color--contrast) !important;}.has-contrast-2-background-color{background-color: var(--wp--preset--color--contrast-2) !important;}.has-accent-background-color{background-color: var(--wp--preset--color--accent) !important;}.has-accent-2-background-color{background-color: var(--wp--preset--color--accent-2) !important;}.has-accent-3-background-color{background-color: var(--wp--preset--color--accent-3) !important;}.has-accent-4-background-color{background-color: var(--wp--preset--color--accent-4) !important;}.has-accent-5-background-color{background-color: var(--wp--preset--color--accent-5) !important;}.has-small-font-size{font-size: var(--wp--preset--font-size--small) !important;}.has-medium-font-size{font-size: var(--wp--preset--font-size--medium) !important;}.has-large-font-size{font-size: var(--wp--preset--font-size--large) !important;}.has-x-large-font-size{font-size: var(--wp--preset--font-size--x-large) !important;}.has-xx-large-font-size{font-size: var(--wp--preset--font-size--xx-large) !important;}.has-body-font-family{font-family: var(--wp--preset--font-family--system-sans-serif) !important;}.has-heading-font-family{font-family: var(--wp--preset--font-family--system-serif) !important;}:root :where(.wp-block-navigation){font-weight: 500;}:root :where(.wp-block-navigation a:where(:not(.wp-element-button))){text-decoration: none;}:root :where(.wp-block-navigation a:where(:not(.wp-element-button)):hover){text-decoration: underline;}:root :where(.wp-block-post-title a:where(:not(.wp-element-button))){text-decoration: none;}:root :where(.wp-block-post-date){color: var(--wp--preset--color--contrast-2);font-size: var(--wp--preset--font-size--small);}:root :where(.wp-block-post-date a:where(:not(.wp-element-button))){color: var(--wp--preset--color--contrast-2);text-decoration: none;}:root :where(.wp-block-quote){border-width: 1px;border-color: var(--wp--preset--color--contrast);border-style: solid;font-family: var(--wp--preset--font-family--system-serif);font-size: var(--wp--preset--font-size--large);font-style: italic;line-height: 1.3;padding-right: var(--wp--preset--spacing--20);padding-left: var(--wp--preset--spacing--20);}:root :where(.wp-block-quote cite){font-family: var(--wp--preset--font-family--system-sans-serif);font-size: var(--wp--preset--font-size--small);font-style: normal;}:root :where(.wp-block-separator){border-color: currentColor;border-width: 0 0 1px 0;border-style: solid;color: var(--wp--preset--color--contrast-3);}:root :where(.wp-block-site-title){font-family: var(--wp--preset--font-family--system-sans-serif);font-size: clamp(0.875rem, 0.875rem + ((1vw - 0.2rem) * 0.227), 1rem);font-style: normal;font-weight: 600;}:root :where(.wp-block-site-title a:where(:not(.wp-element-button))){text-decoration: none;}:root :where(.wp-block-site-tagline){color: var(--wp--preset--color--contrast-2);font-size: var(--wp--preset--font-size--small);}:root :where(.wp-block-comment-author-name){font-size: var(--wp--preset--font-size--small);font-style: normal;font-weight: 600;}:root :where(.wp-block-comment-author-name a:where(:not(.wp-element-button))){text-decoration: none;}:root :where(.wp-block-comment-date){color: var(--wp--preset--color--contrast-2);font-size: var(--wp--preset--font-size--small);}:root :where(.wp-block-comment-date a:where(:not(.wp-element-button))){color: var(--wp--preset--color--contrast-2);text-decoration: none;}:root :where(.wp-block-comment-reply-link){font-size: var(--wp--preset--font-size--small);}:root :where(.wp-block-table > table){font-size: var(--wp--preset--font-size--small);}`

// coreBlockSupportsCSS is the layout CSS WordPress generates per container;
// the class hashes match the markup in the templates.
const coreBlockSupportsCSS = `.wp-container-core-group-is-layout-6c531013{flex-wrap:nowrap;gap:var(--wp--preset--spacing--10);}.wp-container-core-navigation-is-layout-f665d2b5{gap:var(--wp--preset--spacing--20);justify-content:flex-end;}.wp-container-core-group-is-layout-7f8d4ac2{gap:var(--wp--preset--spacing--10);justify-content:flex-end;}.wp-container-core-group-is-layout-1d3b1a5b{flex-wrap:nowrap;justify-content:space-between;}.wp-container-core-group-is-layout-fe9cc265{flex-direction:column;align-items:flex-start;gap:0.6rem;}.wp-container-core-columns-is-layout-28f84493{flex-wrap:nowrap;gap:var(--wp--preset--spacing--40);}.wp-container-core-group-is-layout-a6e2ff4f{justify-content:space-between;}.wp-container-core-group-is-layout-0f9a8b3e{gap:0.3em;justify-content:flex-start;}.wp-container-core-buttons-is-layout-a89b3969{justify-content:flex-start;}`
