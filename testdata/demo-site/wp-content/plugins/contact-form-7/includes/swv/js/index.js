/* Stand-in for Contact Form 7 5.9.8 includes/swv/js/index.js (schema-woven validation) in this static demo copy of the site. */
