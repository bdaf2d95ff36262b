/* gongkai kiosk (触摸屏): the attract loop, touch navigation, the idle return and safe refresh.
 *
 * The page holds everything it shows (gongkai/kiosk.py); this script only shows, hides and counts.
 * Timings come from the page (data-* on <body>, written from mkdocs.yml); ?slide=&idle=&warn=&poll=
 * (seconds) override them for the rest of the session, so nobody edits code to change them.
 *
 * Never a broken screen: it leaves a page only for a page that answered, and reloads only while
 * the loop runs, when kiosk/version.json answered with a version other than the page's, and the
 * page itself answered too; once per version, so a stale copy can never start a reload loop.
 */
(function () {
  "use strict";

  var HOME = "gk-kiosk-home", TIMINGS = "gk-kiosk-timings", RELOADED = "gk-kiosk-reloaded";
  var doc = document, root = doc.documentElement, body = doc.body;
  var store = session();
  var cfg = timings();
  var here = location.pathname + location.search;
  if (body.hasAttribute("data-entry") && !store.getItem(HOME)) store.setItem(HOME, here);
  var home = store.getItem(HOME) || here; // the page the screen was started on: an idle screen goes back to it
  var built = body.getAttribute("data-version"), versionUrl = body.getAttribute("data-version-url");
  var slides = all(".gk-k-slide"), panels = all(".gk-k-panel"), tabs = all("[data-panel]");
  var warnBox = one(".gk-k-warn"), countdown = one(".gk-k-countdown");
  var counter = one(".gk-k-count"), status = one(".gk-k-status"), homeLink = one(".gk-k-home");
  var current = 0, timers = {}, swallowUntil = 0;

  function all(selector) { return Array.prototype.slice.call(doc.querySelectorAll(selector)); }
  function one(selector) { return doc.querySelector(selector); }
  function later(name, fn, ms) { clearTimeout(timers[name]); timers[name] = setTimeout(fn, ms); }
  function stop(name) { clearTimeout(timers[name]); }
  function state(s) { if (s) root.setAttribute("data-kiosk", s); return root.getAttribute("data-kiosk"); }

  function session() {
    // Without sessionStorage nothing survives a reload: the screen then never reloads (see poll).
    try {
      var s = window.sessionStorage;
      s.setItem(RELOADED + "-probe", "1");
      s.removeItem(RELOADED + "-probe");
      return s;
    } catch (e) {
      var m = {};
      return { lost: true, getItem: function (k) { return k in m ? m[k] : null; },
               setItem: function (k, v) { m[k] = String(v); }, removeItem: function (k) { delete m[k]; } };
    }
  }

  function seconds(value) {
    var n = parseFloat(value);
    return n > 0 && n < 1e6 ? Math.max(n * 1000, 100) : 0;
  }

  function timings() {
    var query = new URLSearchParams(location.search), saved, out = {};
    try { saved = JSON.parse(store.getItem(TIMINGS)) || {}; } catch (e) { saved = {}; }
    ["slide", "idle", "warn", "poll"].forEach(function (key) {
      if (seconds(query.get(key))) saved[key] = query.get(key);
      out[key] = seconds(saved[key]) || seconds(body.getAttribute("data-" + key)) || 60000;
    });
    store.setItem(TIMINGS, JSON.stringify(saved));
    return out;
  }

  // -- the attract loop, and the navigation behind a touch ---------------------------------

  function show(i) {
    current = (i + slides.length) % slides.length;
    slides.forEach(function (s, n) { s.hidden = n !== current; });
    root.setAttribute("data-slide", String(current));
    if (counter) counter.textContent = "第 " + (current + 1) + " 条，共 " + slides.length + " 条";
  }

  function advance() { show(current + 1); later("slide", advance, cfg.slide); }

  function loop() {
    stop("warn"); warnBox.hidden = true;
    state("loop"); show(current); later("slide", advance, cfg.slide);
    if (home !== here) idle(); else stop("idle"); // away from home, an untouched screen goes back
  }

  function browse() {
    stop("slide"); stop("warn"); warnBox.hidden = true;
    state("nav"); idle();
  }

  function idle() {
    stop("warn");
    if (slides.length || home !== here) later("idle", warn, cfg.idle);
  }

  function warn() {
    var end = Date.now() + cfg.warn, where = home !== here ? "首页" : "轮播";
    state("warn"); warnBox.hidden = false;
    (function tick() {
      var left = end - Date.now();
      if (left <= 0) { back(); return; }
      countdown.textContent = Math.ceil(left / 1000) + " 秒后回到" + where;
      later("warn", tick, left % 1000 || 1000);
    })();
  }

  function back() {
    if (home === here) loop();
    else go(home, slides.length ? loop : browse);
  }

  function open(key) {
    panels.forEach(function (p) { p.hidden = p.id !== key; p.scrollTop = 0; });
    tabs.forEach(function (t) { t.setAttribute("aria-pressed", String(t.getAttribute("data-panel") === key)); });
  }

  // -- touch: any touch or key means someone is here ----------------------------------------

  function wake(e) {
    var s = state();
    if (s === "loop" || s === "warn") {
      swallowUntil = e.type === "pointerdown" ? Date.now() + 1000 : 0; // the waking tap presses nothing
      browse();
    } else {
      swallowUntil = 0;
      idle();
    }
  }

  function keepAwake() { if (state() === "nav") idle(); }

  function press(e) {
    if (Date.now() < swallowUntil) { swallowUntil = 0; e.preventDefault(); e.stopPropagation(); return; }
    var t = e.target.closest ? e.target.closest("[data-panel], [data-action], a[href]") : null;
    if (!t) return;
    if (t.hasAttribute("data-panel")) open(t.getAttribute("data-panel"));
    else if (t.getAttribute("data-action") === "loop") loop();
    else if (t.getAttribute("data-action") === "browse") browse();
    else if (t.origin === location.origin) { e.preventDefault(); go(t.href); }
  }

  // -- leaving the page, and reloading it, only for a page that answers -----------------------

  function say(text) {
    status.textContent = text;
    later("say", function () { status.textContent = ""; }, 6000);
  }

  function go(href, failed) {
    fetch(href, { method: "HEAD", cache: "no-store" }).then(function (r) {
      if (!r.ok) throw new Error(String(r.status));
      location.assign(href);
    }).catch(function () {
      say("网络暂时不通，请稍后再试");
      if (failed) failed();
    });
  }

  function poll() {
    var control = window.AbortController ? new AbortController() : null;
    var giveUp = setTimeout(function () { if (control) control.abort(); }, 15000);
    var options = { cache: "no-store", signal: control ? control.signal : undefined };
    fetch(versionUrl, options).then(function (r) {
      if (!r.ok) throw new Error(String(r.status));
      return r.json();
    }).then(function (data) {
      var v = data && typeof data.version === "string" ? data.version : "";
      if (v && v === built) store.removeItem(RELOADED);
      if (!v || v === built || store.lost || store.getItem(RELOADED) === v || state() !== "loop") return;
      return fetch(location.href, options).then(function (r) {
        if (!r.ok || state() !== "loop") return;
        store.setItem(RELOADED, v);
        location.reload();
      });
    }).catch(function () {
      // no server, no network, no JSON: the screen stays as it is
    }).then(function () {
      clearTimeout(giveUp);
      marks();
      later("poll", poll, cfg.poll);
    });
  }

  function marks() {
    // today's entry of the duty roster (the days were worked out at build time)
    var day = String(new Date().getDay());
    all("[data-days]").forEach(function (li) {
      li.classList.toggle("gk-k-today", li.getAttribute("data-days").split(" ").indexOf(day) >= 0);
    });
  }

  doc.addEventListener("pointerdown", wake, true);
  doc.addEventListener("keydown", wake, true);
  ["wheel", "scroll", "touchmove"].forEach(function (type) {
    doc.addEventListener(type, keepAwake, { capture: true, passive: true });
  });
  doc.addEventListener("click", press, true);
  if (homeLink && home !== here) { homeLink.href = home; homeLink.hidden = false; }
  if (tabs.length) open(tabs[0].getAttribute("data-panel"));
  marks();
  if (slides.length && home === here) loop(); else browse(); // a page reached by touch opens on its board
  later("poll", poll, cfg.poll);
})();
