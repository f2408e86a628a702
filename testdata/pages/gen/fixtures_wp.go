package main

import (
	"strings"
)

const fixtureOrigin = "https://nordlyskaffe.example"

// rng is a tiny deterministic generator so the fixtures never change between runs.
type rng uint32

func (r *rng) next(n int) int {
	*r = *r*1664525 + 1013904223
	return int(uint32(*r)>>8) % n
}

var nbSentences = []string{
	"Kaffebønner er frø fra kirsebærlignende bær, og smaken avgjøres like mye på gården som i brenneriet.",
	"Vi brenner i porsjoner på tolv kilo, og hver porsjon logges med temperaturkurve og tid.",
	"En lys brenning tar vare på syrligheten og de blomstrede tonene fra høyden bønnene vokste i.",
	"Mørkere brenning gir mer kropp og bitterhet, men visker ut forskjellene mellom opprinnelsene.",
	"Vannet utgjør nesten nitti prosent av koppen, så det lønner seg å bruke godt og friskt vann.",
	"Tromsø-vann er bløtt og passer utmerket til kaffe; i kalkrike strøk kan et filter gjøre underverker.",
	"Kvernen er den viktigste investeringen du gjør, langt viktigere enn en dyr kaffemaskin.",
	"Kaffe som er malt for fint, trekker for mye og blir bitter og tørr i munnen.",
	"Kaffe som er malt for grovt, trekker for lite og smaker surt og tynt.",
	"Nybrent kaffe avgir karbondioksid de første dagene, og det er derfor posene våre har en liten ventil.",
	"Vi anbefaler å drikke kaffen mellom fem dager og seks uker etter brenning.",
	"Oppbevar bønnene i en tett boks, mørkt og kjølig, men aldri i kjøleskapet.",
	"Bøndene vi handler med får betalt godt over markedsprisen, og vi besøker dem når vi kan.",
	"Gården i Guji ligger på nesten to tusen meters høyde, og bærene modner sakte i det kjølige klimaet.",
	"Vasket kaffe gir en ren og klar kopp, mens naturlig prosessert kaffe smaker mer av bær og vin.",
	"Mange tror mørk kaffe inneholder mer koffein, men forskjellen er i praksis ubetydelig.",
	"Forholdet mellom kaffe og vann er det enkleste stedet å begynne når du vil justere smaken.",
	"Vi veier alltid kaffen; en spiseskje kan variere med flere gram avhengig av bønnene.",
	"En god kopp trenger ikke være komplisert, men den krever at du er litt nysgjerrig.",
	"Smak på kaffen mens den kjøles ned, for nye toner dukker opp når temperaturen synker.",
	"I mørketiden går det mest av Senja, mens Lyngen tar over når lyset kommer tilbake i februar.",
	"Brenneriet varmes opp av restvarmen fra brenneren, og lukten når helt ned til Stortorget.",
	"Kaffegruten går til en kompost på Kvaløya, der den blir til jord for grønnsaker.",
	"Vi holder bryggekurs den første torsdagen i måneden, og det er alltid noen plasser ledig.",
	"Melk og kaffe er en klassisk kombinasjon, og en medium brenning tåler melk aller best.",
	"Hvis du brygger for mange, er en stor presskanne eller en filtermaskin med god temperatur gull verdt.",
	"Vi tester hver ny kaffe i en cupping, der vi smaker flere kaffer side om side uten å vite hvilken som er hvilken.",
	"De fleste feil i koppen kan spores tilbake til kvernen, vannet eller tiden.",
	"Et kjøkkentermometer er billig, og det fjerner mye av gjettingen rundt vanntemperaturen.",
	"Filterpapir bør skylles med varmt vann før bruk, ellers kan kaffen smake papp.",
	"Espresso er et eget fag, og vi bruker gjerne en hel morgen på å stille inn kvernen.",
	"Kaffen fra Huila vokser i skyggen av bananplanter og avokadotrær.",
	"Vi pakker kaffen i poser som kan gå i papirinnsamlingen når de er tomme.",
	"Kundene våre sender oss ofte bilder av morgenkoppen fra hytta, og det setter vi stor pris på.",
	"Rist aldri bønnene i en stekepanne hjemme med mindre du har god ventilasjon og godt humør.",
	"Det er lov å like kaffe med sukker, selv om vi synes du bør smake den uten først.",
}

var nbHeadings = []string{
	"Fra gården til koppen",
	"Hvorfor vi brenner lyst",
	"Vannet betyr mer enn du tror",
	"Kvernen er viktigst",
	"Oppbevaring av bønner",
	"Slik smaker du kaffe",
	"Vanlige feil og hvordan du unngår dem",
	"Presskanne på tur",
	"Kaffe til mange",
	"Hva med espresso?",
	"Bærekraft i brenneriet",
	"Neste steg",
}

var commenters = []struct{ name, url string }{
	{"Kari Nordmann", ""},
	{"Ole-Martin", ""},
	{"Sunniva B.", "https://sunnivasmatblogg.example/"},
	{"Per Arne Johansen", ""},
	{"Aisha", ""},
	{"Trond", "https://fjellturer.example/"},
	{"Marte Lien", ""},
	{"Jonas", ""},
	{"Hilde K.", ""},
	{"Erik fra Bodø", ""},
}

var months = []string{"mai", "juni"}

