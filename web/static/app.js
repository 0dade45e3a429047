// Werkwijzer's web chat. Plain JavaScript, no build step, no framework.
//
// What the person sends goes into an outbox (kept in sessionStorage) and is
// posted one message at a time, in order, each with an id of its own that
// stays the same on every retry: the server handles an id once. What the
// bot says arrives over server-sent events as numbered log entries; after
// a reconnect the stream resumes after the last number this page has, and
// an entry already shown is never shown again.
(function () {
  'use strict';
  var cfg = JSON.parse(document.getElementById('cfg').textContent);
  var t = cfg.t;
  var logEl = document.getElementById('log');
  var mainEl = document.getElementById('main');
  var statusEl = document.getElementById('status');
  var form = document.getElementById('say');
  var input = document.getElementById('text');
  var pushBtn = document.getElementById('push');
  var last = 0;            // number of the last log entry shown
  var byN = {};            // entry number -> its element
  var pending = {};        // client id -> the person's bubble not yet in the log
  var lang = cfg.lang;
  var wantLang = cfg.hint; // the language chosen on the landing page
  var started = false, ended = false, es = null, backoff = 1000;
  var outbox = [];
  try { outbox = JSON.parse(sessionStorage.getItem('ww-out') || '[]'); } catch (_) { outbox = []; }

  function save() { try { sessionStorage.setItem('ww-out', JSON.stringify(outbox)); } catch (_) {} }

  function newID() {
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return btoa(String.fromCharCode.apply(null, b)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function status(msg) { statusEl.textContent = msg || ''; }

  function setLang(l) {
    if (!l || l === lang) return;
    lang = l;
    var root = document.documentElement;
    root.lang = l;
    root.dir = cfg.rtl.indexOf(l) >= 0 ? 'rtl' : 'ltr';
    fetch('/chat/texts/' + encodeURIComponent(l), { credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (m) { if (m && lang === l) { t = m; relabel(); } })
      .catch(function () {});
  }

  function relabel() {
    document.title = t.web_title;
    document.querySelectorAll('[data-t]').forEach(function (el) { el.textContent = t[el.getAttribute('data-t')]; });
    document.querySelectorAll('[data-t-placeholder]').forEach(function (el) { el.placeholder = t[el.getAttribute('data-t-placeholder')]; });
    document.querySelectorAll('[data-t-label]').forEach(function (el) { el.setAttribute('aria-label', t[el.getAttribute('data-t-label')]); });
  }

  function scroll() { mainEl.scrollTop = mainEl.scrollHeight; }

  function bubble(cls) {
    var el = document.createElement('div');
    el.className = 'msg ' + cls;
    logEl.appendChild(el);
    return el;
  }

  // fill draws a bot message: its text, its buttons (rows of one to three),
  // its file, and the offer to allow notifications.
  function fill(el, e, n) {
    el.textContent = '';
    el.dataset.n = n;
    if (e.lang) { el.lang = e.lang; el.dir = cfg.rtl.indexOf(e.lang) >= 0 ? 'rtl' : 'ltr'; }
    if (e.text) {
      var p = document.createElement('p');
      p.textContent = e.text;
      el.appendChild(p);
    }
    if (e.buttons && e.buttons.length) {
      var rows = document.createElement('div');
      rows.className = 'rows';
      e.buttons.forEach(function (row) {
        var r = document.createElement('div');
        r.className = 'row';
        row.forEach(function (b) {
          var btn = document.createElement('button');
          btn.type = 'button';
          btn.textContent = b.t;
          if (b.t.indexOf('\u2713 ') === 0) btn.className = 'chosen';
          btn.addEventListener('click', function () { press(b, n, btn); });
          r.appendChild(btn);
        });
        rows.appendChild(r);
      });
      el.appendChild(rows);
    }
    if (e.doc) {
      var a = document.createElement('a');
      a.className = 'doc';
      a.textContent = '\uD83D\uDCCE ' + e.doc.name;
      a.setAttribute('aria-label', t.web_download + ': ' + e.doc.name);
      if (e.doc.url) { a.href = e.doc.url; a.download = e.doc.name; }
      el.appendChild(a);
      if (e.doc.caption) {
        var c = document.createElement('p');
        c.textContent = e.doc.caption;
        el.appendChild(c);
      }
    }
    if (e.push && canPush() && Notification.permission === 'default') {
      var pb = document.createElement('button');
      pb.type = 'button';
      pb.className = 'small';
      pb.setAttribute('data-t', 'web_push_ask');
      pb.textContent = t.web_push_ask;
      pb.addEventListener('click', allowPush);
      var wrap = document.createElement('div');
      wrap.className = 'rows';
      wrap.appendChild(pb);
      el.appendChild(wrap);
    }
  }

  function show(e, n) {
    if (n <= last) return; // already shown: a reconnect never doubles
    last = n;
    if (e.lang) setLang(e.lang);
    if (e.me) {
      var mine = pending[e.cid];
      if (mine) { mine.classList.remove('pending'); delete pending[e.cid]; byN[n] = mine; return; }
      var m = bubble('me');
      var p = document.createElement('p');
      p.textContent = e.text;
      m.appendChild(p);
      byN[n] = m;
      return;
    }
    if (e.replace && byN[e.replace]) {
      fill(byN[e.replace], e, e.replace);
      return;
    }
    var el = bubble('bot');
    fill(el, e, n);
    byN[n] = el;
    if (wantLang && e.lang && e.lang !== wantLang) {
      // The link named another language than the one chosen on the
      // landing page: switch as the person would, with the picker.
      var l = wantLang;
      wantLang = null;
      enqueue({ kind: 'button', data: 'lang:' + l, ref: n });
    } else if (e.lang) {
      wantLang = null;
    }
    scroll();
  }

  function press(b, n, btn) {
    if (ended) return;
    btn.classList.add('chosen');
    enqueue({ kind: 'button', data: b.d, ref: n });
  }

  function enqueue(m) {
    m.id = newID();
    if (wantLang) m.hint = wantLang;
    outbox.push(m);
    save();
    pump();
  }

  // pump posts the outbox's first message until the server took it, then
  // the next: one at a time, so the conversation keeps its order.
  var pumping = false;
  function pump() {
    if (pumping || ended || !outbox.length) return;
    pumping = true;
    var m = outbox[0];
    var retry = function (ms, msg) {
      status(msg);
      setTimeout(function () { pumping = false; pump(); }, ms);
    };
    fetch('/chat/send', {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': cfg.csrf },
      body: JSON.stringify(m)
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) {
        if (r.ok) {
          outbox.shift();
          save();
          status('');
          backoff = 1000;
          pumping = false;
          if (body.ended) end(body.replies);
          else pump();
        } else if (r.status === 429) {
          retry((body.retry || 2) * 1000, body.error || t.web_too_fast);
        } else if (r.status === 401) {
          outbox = []; save(); location.reload();
        } else if (r.status >= 500) {
          retry(backoff, t.web_offline);
          backoff = Math.min(backoff * 2, 10000);
        } else {
          outbox.shift(); save(); pumping = false; pump(); // refused for good: go on
        }
      });
    }).catch(function () {
      retry(backoff, t.web_offline);
      backoff = Math.min(backoff * 2, 10000);
    });
  }

  // end shows the goodbye of /forget: nothing of the conversation is kept,
  // on the server or in this page.
  function end(replies) {
    ended = true;
    if (es) es.close();
    outbox = []; save();
    logEl.textContent = '';
    (replies || []).forEach(function (e) { fill(bubble('bot'), e, 0); });
    var el = bubble('bot');
    var p = document.createElement('p');
    p.textContent = t.web_ended;
    el.appendChild(p);
    var b = document.createElement('button');
    b.type = 'button';
    b.textContent = t.web_restart;
    b.addEventListener('click', function () { location.replace('/chat/'); });
    var rows = document.createElement('div');
    rows.className = 'rows';
    rows.appendChild(b);
    el.appendChild(rows);
    form.hidden = true;
    b.focus();
  }

  // begin starts the conversation (with the link's code) unless the page
  // already shows one or still has messages to send.
  function begin() {
    started = true;
    if (cfg.start) enqueue({ kind: 'text', text: '/start ' + cfg.start, quiet: true });
    else if (last === 0 && !outbox.length) enqueue({ kind: 'text', text: '/start', quiet: true });
  }

  function connect() {
    if (ended) return;
    es = new EventSource('/chat/events?after=' + last);
    es.addEventListener('m', function (ev) { show(JSON.parse(ev.data), parseInt(ev.lastEventId, 10)); });
    es.addEventListener('ready', function () {
      status('');
      backoff = 1000;
      if (started) return;
      begin();
      pump();
    });
    es.addEventListener('end', function () { end([]); });
    es.onerror = function () {
      if (es.readyState === EventSource.CLOSED) {
        // The browser gave up (the server answered with an error): open a
        // new stream from where this page is.
        status(t.web_offline);
        setTimeout(connect, backoff);
        backoff = Math.min(backoff * 2, 10000);
      } else {
        status(t.web_offline);
      }
    };
    es.onopen = function () { status(''); };
  }

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var text = input.value;
    if (!text.trim() || ended) return;
    input.value = '';
    var m = { kind: 'text', text: text };
    enqueue(m);
    var b = bubble('me pending');
    var p = document.createElement('p');
    p.textContent = text;
    b.appendChild(p);
    pending[m.id] = b;
    scroll();
  });
  input.addEventListener('keydown', function (ev) {
    if (ev.key === 'Enter' && !ev.shiftKey) { ev.preventDefault(); form.requestSubmit(); }
  });

  function canPush() {
    return !!cfg.vapid && 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
  }

  function key(s) {
    var raw = atob(s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4));
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }

  function allowPush() {
    navigator.serviceWorker.register('/chat/sw.js', { scope: '/chat/' })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function (reg) {
        return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key(cfg.vapid) });
      })
      .then(function (sub) {
        return fetch('/chat/push', {
          method: 'POST', credentials: 'same-origin',
          headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': cfg.csrf },
          body: JSON.stringify({ sub: sub.toJSON() })
        });
      })
      .then(function (r) { if (r.ok) { status(''); pushBtn.hidden = true; statusEl.textContent = t.web_push_on; } })
      .catch(function () { status(Notification.permission === 'denied' ? t.web_push_denied : t.web_offline); });
  }

  // Carry the conversation over to Telegram: a one-time link, shown as a
  // message of its own with a big button.
  var tgBtn = document.getElementById('tg');
  if (cfg.tg) {
    tgBtn.hidden = false;
    tgBtn.addEventListener('click', function () {
      fetch('/chat/telegram', { method: 'POST', credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': cfg.csrf }, body: '{}' })
        .then(function (r) { return r.json().then(function (b) { return { ok: r.ok, b: b }; }); })
        .then(function (res) {
          var el = bubble('bot');
          var p = document.createElement('p');
          p.textContent = res.ok ? res.b.text : (res.b.error || t.web_offline);
          el.appendChild(p);
          if (res.ok) {
            var a = document.createElement('a');
            a.className = 'big primary';
            a.id = 'tg-open';
            a.href = res.b.url;
            a.rel = 'noopener';
            a.textContent = res.b.open;
            var rows = document.createElement('div');
            rows.className = 'rows';
            rows.appendChild(a);
            el.appendChild(rows);
          }
          scroll();
        })
        .catch(function () { status(t.web_offline); });
    });
  }

  if (canPush() && Notification.permission === 'default') {
    pushBtn.hidden = false;
    pushBtn.addEventListener('click', allowPush);
  }
  if (cfg.start || cfg.hint) history.replaceState(null, '', '/chat/');
  // A new session has nothing to show: its first message need not wait
  // for the stream to say where the page is.
  if (cfg.fresh) begin();
  connect();
  pump();
})();
