// Command gen writes the HTML of the demo site (testdata/demo-site) and the
// benchmark fixtures (testdata/pages/*.html). Run it from the module root:
//
//	go run ./testdata/pages/gen
//
// The output is committed; the generator only keeps the pages consistent
// (same WordPress head, same snippets) when one of them changes. It lives
// under testdata, so `go build ./...` and `go test ./...` never see it.
// Static assets (CSS, SVG, PNG, the JS stand-ins) are plain files in
// testdata/demo-site and are not generated.
package main

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

func main() {
	if _, err := os.Stat("go.mod"); err != nil {
		fmt.Fprintln(os.Stderr, "gen: run from the module root: go run ./testdata/pages/gen")
		os.Exit(2)
	}
	out := map[string]string{
		"testdata/demo-site/index.html":                                            demoHome().render(),
		"testdata/demo-site/blogg/slik-brygger-du-kaffe-med-presskanne/index.html": demoPost().render(),
		"testdata/demo-site/kontakt/index.html":                                    demoContact().render(),
		"testdata/demo-site/personvernerklaering/index.html":                       demoPrivacy().render(),
		"testdata/demo-site/sv/index.html":                                         svHome().render(),
		"testdata/demo-site/sv/nyheter/darfor-rostar-vi-ljust/index.html":          svArticle().render(),
		"testdata/demo-site/sv/om-kakor/index.html":                                svCookies().render(),
		"testdata/pages/wordpress-median.html":                                     wordpressMedian(),
		"testdata/pages/wordpress-trackers.html":                                   wordpressTrackers(),
		"testdata/pages/drupal7-median.html":                                       drupalMedian(),
	}
	names := make([]string, 0, len(out))
	for name := range out {
		names = append(names, name)
	}
	// Deterministic order only matters for the log, not the output.
	sortStrings(names)
	for _, name := range names {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			fmt.Fprintf(os.Stderr, "gen: %v\n", err)
			os.Exit(1)
		}
		if err := os.WriteFile(name, []byte(out[name]), 0o644); err != nil {
			fmt.Fprintf(os.Stderr, "gen: %v\n", err)
			os.Exit(1)
		}
		fmt.Printf("%7d  %s\n", len(out[name]), name)
	}
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// comment is one approved WordPress comment.
type comment struct {
	id       int
	author   string
	url      string // the commenter's website, if given
	date     string // as displayed
	iso      string
	text     string // comment_content after wpautop
	parent   int
	byAuthor bool
}

