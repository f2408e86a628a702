/*! Stand-in for jQuery in this static demo copy of the site: the few calls
 * the theme, Drupal.settings and drupal.js make (ready, addClass, extend). */
(function (w, d) {
	function Q(sel) {
		if (!(this instanceof Q)) return typeof sel === "function" ? Q.ready(sel) : new Q(sel);
		this.els = typeof sel === "string" ? Array.prototype.slice.call(d.querySelectorAll(sel)) : sel ? [sel] : [];
	}
	Q.fn = Q.prototype = {
		addClass: function (c) { this.els.forEach(function (e) { e.classList.add(c); }); return this; },
		ready: function (f) { return Q.ready(f); },
		each: function (f) { this.els.forEach(function (e, i) { f.call(e, i, e); }); return this; }
	};
	Q.ready = function (f) {
		if (d.readyState !== "loading") setTimeout(function () { f(Q); }, 0);
		else d.addEventListener("DOMContentLoaded", function () { f(Q); });
	};
	Q.extend = function (t) {
		for (var i = 1; i < arguments.length; i++) {
			var s = arguments[i];
			for (var k in s) if (Object.prototype.hasOwnProperty.call(s, k)) t[k] = s[k];
		}
		return t;
	};
	Q.noConflict = function () { return Q; };
	w.jQuery = w.$ = Q;
})(window, document);
