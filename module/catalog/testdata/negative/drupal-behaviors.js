(function ($, Drupal, drupalSettings) {
  'use strict';
  Drupal.behaviors.siteMenu = {
    attach: function (context, settings) {
      $(once('site-menu', '.menu--main', context)).each(function () {
        var $menu = $(this);
        $menu.find('.menu-item--expanded > a').on('click', function (e) {
          if (window.innerWidth < 768) {
            e.preventDefault();
            $(this).parent().toggleClass('open');
          }
        });
      });
      if (settings.path && settings.path.isFront) {
        $('body', context).addClass('is-front');
      }
    }
  };
})(jQuery, Drupal, drupalSettings);
