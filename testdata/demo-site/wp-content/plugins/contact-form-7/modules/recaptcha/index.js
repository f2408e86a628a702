/* Stand-in for Contact Form 7 5.9.8 modules/recaptcha/index.js (fills _wpcf7_recaptcha_response) in this static demo copy of the site. */
