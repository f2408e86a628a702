// A legacy theme bundle that loads trackers at run time, as PixelYourSite
// and many tag snippets do: nothing of this is in the page's markup.
(function () {
	function script(src) {
		var s = document.createElement('script');
		s.async = true;
		s.src = src;
		document.head.appendChild(s);
	}
	script('https://connect.facebook.net/en_US/fbevents.js');
	script('https://www.googletagmanager.com/gtag/js?id=G-RUNTIME01');
	script('https://cdn.nobody-knows.example/widget.js?id=RUNTIMEUNKNOWN');
	var f = document.createElement('iframe');
	f.src = 'https://www.youtube.com/embed/RUNTIMEVIDEO';
	f.width = 160;
	f.height = 90;
	document.body.appendChild(f);
	try {
		fetch('https://www.google-analytics.com/g/collect?v=2&tid=G-RUNTIMEFETCH', {mode: 'no-cors', method: 'POST'}).catch(function () {});
	} catch (e) {}
	try {
		navigator.sendBeacon('https://www.facebook.com/tr?id=RUNTIMEBEACON&ev=PageView');
	} catch (e) {}
	new Image().src = 'https://www.facebook.com/tr?id=RUNTIMEIMAGE&ev=PageView';
	window.themeRan = true;
})();
