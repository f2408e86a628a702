/* Stand-in for Drupal 7's misc/drupal.js in this static demo copy: the
 * Drupal object, behaviors, and the two lines that mark JavaScript as on. */
var Drupal = Drupal || { 'settings': {}, 'behaviors': {}, 'locale': {} };

// Allow other JavaScript libraries to use $.
jQuery.noConflict();

(function ($) {

Drupal.attachBehaviors = function (context, settings) {
  context = context || document;
  settings = settings || Drupal.settings;
  for (var name in Drupal.behaviors) {
    if (typeof Drupal.behaviors[name].attach === 'function') {
      Drupal.behaviors[name].attach(context, settings);
    }
  }
};

Drupal.t = function (str) { return str; };

// Class indicating that JS is enabled; used for styling purpose.
$('html').addClass('js');

// 'js enabled' cookie.
document.cookie = 'has_js=1; path=/';

//Attach all behaviors.
$(function () {
  Drupal.attachBehaviors(document, Drupal.settings);
});

})(jQuery);
