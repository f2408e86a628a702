package main

// The Norwegian WordPress pages of the demo site. Links are root-relative so
// the copy works at any origin; every page carries the snippets the site
// owner pasted into the theme's header (GA4, GTM, Meta Pixel, Hotjar).

func demoWPPage(p wpPage) wpPage {
	p.hints = resourceHints
	p.headScripts = "\n" + gtmHead + ga4Snippet + metaPixel + hotjarSnippet("https://nordlyskaffe.example")
	p.bodyOpen = gtmBody
	p.emojiScript = true
	return p
}

func demoHome() wpPage {
	return demoWPPage(wpPage{
		path:      "/",
		title:     siteName + " &#8211; Ferskbrent kaffe fra Tromsø",
		desc:      "Nordlys Kaffebrenneri brenner kaffe i små porsjoner i Tromsø. Besøk brenneriet i Storgata eller les brygguidene våre.",
		bodyClass: "home page-template-default page page-id-7 wp-custom-logo wp-embed-responsive",
		postID:    7,
		ogType:    "website",
		published: "2024-05-02T10:41:17+00:00",
		nav:       "/",
		main: `<main class="wp-block-group is-layout-flow wp-block-group-is-layout-flow" style="margin-top:0">
<div class="entry-content wp-block-post-content is-layout-flow wp-block-post-content-is-layout-flow">
<div class="wp-block-group alignfull has-base-color has-accent-5-background-color has-text-color has-background has-global-padding is-layout-constrained wp-block-group-is-layout-constrained hero" style="padding-top:var(--wp--preset--spacing--50);padding-bottom:var(--wp--preset--spacing--50)">
<div class="wp-block-columns alignwide are-vertically-aligned-center is-layout-flex wp-container-core-columns-is-layout-28f84493 wp-block-columns-is-layout-flex">
<div class="wp-block-column is-vertically-aligned-center is-layout-flow wp-block-column-is-layout-flow" style="flex-basis:50%">
<p class="has-accent-2-color has-text-color has-small-font-size hero-kicker">Kaffebrenneri i Tromsø siden 2009</p>

<h1 class="wp-block-heading has-base-color has-text-color">Kaffe brent under nordlyset</h1>

<p class="has-accent-color has-text-color">Vi kjøper grønne bønner direkte fra små gårder i Etiopia, Colombia og Guatemala, og brenner dem i små porsjoner i Storgata. Det meste sendes ut samme uke som det er brent.</p>

<div class="wp-block-buttons is-layout-flex wp-container-core-buttons-is-layout-a89b3969 wp-block-buttons-is-layout-flex">
<div class="wp-block-button"><a class="wp-block-button__link has-contrast-color has-accent-background-color has-text-color has-background wp-element-button" href="/blogg/slik-brygger-du-kaffe-med-presskanne/">Les brygguiden</a></div>

<div class="wp-block-button is-style-outline is-style-outline--1"><a class="wp-block-button__link has-base-color has-text-color wp-element-button" href="/kontakt/">Besøk brenneriet</a></div>
</div>
</div>

<div class="wp-block-column is-vertically-aligned-center is-layout-flow wp-block-column-is-layout-flow" style="flex-basis:50%">
<figure class="wp-block-image size-full hero-image"><img fetchpriority="high" decoding="async" width="640" height="420" src="/wp-content/uploads/2024/04/brenneriet-nordlys.svg" alt="Brenneriet i Storgata under nordlyset" class="wp-image-31"/></figure>
</div>
</div>
</div>



<div class="wp-block-group alignfull has-global-padding is-layout-constrained wp-block-group-is-layout-constrained" style="padding-top:var(--wp--preset--spacing--50);padding-bottom:var(--wp--preset--spacing--40)">
<h2 class="wp-block-heading has-text-align-center">Ukens kaffer</h2>

<p class="has-text-align-center has-contrast-2-color has-text-color">Tre kaffer vi er ekstra glade i akkurat nå. Alle er brent denne uken.</p>

<div class="wp-block-columns alignwide is-layout-flex wp-container-core-columns-is-layout-28f84493 wp-block-columns-is-layout-flex kaffe-kort">
<div class="wp-block-column is-layout-flow wp-block-column-is-layout-flow">
<figure class="wp-block-image size-full"><img decoding="async" width="400" height="300" src="/wp-content/uploads/2024/03/kaffe-lyngen.svg" alt="Pose med kaffen Lyngen" class="wp-image-44"/></figure>

<h3 class="wp-block-heading">Lyngen</h3>

<p class="has-small-font-size">Etiopia, Guji. Lys brenning med toner av bergamott, fersken og svart te. Perfekt til filter og presskanne.</p>

<p class="has-small-font-size kaffe-pris"><strong>189 kr</strong> / 250 g</p>
</div>

<div class="wp-block-column is-layout-flow wp-block-column-is-layout-flow">
<figure class="wp-block-image size-full"><img decoding="async" width="400" height="300" src="/wp-content/uploads/2024/03/kaffe-senja.svg" alt="Pose med kaffen Senja" class="wp-image-45"/></figure>

<h3 class="wp-block-heading">Senja</h3>

<p class="has-small-font-size">Colombia, Huila. Medium brenning, rund og søt med karamell, rødt eple og melkesjokolade.</p>

<p class="has-small-font-size kaffe-pris"><strong>169 kr</strong> / 250 g</p>
</div>

<div class="wp-block-column is-layout-flow wp-block-column-is-layout-flow">
<figure class="wp-block-image size-full"><img decoding="async" width="400" height="300" src="/wp-content/uploads/2024/03/kaffe-morketid.svg" alt="Pose med kaffen Mørketid" class="wp-image-46"/></figure>

<h3 class="wp-block-heading">Mørketid</h3>

<p class="has-small-font-size">Guatemala og Brasil. Vår espressoblanding: fyldig, med mørk sjokolade, hasselnøtt og lang ettersmak.</p>

<p class="has-small-font-size kaffe-pris"><strong>159 kr</strong> / 250 g</p>
</div>
</div>
</div>



<div class="wp-block-group alignfull has-base-2-background-color has-background has-global-padding is-layout-constrained wp-block-group-is-layout-constrained" style="padding-top:var(--wp--preset--spacing--50);padding-bottom:var(--wp--preset--spacing--50)">
<div class="wp-block-media-text alignwide is-stacked-on-mobile is-vertically-aligned-center" style="grid-template-columns:45% auto"><figure class="wp-block-media-text__media"><img decoding="async" width="1200" height="675" src="/wp-content/uploads/2024/05/presskanne.svg" alt="Presskanne med nybrygget kaffe" class="wp-image-415 size-full"/></figure><div class="wp-block-media-text__content">
<p class="has-accent-3-color has-text-color has-small-font-size hero-kicker">Fra bloggen</p>

<h2 class="wp-block-heading">Slik brygger du kaffe med presskanne</h2>

<p>Presskanna er den enkleste veien til en god kopp. Ingrid viser grovhet, forhold og tid – og hvorfor du bør la kaffen hvile før du trykker ned stempelet.</p>

<p><a href="/blogg/slik-brygger-du-kaffe-med-presskanne/">Les hele guiden og se videoen →</a></p>
</div></div>
</div>



<div class="wp-block-group alignfull has-global-padding is-layout-constrained wp-block-group-is-layout-constrained" style="padding-top:var(--wp--preset--spacing--50);padding-bottom:var(--wp--preset--spacing--50)">
<blockquote class="wp-block-quote is-layout-flow wp-block-quote-is-layout-flow">
<p>Det beste med mørketiden er at den lukter nybrent kaffe i hele Storgata.</p>
<cite>Tone, stamgjest siden 2011</cite></blockquote>

<div class="wp-block-buttons is-content-justification-center is-layout-flex wp-container-core-buttons-is-layout-a89b3969 wp-block-buttons-is-layout-flex" style="margin-top:var(--wp--preset--spacing--30)">
<div class="wp-block-button"><a class="wp-block-button__link wp-element-button" href="/kontakt/">Finn veien til brenneriet</a></div>
</div>
</div>
</div>
</main>`,
	})
}

