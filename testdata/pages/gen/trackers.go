package main

// The public snippets as vendors publish them and as sites paste them, with
// obviously fake IDs. Keep them verbatim: the rewriter is tested against what
// real pages carry, whitespace and quirks included.

const (
	ga4ID     = "G-DEMO000000"
	gtmID     = "GTM-DEMO000"
	pixelID   = "000000000000000"
	hotjarID  = "0000000" // a legacy octal literal in sloppy JS: valid, and obviously fake
	clarityID = "demo000000"
	youtubeID = "DEMO0000000"
	vimeoID   = "900000001"
)

// ga4Snippet is the "Google tag (gtag.js)" snippet from the GA4 admin.
const ga4Snippet = `<!-- Google tag (gtag.js) -->
<script async src="https://www.googletagmanager.com/gtag/js?id=G-DEMO000000"></script>
<script>
  window.dataLayer = window.dataLayer || [];
  function gtag(){dataLayer.push(arguments);}
  gtag('js', new Date());

  gtag('config', 'G-DEMO000000');
</script>
`

// gtmHead goes "as high in the <head> as possible".
const gtmHead = `<!-- Google Tag Manager -->
<script>(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':
new Date().getTime(),event:'gtm.js'});var f=d.getElementsByTagName(s)[0],
j=d.createElement(s),dl=l!='dataLayer'?'&l='+l:'';j.async=true;j.src=
'https://www.googletagmanager.com/gtm.js?id='+i+dl;f.parentNode.insertBefore(j,f);
})(window,document,'script','dataLayer','GTM-DEMO000');</script>
<!-- End Google Tag Manager -->
`

// gtmBody goes "immediately after the opening <body> tag".
const gtmBody = `<!-- Google Tag Manager (noscript) -->
<noscript><iframe src="https://www.googletagmanager.com/ns.html?id=GTM-DEMO000"
height="0" width="0" style="display:none;visibility:hidden"></iframe></noscript>
<!-- End Google Tag Manager (noscript) -->
`

const metaPixel = `<!-- Meta Pixel Code -->
<script>
!function(f,b,e,v,n,t,s)
{if(f.fbq)return;n=f.fbq=function(){n.callMethod?
n.callMethod.apply(n,arguments):n.queue.push(arguments)};
if(!f._fbq)f._fbq=n;n.push=n;n.loaded=!0;n.version='2.0';
n.queue=[];t=b.createElement(e);t.async=!0;
t.src=v;s=b.getElementsByTagName(e)[0];
s.parentNode.insertBefore(t,s)}(window, document,'script',
'https://connect.facebook.net/en_US/fbevents.js');
fbq('init', '000000000000000');
fbq('track', 'PageView');
</script>
<noscript><img height="1" width="1" style="display:none"
src="https://www.facebook.com/tr?id=000000000000000&ev=PageView&noscript=1"
/></noscript>
<!-- End Meta Pixel Code -->
`

func hotjarSnippet(site string) string {
	return `<!-- Hotjar Tracking Code for ` + site + ` -->
<script>
    (function(h,o,t,j,a,r){
        h.hj=h.hj||function(){(h.hj.q=h.hj.q||[]).push(arguments)};
        h._hjSettings={hjid:0000000,hjsv:6};
        a=o.getElementsByTagName('head')[0];
        r=o.createElement('script');r.async=1;
        r.src=t+h._hjSettings.hjid+j+h._hjSettings.hjsv;
        a.appendChild(r);
    })(window,document,'https://static.hotjar.com/c/hotjar-','.js?sv=');
</script>
`
}

// resourceHints is what WordPress core (dns-prefetch, protocol-relative) and an
// optimisation plugin (preconnect) add for the third parties above.
const resourceHints = `<link rel='dns-prefetch' href='//www.googletagmanager.com' />
<link rel='dns-prefetch' href='//connect.facebook.net' />
<link rel='dns-prefetch' href='//static.hotjar.com' />
<link rel="preconnect" href="https://www.googletagmanager.com" crossorigin>
<link rel="preconnect" href="https://www.google-analytics.com" crossorigin>
`

// youtubeEmbed is core/embed as WordPress stores it after the oEmbed lookup.
func youtubeEmbed(title, caption string) string {
	s := `<figure class="wp-block-embed is-type-video is-provider-youtube wp-block-embed-youtube wp-embed-aspect-16-9 wp-has-aspect-ratio"><div class="wp-block-embed__wrapper">
<iframe title="` + title + `" width="620" height="349" src="https://www.youtube.com/embed/DEMO0000000?feature=oembed" frameborder="0" allow="accelerometer; autoplay; clipboard-write; encrypted-media; gyroscope; picture-in-picture; web-share" referrerpolicy="strict-origin-when-cross-origin" allowfullscreen></iframe>
</div>`
	if caption != "" {
		s += `<figcaption class="wp-element-caption">` + caption + `</figcaption>`
	}
	return s + `</figure>
`
}

