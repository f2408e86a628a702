/* <![CDATA[ */
var wpcf7 = {"api":{"root":"https:\/\/www.example.no\/wp-json\/","namespace":"contact-form-7\/v1"},"cached":"1"};
var wc_add_to_cart_params = {"ajax_url":"\/wp-admin\/admin-ajax.php","wc_ajax_url":"\/?wc-ajax=%%endpoint%%","i18n_view_cart":"Vis handlekurv","cart_url":"https:\/\/www.example.no\/handlekurv\/","is_cart":"","cart_redirect_after_add":"no"};
var woocommerce_params = {"ajax_url":"\/wp-admin\/admin-ajax.php","wc_ajax_url":"\/?wc-ajax=%%endpoint%%"};
var elementorFrontendConfig = {"environmentMode":{"edit":false,"wpPreview":false,"isScriptDebug":false},"i18n":{"shareOnFacebook":"Del p\u00e5 Facebook","shareOnTwitter":"Del p\u00e5 Twitter","pinIt":"Pin it","download":"Last ned","downloadImage":"Last ned bilde","fullscreen":"Fullskjerm"},"is_rtl":false,"breakpoints":{"xs":0,"sm":480,"md":768,"lg":1025,"xl":1440,"xxl":1600},"version":"3.24.4","urls":{"assets":"https:\/\/www.example.no\/wp-content\/plugins\/elementor\/assets\/"},"settings":{"page":[],"editorPreferences":[]},"post":{"id":42,"title":"Forside","excerpt":"","featuredImage":false}};
var ajaxurl = "https://www.example.no/wp-admin/admin-ajax.php";
wp.i18n.setLocaleData( { 'text direction\u0004ltr': [ 'ltr' ] } );
document.documentElement.className = document.documentElement.className.replace('no-js', 'js');
/* ]]> */
