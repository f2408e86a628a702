/* caddy-consent banner script. Progressive enhancement only: the banner is a
   form that works without it. With it, choices are saved without leaving the
   page, what was just allowed starts in place, settings open in place from any
   [data-consent-action=settings] link, and a blocked embed can be shown once. */
(d => {
  var root = d.querySelector('[data-consent-banner]'), form = root && root.querySelector('form');
  // Browsers with fetch and prepend have URLSearchParams too.
  if (!form || !window.fetch || !d.body.prepend) return;
  var $ = (s, el) => [...(el || d).querySelectorAll(s)],
    one = s => root.querySelector(s),
    act = a => form.querySelector('[data-consent-action=' + a + ']'),
    bar = one('.cb-bar'), re = one('.cb-re'), x = one('.cb-x'), l1 = one('.cb-l1'), l2 = one('.cb-l2'), status = one('[role=status]'),
    boxes = $('input[name=category]', form),
    decided = bar.hidden, had = granted(1), queue = Promise.resolve();

  // The visitor's choice as {analytics:1, …}; defaultChecked is what the
  // server rendered, that is the choice in the consent cookie.
  function granted(saved) {
    var s = {};
    boxes.forEach(b => (saved ? b.defaultChecked : b.checked) && (s[b.value] = 1));
    return s;
  }

  function layer(open) {
    l1.hidden = open; l2.hidden = !open;
    act('settings').hidden = open;
    act('save').hidden = x.hidden = !open;
  }

  function close() {
    var back = bar.contains(d.activeElement);
    if (!decided) return layer(0), back && act('settings').focus();
    bar.hidden = !0; re.hidden = !1;
    if (back) re.focus();
  }

  // Before a choice, the banner goes first in the document, so keyboard and
  // screen reader users meet it before the page (as GOV.UK places its own).
  if (!decided) d.body.prepend(root);

  d.addEventListener('click', e => {
    var t = e.target.closest && e.target.closest('[data-consent-action=settings]');
    if (t && !(e.ctrlKey || e.metaKey || e.shiftKey || e.button)) {
      // The reopen control would sit on top of the open layer's buttons.
      e.preventDefault(); bar.hidden = !1; if (re) re.hidden = !0; layer(1); l2.querySelector('h2').focus();
    } else if (x.contains(e.target)) close();
  });
  root.addEventListener('keydown', e => { if (e.key == 'Escape' && !l2.hidden) close() });

  form.addEventListener('submit', e => {
    var a = e.submitter && e.submitter.value;
    if (!a) return;
    e.preventDefault();
    send(form, a, () => {
      boxes.forEach(b => { b.checked = b.defaultChecked = a == 'accept-all' || a == 'save' && b.checked });
      saved();
    });
  });

  // send posts f with action a; the endpoint answers 204 to JSON callers,
  // with Consent-Reload when what was just allowed can only load on a page
  // served anew (csp enforce). On any failure the form is posted the
  // ordinary way.
  function send(f, a, ok) {
    var body = new URLSearchParams(new FormData(f));
    body.set('action', a);
    fetch(f.getAttribute('action'), { method: 'POST', body, headers: { Accept: 'application/json' } })
      .then(r => { if (!r.ok) throw r; r.headers.has('consent-reload') ? location.reload() : ok() })
      .catch(() => {
        var i = d.createElement('input');
        i.type = 'hidden'; i.name = 'action'; i.value = a;
        f.appendChild(i); f.submit();
      });
  }

  function saved() {
    var now = granted(), k;
    // A withdrawal needs the server: it expires the cookies and serves the
    // page without what was allowed before.
    for (k in had) if (!now[k]) return location.reload();
    had = now;
    update(now);
    // Third parties no list classifies run once every category is granted.
    if (boxes.every(b => b.checked)) now.unclassified = 1;
    $('[data-consent-category]').forEach(el => {
      if (now[el.getAttribute('data-consent-category')] && !root.contains(el)) start(el);
    });
    decided = 1; close();
    if (status) status.textContent = status.getAttribute('data-consent-saved');
  }

  // Google Consent Mode: the server wrote the defaults; tell tags what changed.
  function update(s) {
    if (!window.dataLayer) return;
    // gtag() pushes an Arguments object, not an array; GTM tells them apart.
    var v = c => s[c] ? 'granted' : 'denied';
    (function () { dataLayer.push(arguments) })('consent', 'update', {
      ad_storage: v('marketing'), ad_user_data: v('marketing'), ad_personalization: v('marketing'),
      analytics_storage: v('analytics'), functionality_storage: v('preferences'), personalization_storage: v('preferences')
    });
  }

  // take reads and removes the data-consent-<n> attribute the server left.
  function take(el, n) {
    var v = el.getAttribute('data-consent-' + n);
    el.removeAttribute('data-consent-' + n);
    return v;
  }

  // start brings one neutralised element to life. Scripts run in document
  // order: each waits for the blocking external script before it.
  function start(el) {
    el.removeAttribute('data-consent-category');
    if (el.tagName != 'SCRIPT') {
      // Every attribute the server renamed comes back (src, srcset, href,
      // poster, ping, data…), src last so that a srcset is there first; a
      // lazy loader's data-src is loaded at once, its script has run.
      if (el.tagName == 'IFRAME') el.removeAttribute('srcdoc');
      for (var n of [...el.attributes].map(a => a.name).sort((a, b) => (a == 'data-consent-src') - (b == 'data-consent-src')))
        if (/^data-consent-(?!service$)/.test(n)) el.setAttribute(n = n.slice(13), take(el, n));
      if (!el.src && el.dataset.src) el.src = el.dataset.src;
      return;
    }
    queue = queue.then(() => new Promise(next => {
      var s = d.createElement('script'), type = take(el, 'type'),
        src = take(el, 'src') || take(el, 'rocket-src') || take(el, 'data-src');
      [...el.attributes].forEach(a => { if (a.name != 'type' && a.name != 'src') s.setAttribute(a.name, a.value) });
      // Optimiser types (WP Rocket, LiteSpeed, Rocket Loader) stand for plain JS.
      if (type && !/^(rocketlazyloadscript|litespeed\/javascript|.*-text\/javascript)$/i.test(type)) s.type = type;
      s.nonce = el.nonce;
      if (src) {
        s.src = src;
        if (!el.hasAttribute('async') && !el.hasAttribute('defer')) { s.async = !1; s.onload = s.onerror = next; next = 0 }
      } else s.text = el.text;
      el.replaceWith(s);
      if (next) next();
    }));
  }

  // Placeholders of blocked embeds are same-origin srcdoc documents: show
  // "just this once", and save "allow" without leaving the page.
  function wire(f) {
    var w = f.contentDocument, once = w && w.querySelector('[data-consent-embed=once]'), pf = w && w.querySelector('form');
    if (!once || !once.hidden) return;
    once.hidden = !1;
    once.onclick = () => start(f);
    pf.addEventListener('submit', e => {
      e.preventDefault();
      var want = new FormData(pf).getAll('category');
      send(pf, 'save', () => {
        boxes.forEach(b => { b.checked = b.defaultChecked = want.includes(b.value) });
        saved();
      });
    });
  }
  $('iframe[data-consent-category]').forEach(f => {
    f.addEventListener('load', () => wire(f));
    wire(f);
  });
})(document);