// mapsEmbed is the "Embed a map" iframe from Google Maps' share dialog.
const mapsEmbed = `<iframe src="https://www.google.com/maps/embed?pb=!1m18!1m12!1m3!1d1765.4107213545374!2d18.95312!3d69.64921!2m3!1f0!2f0!3f0!3m2!1i1024!2i768!4f13.1!3m3!1m2!1s0x0%3A0x0!2zNjnCsDM4JzU3LjIiTiAxOMKwNTcnMTEuMiJF!5e0!3m2!1sno!2sno!4v1716000000000!5m2!1sno!2sno" width="600" height="450" style="border:0;" allowfullscreen="" loading="lazy" referrerpolicy="no-referrer-when-downgrade"></iframe>`

// headTrackers and the lists below are the snippets of wordpress-trackers.html, in the
// places plugins and theme options put them. Each entry is one snippet.
var headTrackers = []string{
	// 1-5: hints from WordPress core and a performance plugin.
	`<link rel='dns-prefetch' href='//www.googletagmanager.com' />
<link rel='dns-prefetch' href='//connect.facebook.net' />
<link rel='dns-prefetch' href='//js-eu1.hs-scripts.com' />
<link rel="preconnect" href="https://www.google-analytics.com" crossorigin>
<link rel="preload" href="https://www.googletagmanager.com/gtag/js?id=G-DEMO000000" as="script">
`,
	// 6: Site Kit by Google's gtag, with its enqueue ids and the consent-mode default.
	`<!-- Google tag (gtag.js) snippet added by Site Kit -->
<!-- Google Analytics snippet added by Site Kit -->
<script src="https://www.googletagmanager.com/gtag/js?id=G-DEMO000000" id="google_gtagjs-js" async></script>
<script id="google_gtagjs-js-after">
window.dataLayer = window.dataLayer || [];function gtag(){dataLayer.push(arguments);}
gtag("set","linker",{"domains":["nordlyskaffe.example"]});
gtag("js", new Date());
gtag("set", "developer_id.dZTNiMT", true);
gtag("config", "G-DEMO000000");
gtag("config", "AW-000000000");
</script>
`,
	// 7: Google Tag Manager head loader.
	gtmHead,
	// 8: Meta Pixel (with its noscript img) as the "Meta pixel for WordPress" plugin prints it.
	`<!-- Meta Pixel Code -->
<script type='text/javascript'>
!function(f,b,e,v,n,t,s){if(f.fbq)return;n=f.fbq=function(){n.callMethod?
n.callMethod.apply(n,arguments):n.queue.push(arguments)};if(!f._fbq)f._fbq=n;
n.push=n;n.loaded=!0;n.version='2.0';n.queue=[];t=b.createElement(e);t.async=!0;
t.src=v;s=b.getElementsByTagName(e)[0];s.parentNode.insertBefore(t,s)}(window,
document,'script','https://connect.facebook.net/en_US/fbevents.js?v=next');
</script>
<!-- End Meta Pixel Code -->
<script type='text/javascript'>var url = window.location.origin + '?ob=open-bridge';
            fbq('set', 'openbridge', '000000000000000', url);
fbq('init', '000000000000000', {}, {
    "agent": "wordpress-6.6.2-4.0.1"
})</script><script type='text/javascript'>
    fbq('track', 'PageView', []);
  </script>
<!-- Meta Pixel Code -->
<noscript>
<img height="1" width="1" style="display:none" alt="fbpx"
src="https://www.facebook.com/tr?id=000000000000000&ev=PageView&noscript=1" />
</noscript>
<!-- End Meta Pixel Code -->
`,
	// 9: Hotjar.
	hotjarSnippet("https://nordlyskaffe.example"),
	// 10: Microsoft Clarity.
	`<script type="text/javascript">
    (function(c,l,a,r,i,t,y){
        c[a]=c[a]||function(){(c[a].q=c[a].q||[]).push(arguments)};
        t=l.createElement(r);t.async=1;t.src="https://www.clarity.ms/tag/"+i;
        y=l.getElementsByTagName(r)[0];y.parentNode.insertBefore(t,y);
    })(window, document, "clarity", "script", "demo000000");
</script>
`,
	// 11: TikTok pixel.
	`<script>
!function (w, d, t) {
  w.TiktokAnalyticsObject=t;var ttq=w[t]=w[t]||[];ttq.methods=["page","track","identify","instances","debug","on","off","once","ready","alias","group","enableCookie","disableCookie","holdConsent","revokeConsent","grantConsent"],ttq.setAndDefer=function(t,e){t[e]=function(){t.push([e].concat(Array.prototype.slice.call(arguments,0)))}};for(var i=0;i<ttq.methods.length;i++)ttq.setAndDefer(ttq,ttq.methods[i]);ttq.instance=function(t){for(var e=ttq._i[t]||[],n=0;n<ttq.methods.length;n++)ttq.setAndDefer(e,ttq.methods[n]);return e},ttq.load=function(e,n){var r="https://analytics.tiktok.com/i18n/pixel/events.js",o=n&&n.partner;ttq._i=ttq._i||{},ttq._i[e]=[],ttq._i[e]._u=r,ttq._t=ttq._t||{},ttq._t[e]=+new Date,ttq._o=ttq._o||{},ttq._o[e]=n||{};n=document.createElement("script");n.type="text/javascript",n.async=!0,n.src=r+"?sdkid="+e+"&lib="+t;e=document.getElementsByTagName("script")[0];e.parentNode.insertBefore(n,e)};

  ttq.load('DEMO0000000000000000');
  ttq.page();
}(window, document, 'ttq');
</script>
`,
	// 12: Pinterest tag with its noscript pixel.
	`<!-- Pinterest Tag -->
<script>
!function(e){if(!window.pintrk){window.pintrk = function () {
window.pintrk.queue.push(Array.prototype.slice.call(arguments))};var
  n=window.pintrk;n.queue=[],n.version="3.0";var
  t=document.createElement("script");t.async=!0,t.src=e;var
  r=document.getElementsByTagName("script")[0];
  r.parentNode.insertBefore(t,r)}}("https://s.pinimg.com/ct/core.js");
pintrk('load', '0000000000000', {em: '<user_email_address>'});
pintrk('page');
</script>
<noscript>
<img height="1" width="1" style="display:none;" alt=""
  src="https://ct.pinterest.com/v3/?event=init&tid=0000000000000&pd[em]=<hashed_email_address>&noscript=1" />
</noscript>
<!-- end Pinterest Tag -->
`,
	// 13: WP Rocket "Delay JavaScript execution": an external and an inline script held back.
	`<script type="rocketlazyloadscript" data-rocket-src="https://www.googletagmanager.com/gtag/js?id=G-DEMO000000" data-rocket-type="text/javascript" async></script>
<script type="rocketlazyloadscript">
  window.dataLayer = window.dataLayer || [];
  function gtag(){dataLayer.push(arguments);}
  gtag('js', new Date());
  gtag('config', 'G-DEMO000000', { 'anonymize_ip': true });
</script>
`,
	// 14: LiteSpeed Cache "Load JS Deferred": held external and inline scripts.
	`<script type="litespeed/javascript" data-src="https://connect.facebook.net/en_US/sdk.js#xfbml=1&version=v19.0" id="facebook-jssdk"></script>
<script type="litespeed/javascript">(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':new Date().getTime(),event:'gtm.js'});var f=d.getElementsByTagName(s)[0],j=d.createElement(s),dl=l!='dataLayer'?'&l='+l:'';j.async=!0;j.src='https://www.googletagmanager.com/gtm.js?id='+i+dl;f.parentNode.insertBefore(j,f)})(window,document,'script','dataLayer','GTM-DEMO001')</script>
`,
	// 15: Cloudflare Rocket Loader rewrote the type of every script.
	`<script type="4a7b2e9c-text/javascript" src="https://www.clarity.ms/tag/demo000001" async></script>
<script type="4a7b2e9c-text/javascript">
  window.uetq = window.uetq || [];
  (function(w,d,t,r,u){var f,n,i;w[u]=w[u]||[],f=function(){var o={ti:"00000000", enableAutoSpaTracking: true};o.q=w[u],w[u]=new UET(o),w[u].push("pageLoad")},n=d.createElement(t),n.src=r,n.async=1,n.onload=n.onreadystatechange=function(){var s=this.readyState;s&&s!=="loaded"&&s!=="complete"||(f(),n.onload=n.onreadystatechange=null)},i=d.getElementsByTagName(t)[0],i.parentNode.insertBefore(n,i)})(window,document,"script","//bat.bing.com/bat.js","uetq");
</script>
`,
	// 16: Universal Analytics left behind by an old MonsterInsights, with its odd attributes.
	`<!-- This site uses the Google Analytics by MonsterInsights plugin v7.17.0 - Using Analytics tracking - https://www.monsterinsights.com/ -->
<script type="text/javascript" data-cfasync="false" data-wpfc-render="false">
	var mi_version = '7.17.0';
	var mi_track_user = true;
	var mi_no_track_reason = '';
	var disableStr = 'ga-disable-UA-00000000-1';
	if ( mi_track_user ) {
		(function(i,s,o,g,r,a,m){i['GoogleAnalyticsObject']=r;i[r]=i[r]||function(){
		(i[r].q=i[r].q||[]).push(arguments)},i[r].l=1*new Date();a=s.createElement(o),
		m=s.getElementsByTagName(o)[0];a.async=1;a.src=g;m.parentNode.insertBefore(a,m)
		})(window,document,'script','//www.google-analytics.com/analytics.js','__gaTracker');
		__gaTracker('create', 'UA-00000000-1', 'auto');
		__gaTracker('set', 'forceSSL', true);
		__gaTracker('set', 'anonymizeIp', true);
		__gaTracker('send','pageview');
	}
</script>
<!-- / Google Analytics by MonsterInsights -->
`,
}