// demoComments are the published comments on the brew guide.
var demoComments = []comment{
	{id: 12, author: "Kari Nordmann", date: "15. mai 2024 kl. 08:12", iso: "2024-05-15T08:12:31+02:00",
		text: `<p>Takk for en fin guide! Jeg har alltid trykket ned stempelet med en gang. Prøvde å vente fire minutter i dag, og kaffen ble mye rundere.</p>`},
	{id: 13, author: "Ingrid Haugland", date: "15. mai 2024 kl. 09:40", iso: "2024-05-15T09:40:02+02:00", parent: 12, byAuthor: true,
		text: `<p>Så hyggelig å høre, Kari! Prøv gjerne å røre forsiktig i skorpen etter fire minutter også, da synker det meste av grumset.</p>`},
	{id: 14, author: "Ole-Martin", date: "17. mai 2024 kl. 21:03", iso: "2024-05-17T21:03:55+02:00",
		text: `<p>Hvor grovt maler dere egentlig? Kvernen min har bare tall fra 1 til 40, og jeg treffer aldri helt.</p>`},
	{id: 15, author: "Ingrid Haugland", date: "18. mai 2024 kl. 07:55", iso: "2024-05-18T07:55:20+02:00", parent: 14, byAuthor: true,
		text: `<p>Omtrent som grovt havsalt. På de fleste kverner med 40 trinn havner det et sted mellom 28 og 32. Start der og juster etter smak: blir kaffen bitter, mal grovere.</p>`},
}

