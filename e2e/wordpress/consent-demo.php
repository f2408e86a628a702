<?php
/**
 * Plugin Name: Consent demo trackers
 * Description: What many real WordPress sites carry: the public Google Analytics 4
 * (gtag.js) and Meta Pixel snippets, pasted into the theme's head and footer, and
 * analytics cookies set from PHP. The caddy-consent e2e test proves they are held
 * back until the visitor agrees. Installed as a must-use plugin by e2e/setup.sh.
 */

if (!defined('ABSPATH')) {
	exit;
}

const CONSENT_DEMO_GA4_ID   = 'G-E2ETEST123';
const CONSENT_DEMO_PIXEL_ID = '1234567890123456';

// Google tag (gtag.js), exactly as Google Analytics 4 hands it out.
add_action('wp_head', function () {
	$id = CONSENT_DEMO_GA4_ID;
	echo <<<HTML
<!-- Google tag (gtag.js) -->
<script async src="https://www.googletagmanager.com/gtag/js?id={$id}"></script>
<script>
  window.dataLayer = window.dataLayer || [];
  function gtag(){dataLayer.push(arguments);}
  gtag('js', new Date());

  gtag('config', '{$id}');
</script>

HTML;
}, 1);

// Meta Pixel base code with its <noscript> image fallback, as Meta hands it out.
add_action('wp_footer', function () {
	$id = CONSENT_DEMO_PIXEL_ID;
	echo <<<HTML
<!-- Meta Pixel Code -->
<script>
!function(f,b,e,v,n,t,s)
{if(f.fbq)return;n=f.fbq=function(){n.callMethod?
n.callMethod.apply(n,arguments):n.queue.push(arguments)};
if(!f._fbq)f._fbq=n;n.push=n;n.loaded=!0;n.version='2.0';
n.queue=[];t=b.createElement(e);t.async=!0;
t.src=v;s=b.getElementsByTagName(e)[0];
s.parentNode.insertBefore(t,s)}(window, document,'script',
'https://connect.facebook.net/en_US/fbevents.js');
fbq('init', '{$id}');
fbq('track', 'PageView');
</script>
<noscript><img height="1" width="1" style="display:none"
src="https://www.facebook.com/tr?id={$id}&ev=PageView&noscript=1"
/></noscript>
<!-- End Meta Pixel Code -->

HTML;
}, 99);

// A site icon, as real sites have: without one Chromium asks for /favicon.ico
// on every page, and that request (WordPress answers it with a redirect)
// sometimes never reports an end to DevTools, so the test could not wait for
// a quiet network.
add_action('wp_head', function () {
	echo "<link rel=\"icon\" href=\"data:,\">\n";
}, 0);

// Server-side analytics cookies on front-end page views, as "server-side
// tagging" plugins do: the consent firewall must drop them until consent.
add_action('template_redirect', function () {
	if (headers_sent()) {
		return;
	}
	$opts = array('expires' => time() + 2 * YEAR_IN_SECONDS, 'path' => '/', 'samesite' => 'Lax');
	setcookie('_ga', 'GA1.1.123.456', $opts);
	setcookie('_fbp', 'fb.1.1700000000000.123456789', array('expires' => time() + 90 * DAY_IN_SECONDS) + $opts);
});

// The test posts a comment on every run; WordPress refuses a second comment
// from one address within 15 s, and every client here is 127.0.0.0.
add_filter('comment_flood_filter', '__return_false');