// bodyOpenTrackers follow <body>, where wp_body_open() prints them.
var bodyOpenTrackers = []string{
	// 17: GTM noscript iframe.
	gtmBody,
}

// contentTrackers sit inside the post content, between paragraphs.
var contentTrackers = []string{
	// 18: YouTube oEmbed.
	youtubeEmbed("Slik brygger du kaffe med presskanne", "Ingrid viser hele prosessen på fire minutter."),
	// 19: Vimeo oEmbed.
	`<figure class="wp-block-embed is-type-video is-provider-vimeo wp-block-embed-vimeo wp-embed-aspect-16-9 wp-has-aspect-ratio"><div class="wp-block-embed__wrapper">
<iframe title="Fra bønne til kopp – en dag på brenneriet" src="https://player.vimeo.com/video/900000001?h=0a1b2c3d4e&amp;app_id=122963" width="620" height="349" frameborder="0" allow="autoplay; fullscreen; picture-in-picture; clipboard-write"></iframe>
</div></figure>
`,
	// 20: WP Rocket "Replace YouTube iframe with preview image": the iframe survives in data-src and in noscript.
	`<figure class="wp-block-embed is-type-video is-provider-youtube wp-block-embed-youtube wp-embed-aspect-16-9 wp-has-aspect-ratio"><div class="wp-block-embed__wrapper">
<div class="rll-youtube-player" data-src="https://www.youtube.com/embed/DEMO0000001" data-id="DEMO0000001" data-query="feature=oembed" data-alt="Latte art for nybegynnere"></div><noscript><iframe title="Latte art for nybegynnere" width="620" height="349" src="https://www.youtube.com/embed/DEMO0000001?feature=oembed" frameborder="0" allow="accelerometer; autoplay; clipboard-write; encrypted-media; gyroscope; picture-in-picture; web-share" referrerpolicy="strict-origin-when-cross-origin" allowfullscreen></iframe></noscript>
</div></figure>
`,
	// 21: LiteSpeed lazy-loaded iframe.
	`<iframe data-lazyloaded="1" src="about:blank" data-src="https://www.youtube-nocookie.com/embed/DEMO0000002?rel=0" width="560" height="315" title="Kaffeprat med bonden" frameborder="0" allowfullscreen></iframe><noscript><iframe src="https://www.youtube-nocookie.com/embed/DEMO0000002?rel=0" width="560" height="315" title="Kaffeprat med bonden" frameborder="0" allowfullscreen></iframe></noscript>
`,
	// 22: Google Maps embed in a custom HTML block.
	`<figure class="wp-block-embed"><div class="wp-block-embed__wrapper">` + mapsEmbed + `</div></figure>
`,
	// 23: Facebook Page plugin iframe.
	`<iframe src="https://www.facebook.com/plugins/page.php?href=https%3A%2F%2Fwww.facebook.com%2Fnordlyskaffe&tabs=timeline&width=340&height=500&small_header=false&adapt_container_width=true&hide_cover=false&show_facepile=true&appId" width="340" height="500" style="border:none;overflow:hidden" scrolling="no" frameborder="0" allowfullscreen="true" allow="autoplay; clipboard-write; encrypted-media; picture-in-picture; web-share"></iframe>
`,
	// 24: AdSense unit.
	`<script async src="https://pagead2.googlesyndication.com/pagead/js/adsbygoogle.js?client=ca-pub-0000000000000000"
     crossorigin="anonymous"></script>
<ins class="adsbygoogle"
     style="display:block; text-align:center;"
     data-ad-layout="in-article"
     data-ad-format="fluid"
     data-ad-client="ca-pub-0000000000000000"
     data-ad-slot="0000000000"></ins>
<script>
     (adsbygoogle = window.adsbygoogle || []).push({});
</script>
`,
}

