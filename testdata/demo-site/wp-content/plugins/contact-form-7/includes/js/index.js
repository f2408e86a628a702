/* Stand-in for Contact Form 7 5.9.8 includes/js/index.js (the form submits without it) in this static demo copy of the site. */