func demoPost() wpPage {
	p := postPage("", youtubeEmbed("Slik brygger du kaffe med presskanne", "Ingrid viser hele prosessen på fire minutter."), "", demoComments)
	return demoWPPage(p)
}

// postPage builds the brew-guide post. video is the embed under "Se Ingrid
// brygge"; extra goes after the article's own content (the fixtures use it to
// make the page long); base is "" in the demo.
func postPage(base, video, extra string, comments []comment) wpPage {
	u := func(s string) string { return base + s }
	content := `<p>Presskanna er kanskje den mest undervurderte bryggemetoden vi har. Den er billig, den tåler en tur på hytta, og den gir en fyldig kopp med mye kropp. Samtidig er den nådeløs hvis du maler for fint eller har det travelt. Her er slik vi gjør det på brenneriet.</p>



<h2 class="wp-block-heading">Dette trenger du</h2>



<ul class="wp-block-list">
<li>En presskanne (vi bruker en på 1 liter)</li>



<li>60 gram kaffe per liter vann – omtrent fire toppede spiseskjeer per halvliter</li>



<li>Vann rett under kokepunktet, rundt 94 grader</li>



<li>En kvern, helst med kverneskiver, og en kjøkkenvekt hvis du har</li>
</ul>



<h2 class="wp-block-heading">Se Ingrid brygge</h2>



<p>Vi filmet hele prosessen en morgen før åpning. Videoen er fire minutter lang – like lang som trekketiden.</p>



` + video + `


<h2 class="wp-block-heading">Steg for steg</h2>



<ol class="wp-block-list">
<li><strong>Varm opp kanna.</strong> Skyll den med varmt vann så kaffen ikke mister varmen med en gang.</li>



<li><strong>Mal grovt.</strong> Kaffen skal se ut som grovt havsalt. For fin malt kaffe gir bitter smak og grums i koppen.</li>



<li><strong>Hell på vannet.</strong> Fyll halvveis, vent tretti sekunder mens kaffen «blomstrer», og fyll så resten.</li>



<li><strong>Vent fire minutter.</strong> Rør forsiktig i skorpen på toppen etter fire minutter og skum av det som flyter.</li>



<li><strong>Trykk rolig ned.</strong> Stempelet skal bare hvile på kaffen. Server med en gang, ellers fortsetter den å trekke.</li>
</ol>



<blockquote class="wp-block-quote is-layout-flow wp-block-quote-is-layout-flow">
<p>Gi den fire minutter. Det er den eneste regelen som virkelig betyr noe.</p>
<cite>Ingrid, brennmester</cite></blockquote>



<h2 class="wp-block-heading">Hvilken kaffe passer?</h2>



<p>Presskanna fremhever kropp og sødme. Vi anbefaler <a href="` + u("/") + `">Lyngen</a> hvis du liker det fruktig og lett, og Senja hvis du vil ha en klassisk, rund kopp. Mørketid fungerer også, men da kan du gjerne gå litt ned på mengden kaffe.</p>



<figure class="wp-block-table"><table class="has-fixed-layout"><thead><tr><th>Kaffe</th><th>Gram per liter</th><th>Trekketid</th></tr></thead><tbody><tr><td>Lyngen (lys)</td><td>65 g</td><td>4 min</td></tr><tr><td>Senja (medium)</td><td>60 g</td><td>4 min</td></tr><tr><td>Mørketid (mørk)</td><td>55 g</td><td>3½ min</td></tr></tbody></table><figcaption class="wp-element-caption">Utgangspunktet vårt. Smak deg frem derfra.</figcaption></figure>



<p>Har du spørsmål, skriv gjerne en kommentar under – eller kom innom brenneriet i Storgata, så setter vi over en kanne.</p>
` + extra
	return wpPage{
		base:      base,
		path:      "/blogg/slik-brygger-du-kaffe-med-presskanne/",
		title:     "Slik brygger du kaffe med presskanne &#8211; " + siteName,
		desc:      "Grovhet, forhold og tid: slik får du en rund og fyldig kopp fra presskanna. Med video fra brenneriet.",
		bodyClass: "post-template-default single single-post postid-412 single-format-standard wp-custom-logo wp-embed-responsive",
		postID:    412,
		ogType:    "article",
		published: "2024-05-14T07:12:44+00:00",
		nav:       "/blogg/slik-brygger-du-kaffe-med-presskanne/",
		comments:  true,
		main: `<main class="wp-block-group is-layout-flow wp-block-group-is-layout-flow" style="margin-top:var(--wp--preset--spacing--50)">
<div class="wp-block-group has-global-padding is-layout-constrained wp-block-group-is-layout-constrained">
<h1 style="margin-bottom:var(--wp--preset--spacing--30);" class="wp-block-post-title">Slik brygger du kaffe med presskanne</h1>

<div class="wp-block-template-part">
<div class="wp-block-group is-content-justification-left is-layout-flex wp-container-core-group-is-layout-0f9a8b3e wp-block-group-is-layout-flex"><div class="wp-block-post-date"><time datetime="2024-05-14T09:12:44+02:00">14. mai 2024</time></div>

<p class="has-contrast-2-color has-text-color has-small-font-size">— av</p>

<div class="wp-block-post-author-name has-small-font-size">Ingrid Haugland</div></div>
</div>

<figure style="margin-top:var(--wp--preset--spacing--30);margin-bottom:var(--wp--preset--spacing--40);" class="alignwide wp-block-post-featured-image"><img width="1200" height="675" src="` + u("/wp-content/uploads/2024/05/presskanne.svg") + `" class="attachment-post-thumbnail size-post-thumbnail wp-post-image" alt="" style="width:100%;height:auto;object-fit:cover;" decoding="async" fetchpriority="high" /></figure>
</div>


<div class="entry-content alignfull wp-block-post-content has-global-padding is-layout-constrained wp-block-post-content-is-layout-constrained">
` + content + `</div>


<div class="wp-block-group has-global-padding is-layout-constrained wp-block-group-is-layout-constrained" style="margin-top:var(--wp--preset--spacing--40);padding-bottom:var(--wp--preset--spacing--50)">
<hr class="wp-block-separator has-alpha-channel-opacity is-style-wide"/>

` + commentsBlock(base, 412, "/blogg/slik-brygger-du-kaffe-med-presskanne/", comments) + `
</div>
</main>`,
	}
}