// footerTrackers come from wp_footer().
var footerTrackers = []string{
	// 25: Disqus, replacing the native comments.
	`<div id="disqus_thread"></div>
<script>
    var disqus_config = function () {
    this.page.url = 'https://nordlyskaffe.example/blogg/slik-brygger-du-kaffe-med-presskanne/';
    this.page.identifier = '412 https://nordlyskaffe.example/?p=412';
    };
    (function() { // DON'T EDIT BELOW THIS LINE
    var d = document, s = d.createElement('script');
    s.src = 'https://nordlyskaffe-demo.disqus.com/embed.js';
    s.setAttribute('data-timestamp', +new Date());
    (d.head || d.body).appendChild(s);
    })();
</script>
<noscript>Please enable JavaScript to view the <a href="https://disqus.com/?ref_noscript">comments powered by Disqus.</a></noscript>
<script id="dsq-count-scr" src="//nordlyskaffe-demo.disqus.com/count.js" async></script>
`,
	// 26: LinkedIn Insight Tag with its noscript pixel.
	`<script type="text/javascript">
_linkedin_partner_id = "0000000";
window._linkedin_data_partner_ids = window._linkedin_data_partner_ids || [];
window._linkedin_data_partner_ids.push(_linkedin_partner_id);
</script><script type="text/javascript">
(function(l) {
if (!l){window.lintrk = function(a,b){window.lintrk.q.push([a,b])};
window.lintrk.q=[]}
var s = document.getElementsByTagName("script")[0];
var b = document.createElement("script");
b.type = "text/javascript";b.async = true;
b.src = "https://snap.licdn.com/li.lms-analytics/insight.min.js";
s.parentNode.insertBefore(b, s);})(window.lintrk);
</script>
<noscript>
<img height="1" width="1" style="display:none;" alt="" src="https://px.ads.linkedin.com/collect/?pid=0000000&fmt=gif" />
</noscript>
`,
	// 27: HubSpot tracking code, protocol-relative.
	`<!-- Start of HubSpot Embed Code -->
<script type="text/javascript" id="hs-script-loader" async defer src="//js-eu1.hs-scripts.com/0000000.js"></script>
<!-- End of HubSpot Embed Code -->
`,
	// 28: X (Twitter) conversion tracking base code.
	`<!-- Twitter conversion tracking base code -->
<script>
!function(e,t,n,s,u,a){e.twq||(s=e.twq=function(){s.exe?s.exe.apply(s,arguments):s.queue.push(arguments);
},s.version='1.1',s.queue=[],u=t.createElement(n),u.async=!0,u.src='https://static.ads-twitter.com/uwt.js',
a=t.getElementsByTagName(n)[0],a.parentNode.insertBefore(u,a))}(window,document,'script');
twq('config','demo0');
</script>
<!-- End Twitter conversion tracking base code -->
`,
	// 29: Tapfiliate, as in the Swedish seed policy.
	`<script src="https://script.tapfiliate.com/tapfiliate.js" type="text/javascript" async></script>
<script type="text/javascript">
  (function(t,a,p){t.TapfiliateObject=a;t[a]=t[a]||function(){ (t[a].q=t[a].q||[]).push(arguments)}})(window,'tap');

  tap('create', '00000-demo000', { integration: "javascript" });
  tap('detect');
</script>
`,
	// 30: Google Ads conversion pixel fallback.
	`<noscript>
<div style="display:inline;">
<img height="1" width="1" style="border-style:none;" alt="" src="//googleads.g.doubleclick.net/pagead/viewthroughconversion/000000000/?value=0&amp;guid=ON&amp;script=0"/>
</div>
</noscript>
`,
	// 31: Cloudflare Rocket Loader itself (site-owned, necessary: keep it).
	`<script src="/cdn-cgi/scripts/7d0fa10a/cloudflare-static/rocket-loader.min.js" data-cf-settings="4a7b2e9c-|49" defer></script>`,
}
