jQuery(document).ready(function($) {
	// Mobile menu toggle and smooth scrolling, as themes write them.
	$('.menu-toggle').on('click', function(e) {
		e.preventDefault();
		$(this).toggleClass('is-active');
		$('#site-navigation').slideToggle(200);
	});
	$('a[href^="#"]').on('click', function(event) {
		var target = $(this.getAttribute('href'));
		if (target.length) {
			event.preventDefault();
			$('html, body').stop().animate({ scrollTop: target.offset().top - 80 }, 600);
		}
	});
	var $gallery = $('.gallery');
	if ($gallery.length && typeof $.fn.slick === 'function') {
		$gallery.slick({ dots: true, infinite: true, speed: 300, slidesToShow: 1, adaptiveHeight: true });
	}
	$(window).on('scroll', function() {
		$('body').toggleClass('scrolled', $(window).scrollTop() > 50);
	});
});