func demoContact() wpPage {
	p := demoWPPage(wpPage{
		path:      "/kontakt/",
		title:     "Kontakt &#8211; " + siteName,
		desc:      "Besøk brenneriet i Storgata 112 i Tromsø, ring oss eller send en melding.",
		bodyClass: "page-template-default page page-id-48 wp-custom-logo wp-embed-responsive",
		postID:    48,
		ogType:    "website",
		published: "2024-02-19T12:03:08+00:00",
		nav:       "/kontakt/",
		recaptcha: true,
		main: `<main class="wp-block-group is-layout-flow wp-block-group-is-layout-flow" style="margin-top:var(--wp--preset--spacing--50)">
<div class="wp-block-group has-global-padding is-layout-constrained wp-block-group-is-layout-constrained">
<h1 class="alignwide wp-block-post-title">Kontakt</h1>
</div>

<div class="entry-content alignfull wp-block-post-content has-global-padding is-layout-constrained wp-block-post-content-is-layout-constrained">
<div class="wp-block-columns alignwide is-layout-flex wp-container-core-columns-is-layout-28f84493 wp-block-columns-is-layout-flex">
<div class="wp-block-column is-layout-flow wp-block-column-is-layout-flow" style="flex-basis:40%">
<p>Brenneriet og kaffebaren ligger i Storgata, et par minutter fra Stortorget. Kom innom for en kopp, en pose nybrent kaffe eller en prat om kverner.</p>



<h2 class="wp-block-heading has-large-font-size">Adresse</h2>



<p>` + siteName + ` AS<br>Storgata 112<br>9008 Tromsø</p>



<h2 class="wp-block-heading has-large-font-size">Åpningstider</h2>



<figure class="wp-block-table is-style-stripes"><table><tbody><tr><td>Mandag–fredag</td><td>08–17</td></tr><tr><td>Lørdag</td><td>10–15</td></tr><tr><td>Søndag</td><td>Stengt</td></tr></tbody></table></figure>



<p>Telefon: <a href="tel:+4777000000">77 00 00 00</a><br>E-post: <a href="mailto:post@nordlyskaffe.example">post@nordlyskaffe.example</a></p>
</div>



<div class="wp-block-column is-layout-flow wp-block-column-is-layout-flow" style="flex-basis:60%">
<h2 class="wp-block-heading has-large-font-size">Send oss en melding</h2>


<div class="wpcf7 no-js" id="wpcf7-f52-p48-o1" lang="nb-NO" dir="ltr" data-wpcf7-id="52">
<div class="screen-reader-response"><p role="status" aria-live="polite" aria-atomic="true"></p> <ul></ul></div>
<form action="/kontakt/#wpcf7-f52-p48-o1" method="post" class="wpcf7-form init" aria-label="Kontaktskjema" novalidate="novalidate" data-status="init">
<div style="display: none;">
<input type="hidden" name="_wpcf7" value="52" />
<input type="hidden" name="_wpcf7_version" value="5.9.8" />
<input type="hidden" name="_wpcf7_locale" value="nb_NO" />
<input type="hidden" name="_wpcf7_unit_tag" value="wpcf7-f52-p48-o1" />
<input type="hidden" name="_wpcf7_container_post" value="48" />
<input type="hidden" name="_wpcf7_posted_data_hash" value="" />
<input type="hidden" name="_wpcf7_recaptcha_response" value="" />
</div>
<p><label> Navn<br />
<span class="wpcf7-form-control-wrap" data-name="your-name"><input size="40" maxlength="400" class="wpcf7-form-control wpcf7-text wpcf7-validates-as-required" autocomplete="name" aria-required="true" aria-invalid="false" value="" type="text" name="your-name" /></span> </label>
</p>
<p><label> E-post<br />
<span class="wpcf7-form-control-wrap" data-name="your-email"><input size="40" maxlength="400" class="wpcf7-form-control wpcf7-email wpcf7-validates-as-required wpcf7-text wpcf7-validates-as-email" autocomplete="email" aria-required="true" aria-invalid="false" value="" type="email" name="your-email" /></span> </label>
</p>
<p><label> Melding<br />
<span class="wpcf7-form-control-wrap" data-name="your-message"><textarea cols="40" rows="6" maxlength="2000" class="wpcf7-form-control wpcf7-textarea" aria-invalid="false" name="your-message"></textarea></span> </label>
</p>
<p class="kontakt-personvern">Vi bruker opplysningene bare til å svare deg. Les mer i <a href="/personvernerklaering/">personvernerklæringen</a>.</p>
<p><input class="wpcf7-form-control wpcf7-submit has-spinner wp-element-button" type="submit" value="Send" />
</p><div class="wpcf7-response-output" aria-hidden="true"></div>
</form>
</div>
</div>
</div>



<h2 class="wp-block-heading alignwide has-large-font-size">Finn frem</h2>



<div class="alignwide kart">` + mapsEmbed + `</div>



<p class="alignwide has-contrast-2-color has-text-color has-small-font-size">Buss 20, 24 og 42 stopper ved Fredrik Langes gate. Sykkelparkering rett utenfor.</p>
</div>
</main>`,
	})
	p.extraCSS = `.wp-block-button.is-style-outline--1 .wp-block-button__link{background:transparent none;border-color:currentColor;border-width:2px;border-style:solid;color:currentColor;padding-top:0.667em;padding-right:1.33em;padding-bottom:0.667em;padding-left:1.33em;}`
	return p
}