// commentsBlock renders core/comments as Twenty Twenty-Four's comments
// pattern prints it, threaded, followed by the comment form.
func commentsBlock(base string, postID int, path string, cs []comment) string {
	var b strings.Builder
	b.WriteString(`<div class="wp-block-comments">
<h2 class="wp-block-heading has-x-large-font-size">Kommentarer</h2>

<h3 id="comments" class="wp-block-comments-title has-medium-font-size">` + itoa(len(cs)) + ` svar til &laquo;Slik brygger du kaffe med presskanne&raquo;</h3>

<ol class="wp-block-comment-template">`)
	var render func(parent, depth int)
	n := 0
	render = func(parent, depth int) {
		for _, c := range cs {
			if c.parent != parent {
				continue
			}
			parity := "even"
			if n%2 == 1 {
				parity = "odd alt"
			}
			n++
			cls := "comment " + parity
			if depth == 1 {
				cls += " thread-" + strings.SplitN(parity, " ", 2)[0]
			}
			if c.byAuthor {
				cls += " byuser comment-author-ingrid bypostauthor"
			}
			cls += " depth-" + itoa(depth)
			if hasChildren(cs, c.id) {
				cls += " parent"
			}
			name := c.author
			if c.url != "" {
				name = `<a rel="external nofollow ugc" href="` + c.url + `" target="_self" >` + c.author + `</a>`
			}
			id := itoa(c.id)
			b.WriteString(`<li id="comment-` + id + `" class="` + cls + `">
<div class="wp-block-group is-layout-flow wp-block-group-is-layout-flow" style="margin-top:0;margin-bottom:var(--wp--preset--spacing--40)">
<div class="wp-block-group is-nowrap is-layout-flex wp-container-core-group-is-layout-6c531013 wp-block-group-is-layout-flex"><div class="wp-block-avatar"><img alt='Avatar for ` + c.author + `' src='` + base + `/wp-content/uploads/2024/01/avatar-standard.svg' class='avatar avatar-40 photo wp-block-avatar__image' height='40' width='40' loading='lazy' style="border-radius:20px;"/></div>

<div class="wp-block-group is-layout-flow wp-block-group-is-layout-flow"><div class="wp-block-comment-author-name">` + name + `</div>

<div class="wp-block-group is-layout-flex wp-block-group-is-layout-flex" style="margin-top:0px;margin-bottom:0px"><div class="wp-block-comment-date"><time datetime="` + c.iso + `"><a href="` + base + path + `#comment-` + id + `">` + c.date + `</a></time></div>

</div></div>
</div>

<div class="wp-block-comment-content">` + c.text + `</div>

<div class="wp-block-comment-reply-link"><a rel="nofollow" class="comment-reply-link" href="` + base + path + `?replytocom=` + id + `#respond" data-commentid="` + id + `" data-postid="` + itoa(postID) + `" data-belowelement="comment-` + id + `" data-respondelement="respond" data-replyto="Svar til ` + c.author + `" aria-label="Svar til ` + c.author + `">Svar</a></div>
</div>
`)
			if hasChildren(cs, c.id) {
				b.WriteString(`<ol class="children">`)
				render(c.id, depth+1)
				b.WriteString(`</ol>`)
			}
			b.WriteString(`</li>`)
		}
	}
	render(0, 1)
	b.WriteString(`</ol>



<div id="respond" class="comment-respond wp-block-post-comments-form">
		<h3 id="reply-title" class="comment-reply-title">Legg igjen en kommentar <small><a rel="nofollow" id="cancel-comment-reply-link" href="` + base + path + `#respond" style="display:none;">Avbryt svar</a></small></h3><form action="` + base + `/wp-comments-post.php" method="post" id="commentform" class="comment-form" novalidate><p class="comment-notes"><span id="email-notes">Din e-postadresse vil ikke bli publisert.</span> <span class="required-field-message">Obligatoriske felt er merket med <span class="required">*</span></span></p><p class="comment-form-comment"><label for="comment">Kommentar <span class="required">*</span></label> <textarea id="comment" name="comment" cols="45" rows="8" maxlength="65525" required></textarea></p><p class="comment-form-author"><label for="author">Navn <span class="required">*</span></label> <input id="author" name="author" type="text" value="" size="30" maxlength="245" autocomplete="name" required /></p>
<p class="comment-form-email"><label for="email">E-post <span class="required">*</span></label> <input id="email" name="email" type="email" value="" size="30" maxlength="100" aria-describedby="email-notes" autocomplete="email" required /></p>
<p class="comment-form-url"><label for="url">Nettsted</label> <input id="url" name="url" type="url" value="" size="30" maxlength="200" autocomplete="url" /></p>
<p class="comment-form-cookies-consent"><input id="wp-comment-cookies-consent" name="wp-comment-cookies-consent" type="checkbox" value="yes" /> <label for="wp-comment-cookies-consent">Lagre mitt navn, e-post og nettside i denne nettleseren for neste gang jeg kommenterer.</label></p>
<p class="form-submit wp-block-button"><input name="submit" type="submit" id="submit" class="wp-block-button__link wp-element-button" value="Publiser kommentar" /> <input type='hidden' name='comment_post_ID' value='` + itoa(postID) + `' id='comment_post_ID' />
<input type='hidden' name='comment_parent' id='comment_parent' value='0' />
</p></form>	</div><!-- #respond -->
	</div>`)
	return b.String()
}

func hasChildren(cs []comment, id int) bool {
	for _, c := range cs {
		if c.parent == id {
			return true
		}
	}
	return false
}