// sentences returns n sentences joined into a paragraph body, with the
// occasional link, emphasis or strong text real posts have.
func sentences(r *rng, n int, base string) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		s := nbSentences[r.next(len(nbSentences))]
		switch r.next(12) {
		case 0:
			words := strings.SplitN(s, " ", 4)
			if len(words) == 4 {
				s = words[0] + " " + words[1] + ` <a href="` + base + `/blogg/` + []string{"guide-til-kverner/", "slik-smaker-du-kaffe/", "var-dag-i-guji/"}[r.next(3)] + `">` + words[2] + `</a> ` + words[3]
			}
		case 1:
			words := strings.SplitN(s, " ", 3)
			if len(words) == 3 {
				s = "<strong>" + words[0] + " " + words[1] + "</strong> " + words[2]
			}
		case 2:
			s = "<em>" + strings.TrimSuffix(s, ".") + "</em>."
		}
		b.WriteString(s)
	}
	return b.String()
}

// longContent is the rest of a long WordPress post: sections with
// paragraphs, images, lists and quotes, and the tracker embeds when given.
func longContent(r *rng, base string, sections int, embeds []string) string {
	var b strings.Builder
	img := 0
	for s := 0; s < sections; s++ {
		b.WriteString("\n\n\n<h2 class=\"wp-block-heading\">" + nbHeadings[s%len(nbHeadings)] + "</h2>\n\n\n")
		paras := 4 + r.next(3)
		for p := 0; p < paras; p++ {
			b.WriteString("\n\n<p>" + sentences(r, 4+r.next(4), base) + "</p>\n\n")
			if p == 1 && s%2 == 0 {
				img++
				n := itoa(2040 + img)
				src := base + "/wp-content/uploads/2024/05/IMG_" + n
				b.WriteString(`

<figure class="wp-block-image size-large"><img loading="lazy" decoding="async" width="1024" height="683" src="` + src + `-1024x683.jpg" alt="" class="wp-image-` + itoa(420+img) + `" srcset="` + src + `-1024x683.jpg 1024w, ` + src + `-300x200.jpg 300w, ` + src + `-768x512.jpg 768w, ` + src + `-1536x1024.jpg 1536w, ` + src + `.jpg 2048w" sizes="(max-width: 1024px) 100vw, 1024px" /><figcaption class="wp-element-caption">` + strings.TrimSuffix(nbSentences[r.next(len(nbSentences))], ".") + `</figcaption></figure>

`)
			}
			if p == 2 && s%3 == 1 {
				b.WriteString("\n\n<ul class=\"wp-block-list\">\n")
				for i := 0; i < 4; i++ {
					b.WriteString("<li>" + strings.TrimSuffix(nbSentences[r.next(len(nbSentences))], ".") + "</li>\n\n\n\n")
				}
				b.WriteString("</ul>\n\n")
			}
			if p == 3 && s%4 == 2 {
				b.WriteString(`

<blockquote class="wp-block-quote is-layout-flow wp-block-quote-is-layout-flow">
<p>` + nbSentences[r.next(len(nbSentences))] + `</p>
<cite>Ingrid, brennmester</cite></blockquote>

`)
			}
		}
		if s < len(embeds) {
			b.WriteString("\n\n" + embeds[s] + "\n\n")
		}
	}
	return b.String()
}

func fixtureComments(r *rng, n int) []comment {
	cs := make([]comment, 0, n)
	for i := 0; i < n; i++ {
		who := commenters[r.next(len(commenters))]
		day := 15 + i/3
		month := months[0]
		if day > 31 {
			day -= 31
			month = months[1]
		}
		hh, mm := 7+r.next(14), r.next(60)
		c := comment{
			id:     100 + i,
			author: who.name,
			url:    who.url,
			date:   itoa(day) + ". " + month + " 2024 kl. " + pad2(hh) + ":" + pad2(mm),
			iso:    "2024-05-" + pad2(day) + "T" + pad2(hh) + ":" + pad2(mm) + ":00+02:00",
			text:   "<p>" + sentences(r, 2+r.next(3), fixtureOrigin) + "</p>",
		}
		if i%4 == 3 {
			// Ingrid answers every fourth comment.
			c.parent = 100 + i - 1
			c.author, c.url, c.byAuthor = "Ingrid Haugland", "", true
		}
		if i%9 == 5 {
			c.text += "\n<p>" + sentences(r, 3, fixtureOrigin) + "</p>"
		}
		cs = append(cs, c)
	}
	return cs
}

func pad2(n int) string {
	if n < 10 {
		return "0" + itoa(n)
	}
	return itoa(n)
}

// localVideo stands in for the YouTube embed on the page without trackers:
// the site hosts the clip itself.
const localVideo = `<figure class="wp-block-video"><video controls preload="metadata" poster="https://nordlyskaffe.example/wp-content/uploads/2024/05/presskanne-video-poster.jpg" src="https://nordlyskaffe.example/wp-content/uploads/2024/05/presskanne.mp4" playsinline></video><figcaption class="wp-element-caption">Ingrid viser hele prosessen på fire minutter.</figcaption></figure>
`

// wordpressMedian is a long WordPress block-theme post with comments and
// nothing to block: the rewriter's "nothing matches" benchmark.
func wordpressMedian() string {
	return wordpressFixture(false)
}

// wordpressTrackers is the same post carrying about thirty tracker
// snippets of every kind the rewriter must neutralise.
func wordpressTrackers() string {
	return wordpressFixture(true)
}

func wordpressFixture(trackers bool) string {
	r := rng(20240514)
	video := localVideo
	var embeds []string
	if trackers {
		video = contentTrackers[0]
		embeds = contentTrackers[1:]
	}
	extra := longContent(&r, fixtureOrigin, 9, embeds)
	p := postPage(fixtureOrigin, video, extra, fixtureComments(&r, 20))
	p.fixture = true
	p.emojiScript = true
	if trackers {
		p.hints = headTrackers[0]
		p.headScripts = strings.Join(headTrackers[1:], "")
		p.bodyOpen = strings.Join(bodyOpenTrackers, "")
		p.footScripts = strings.Join(footerTrackers, "")
	}
	return p.render()
}