func demoPrivacy() wpPage {
	return demoWPPage(wpPage{
		path:      "/personvernerklaering/",
		title:     "Personvernerklæring &#8211; " + siteName,
		desc:      "Hvordan Nordlys Kaffebrenneri behandler personopplysninger, og hvilke informasjonskapsler (cookies) nettstedet bruker.",
		bodyClass: "privacy-policy page-template-default page page-id-3 wp-custom-logo wp-embed-responsive",
		postID:    3,
		ogType:    "website",
		published: "2024-05-02T11:20:45+00:00",
		nav:       "/personvernerklaering/",
		main: `<main class="wp-block-group is-layout-flow wp-block-group-is-layout-flow" style="margin-top:var(--wp--preset--spacing--50)">
<div class="wp-block-group has-global-padding is-layout-constrained wp-block-group-is-layout-constrained">
<h1 class="wp-block-post-title">Personvernerklæring</h1>
</div>

<div class="entry-content alignfull wp-block-post-content has-global-padding is-layout-constrained wp-block-post-content-is-layout-constrained" style="padding-bottom:var(--wp--preset--spacing--50)">
<p class="has-contrast-2-color has-text-color has-small-font-size">Sist oppdatert 2. mai 2024</p>



<p>Nordlys Kaffebrenneri AS er forpliktet til å beskytte ditt personvern. For oss er det viktig at du vet hvilke opplysninger vi samler inn og hvordan vi tar vare på dem. Henvendelser kan rettes til personvernansvarlig på <a href="mailto:personvern@nordlyskaffe.example">personvern@nordlyskaffe.example</a>.</p>



<p>Personopplysninger er opplysninger som kan knyttes til deg som enkeltperson, for eksempel navn, telefonnummer eller e-postadresse. Du har selv rett til å bestemme over egne personopplysninger.</p>



<h2 class="wp-block-heading">Behandlingsansvarlig</h2>



<p>Daglig leder er på vegne av Nordlys Kaffebrenneri AS behandlingsansvarlig for selskapets behandling av personopplysninger. Det daglige ansvaret er delegert til butikksjef.</p>



<h2 class="wp-block-heading">Hvilke opplysninger vi lagrer, og hvorfor</h2>



<p>Vi behandler personopplysninger for å levere varene du bestiller, for kundeadministrasjon og fakturering, og for å svare når du tar kontakt. Sender du inn kontaktskjemaet, lagres henvendelsen til dialogen er avsluttet. Legger du igjen en kommentar på bloggen, lagrer vi navnet, e-postadressen og innholdet i kommentaren.</p>



<p>Personopplysninger blir ikke lagret lenger enn det som er nødvendig for formålet, eller det som er lovpålagt. Opplysninger vi etter bokføringsloven er forpliktet til å bevare, lagres i inntil fem år.</p>



<h2 class="wp-block-heading">Informasjonskapsler (cookies)</h2>



<p>En informasjonskapsel er en liten tekstfil som lagres i nettleseren din når du besøker et nettsted. Den er ikke skadelig og kan ikke inneholde virus eller programmer. Lov om elektronisk kommunikasjon krever at vi informerer om hvilke informasjonskapsler vi bruker, og at vi spør om samtykke før vi setter andre enn de som er helt nødvendige.</p>



<p>Nødvendige informasjonskapsler settes alltid. Alle andre settes først når du har sagt ja, og du kan når som helst endre eller trekke tilbake samtykket under <a href="/_consent/settings" data-consent-action="settings">Informasjonskapsler</a>. Den fullstendige, automatisk oppdaterte oversikten finner du i <a href="/_consent/cookies">informasjonskapselerklæringen</a>.</p>



<figure class="wp-block-table cookie-tabell"><table><thead><tr><th>Navn</th><th>Formål</th><th>Varighet</th><th>Type</th><th>Satt av</th></tr></thead><tbody><tr><td><code>wordpress_logged_in_…</code></td><td>Holder deg innlogget når du er logget inn på nettstedet.</td><td>Til du lukker nettleseren</td><td>Nødvendig</td><td>WordPress</td></tr><tr><td><code>wordpress_test_cookie</code></td><td>Sjekker om nettleseren tar imot informasjonskapsler før innlogging.</td><td>Til du lukker nettleseren</td><td>Nødvendig</td><td>WordPress</td></tr><tr><td><code>PHPSESSID</code></td><td>Sesjonsreferanse som sikrer kommunikasjonen mellom nettleseren din og våre systemer. Slettes automatisk når den ikke er i bruk.</td><td>Til du lukker nettleseren</td><td>Nødvendig</td><td>Nordlys Kaffebrenneri</td></tr><tr><td><code>consent</code></td><td>Husker hvilke informasjonskapsler du har sagt ja eller nei til.</td><td>6 måneder</td><td>Nødvendig</td><td>Nordlys Kaffebrenneri</td></tr><tr><td><code>pll_language</code></td><td>Husker hvilket språk du har valgt.</td><td>1 år</td><td>Preferanser</td><td>WordPress-utvidelsen Polylang</td></tr><tr><td><code>nk_region</code></td><td>Husker hvilken leveringsregion du valgte i nettbutikken.</td><td>30 dager</td><td>Preferanser</td><td>Nordlys Kaffebrenneri</td></tr><tr><td><code>comment_author_…</code></td><td>Husker navn, e-post og nettsted i kommentarfeltet hvis du krysser av for det.</td><td>1 år</td><td>Preferanser</td><td>WordPress</td></tr><tr><td><code>_ga</code>, <code>_ga_…</code></td><td>Skiller besøkende fra hverandre i besøksstatistikken.</td><td>2 år</td><td>Statistikk</td><td>Google Analytics</td></tr><tr><td><code>_hjSessionUser_…</code>, <code>_hjSession_…</code></td><td>Måler hvordan sidene brukes (klikk, rulling) slik at vi kan forbedre dem.</td><td>1 år / 30 minutter</td><td>Statistikk</td><td>Hotjar</td></tr><tr><td><code>_fbp</code>, <code>fr</code></td><td>Måler effekten av annonser og viser relevante annonser på Facebook og Instagram.</td><td>3 måneder</td><td>Markedsføring</td><td>Meta (Facebook)</td></tr><tr><td><code>IDE</code>, <code>test_cookie</code></td><td>Målrettet annonsering og remarketing i Googles annonsenettverk.</td><td>13 måneder</td><td>Markedsføring</td><td>Google (DoubleClick)</td></tr><tr><td><code>YSC</code>, <code>VISITOR_INFO1_LIVE</code></td><td>Settes av YouTube når du spiller av en innebygd video.</td><td>Sesjon / 6 måneder</td><td>Markedsføring</td><td>Google (YouTube)</td></tr></tbody></table><figcaption class="wp-element-caption">Informasjonskapsler på nordlyskaffe.example</figcaption></figure>



<h3 class="wp-block-heading">Google Analytics</h3>



<p>Vi bruker analyseverktøyet Google Analytics for å forstå trafikk, bruksmønstre og trender på nettsiden, slik at vi kan tilpasse innholdet. Google Analytics er satt opp slik at IP-adressen din forkortes før den lagres. Dataene lagres på Googles servere.</p>



<h3 class="wp-block-heading">Facebook og Google Display-annonser</h3>



<p>Facebook-pikselen og DoubleClick er tredjeparts informasjonskapsler som lar Meta og Google vise målrettede annonser basert på tidligere besøk hos oss (remarketing). De settes bare hvis du har samtykket til markedsføring.</p>



<h3 class="wp-block-heading">Innebygd innhold fra andre nettsteder</h3>



<p>Innlegg på dette nettstedet kan inneholde innebygd innhold, for eksempel videoer fra YouTube og kart fra Google Maps. Innebygd innhold oppfører seg som om du hadde besøkt det andre nettstedet, og kan samle inn data om deg. Vi viser det derfor først når du har sagt ja.</p>



<h2 class="wp-block-heading">Do Not Track og Global Privacy Control</h2>



<p>Vi respekterer «Do Not Track» og Global Privacy Control i nettleseren din. Sender nettleseren et slikt signal, regner vi det som et nei til statistikk og markedsføring inntil du selv velger noe annet.</p>



<h2 class="wp-block-heading">IP-adresser i logger</h2>



<p>Serverne våre logger besøk for å oppdage feil og stoppe dataangrep. Vi forkorter IP-adressen før den skrives til loggen, og loggene slettes etter 30 dager.</p>



<h2 class="wp-block-heading">Du kan alltid slå av informasjonskapsler</h2>



<p>Du kan også blokkere og slette informasjonskapsler i innstillingene i nettleseren din. På <a href="https://nettvett.no/">nettvett.no</a> finner du en beskrivelse av hvordan. Vær oppmerksom på at nødvendige informasjonskapsler må til for at innlogging og kontaktskjema skal fungere.</p>



<h2 class="wp-block-heading">Dine rettigheter</h2>



<p>Du har rett til å be om innsyn i, retting eller sletting av personopplysninger, eller begrensning av behandlingen, til å protestere mot behandlingen og til dataportabilitet. Du kan når som helst trekke tilbake et samtykke. Du har også rett til å klage til <a href="https://www.datatilsynet.no/">Datatilsynet</a>.</p>



<h2 class="wp-block-heading">Kontakt</h2>



<p>Nordlys Kaffebrenneri AS, Storgata 112, 9008 Tromsø. E-post: <a href="mailto:personvern@nordlyskaffe.example">personvern@nordlyskaffe.example</a>.</p>
</div>
</main>`,
	})
}
