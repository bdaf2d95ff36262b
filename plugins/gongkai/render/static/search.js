/* gongkai: the site's search page (search/index.html; gongkai/search.py writes its index).
   Nothing is fetched until a villager starts a search. Then search/index.json (places, the
   hand-written pages, the synonyms, the list of township pieces) and the records of the township
   the villager came from; the other townships' records when asked, or, with no township to start
   from, one after another with the progress shown. Text is matched as written (no word cutting):
   "修路" also finds what its synonyms find. Every text goes into the page as text, never HTML. */
(function () {
  "use strict";
  var form = document.querySelector("form.gk-search");
  if (!form) return;
  var box = document.getElementById("gk-q");
  var status = document.getElementById("gk-status");
  var list = document.getElementById("gk-results");
  var moreWrap = document.getElementById("gk-more-wrap");
  var more = document.getElementById("gk-more");
  var wider = document.getElementById("gk-wider");
  var indexUrl = new URL(form.getAttribute("data-index"), location.href);
  var root = new URL("../", indexUrl).href;
  var PAGE = 20;
  var AUTO = Number(form.getAttribute("data-auto"));  // bytes of records fetched without asking

  var index = null, indexLoading = null;
  var shards = {};  // file -> promise of its lines
  var loaded = {};  // file -> its lines, once here
  var everywhere = false;  // the villager asked for every township's records
  var run = 0;  // the search in progress: an older one stops when a newer starts
  var shown = PAGE;

  // Where the villager came from: a village's or township's page of this site (or ?in=).
  var here = new URLSearchParams(location.search).get("in") || "";
  if (!here && document.referrer && document.referrer.indexOf(root) === 0) {
    here = document.referrer.slice(root.length).split(/[?#]/)[0];
  }

  function norm(s) { return String(s).toLowerCase().replace(/[\s\u3000\-\u2010-\u2015\u00b7_]+/g, ""); }

  function fetchJson(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    });
  }

  function loadIndex() {
    if (!indexLoading) {
      indexLoading = fetchJson(indexUrl.href).then(function (data) {
        index = data;
        index.placeDocs = data.places.map(function (p) {
          return { u: p[0], t: p[1], x: p[2], c: "", h: norm(p[1] + " " + p[2]), k: "place" };
        });
        index.pageDocs = data.pages.map(function (p) {
          return { u: p[0], t: p[1], x: p[2], c: "", h: norm(p[1] + " " + p[2]), k: "page" };
        });
        index.keys = Object.keys(data.words).sort(function (a, b) { return b.length - a.length; });
        return index;
      });
    }
    return indexLoading;
  }

  function loadShard(shard) {
    if (!shards[shard.file]) {
      shards[shard.file] = fetchJson(new URL(shard.file, indexUrl).href).then(function (data) {
        loaded[shard.file] = data.docs.map(function (d) {
          // the text starts with the village's name, kept once per township (its folder: the path's first)
          var x = data.villages[d[0].split("/")[0]] + " · " + d[2];
          return { u: data.at + d[0], t: d[1], x: x, c: d[3], h: norm(d[1] + " " + x + " " + d[3]), k: "record" };
        });
        return loaded[shard.file];
      });
    }
    return shards[shard.file];
  }

  function homeShard() {
    if (!here) return null;
    var best = null;
    index.shards.forEach(function (s) {
      if (here.indexOf(s.at) === 0 && (!best || s.at.length > best.at.length)) best = s;
    });
    return best;
  }

  // A term matches a text holding it, or one of its synonyms, or (for "修路补贴") its known words.
  function matcher(term, depth) {
    var alts = [term].concat(index.words[term] || []).map(norm).filter(Boolean);
    var splits = [];
    if (depth < 2) {
      index.keys.forEach(function (k) {
        var at = term.indexOf(k);
        if (k === term || at < 0) return;
        var rest = [term.slice(0, at), term.slice(at + k.length)].filter(Boolean);
        splits.push([matcher(k, depth + 1)].concat(rest.map(function (r) { return matcher(r, depth + 1); })));
      });
    }
    return function (h) {
      for (var i = 0; i < alts.length; i++) if (h.indexOf(alts[i]) >= 0) return true;
      return splits.some(function (all) { return all.every(function (m) { return m(h); }); });
    };
  }

  function terms(q) {
    return q.split(/[\s\u3000,，、;；]+/).filter(Boolean);
  }

  function find(q) {
    var ts = terms(q);
    var ms = ts.map(function (t) { return matcher(t, 0); });
    var titles = ts.map(function (t) { return norm(t); });
    var home = homeShard();
    var docs = index.placeDocs.slice();
    var order = index.shards.slice();
    if (home) order.sort(function (a, b) { return (b === home) - (a === home); });
    order.forEach(function (s) { if (loaded[s.file]) docs = docs.concat(loaded[s.file]); });
    docs = docs.concat(index.pageDocs);
    var hits = [];
    docs.forEach(function (d, i) {
      if (!ms.every(function (m) { return m(d.h); })) return;
      var score = 0;
      if (titles.every(function (t) { return norm(d.t).indexOf(t) >= 0; })) score += 2;
      if (d.k === "place") score += 3;
      if (here && d.u.indexOf(here.replace(/[^/]*$/, "")) === 0 && d.k === "record") score += 1;
      hits.push({ d: d, score: score, i: i });
    });
    hits.sort(function (a, b) { return b.score - a.score || a.i - b.i; });
    return hits.map(function (h) { return h.d; });
  }


  function show(q, hits, note) {
    list.textContent = "";
    hits.slice(0, shown).forEach(function (d) {
      var li = document.createElement("li");
      li.className = "gk-hit";
      var a = document.createElement("a");
      a.href = /^https?:\/\//.test(d.u) ? d.u : root + d.u;  // a county site elsewhere, from the portal
      a.className = "gk-hit-title";
      a.textContent = d.t;
      li.appendChild(a);
      var meta = document.createElement("span");
      meta.className = "gk-meta";
      meta.textContent = (d.k === "page" ? "网站说明 · " : "") + d.x;
      li.appendChild(meta);
      if (d.c) {
        var code = document.createElement("span");
        code.className = "gk-meta gk-hit-code";
        code.textContent = "核对码 " + d.c.split(" ")[0];
        li.appendChild(code);
      }
      list.appendChild(li);
    });
    var words = "“" + q + "”";
    // which other words were searched too, so that a villager sees why 道路硬化 answers 修路
    var also = terms(q).filter(function (t) { return (index.words[t] || []).length; }).map(function (t) {
      return "“" + t + "”也搜了" + index.words[t].join("、");
    });
    status.textContent = (hits.length ? "找到 " + hits.length + " 条" + words : "没有找到" + words) +
      (also.length ? "（" + also.join("；") + "）" : "") + (note ? "。" + note : "");
    moreWrap.hidden = true;
    if (hits.length > shown) {
      more.textContent = "再显示 " + Math.min(PAGE, hits.length - shown) + " 条";
      more.onclick = function () { shown += PAGE; show(q, hits, note); };
      moreWrap.hidden = false;
    }
  }

  function sum(shards) { return shards.reduce(function (n, s) { return n + s.bytes; }, 0); }

  function size(bytes) {
    var kb = bytes / 1024;
    return kb < 1000 ? Math.max(1, Math.round(kb)) + " KB" : (kb / 1024).toFixed(1) + " MB";
  }

  function search(q) {
    q = q.trim();
    var mine = ++run;
    shown = PAGE;
    wider.hidden = true;
    if (!q) {
      list.textContent = "";
      status.textContent = "";
      moreWrap.hidden = true;
      return;
    }
    status.textContent = "正在搜索……";
    loadIndex().then(function () {
      if (mine !== run) return;
      var home = homeShard();
      var todo = index.shards.filter(function (s) { return !loaded[s.file]; });
      if (home && !everywhere) todo = todo.filter(function (s) { return s === home; });
      // from outside any township: every township's records, unless that is more than a phone should
      // fetch unasked (a county's are megabytes): then the places and guides, and the choice
      if (!home && !everywhere && sum(todo) > AUTO) todo = [];
      if (home) todo.sort(function (a, b) { return (b === home) - (a === home); });
      var total = todo.length, done = 0;
      function step() {
        if (mine !== run) return;
        if (!todo.length) return finish();
        show(q, find(q), "正在搜索各乡镇的记录：" + done + " / " + total);
        return loadShard(todo.shift()).then(function () { done++; return step(); });
      }
      function finish() {
        var rest = index.shards.filter(function (s) { return !loaded[s.file]; });
        var note = "";
        if (rest.length) {
          var cost = "（要下载约 " + size(sum(rest)) + "）";
          if (home) {
            note = "只搜了" + home.name + "的记录";
            wider.textContent = "在其他 " + rest.length + " 个乡镇的记录里也搜一搜" + cost;
          } else {
            note = "这是村名、乡镇名和网站说明里找到的；各村的记录还没有搜";
            wider.textContent = "在全部 " + rest.length + " 个乡镇的记录里搜" + cost;
          }
          wider.onclick = function () { everywhere = true; search(box.value); };
        }
        wider.hidden = !rest.length;
        show(q, find(q), note);
      }
      return step();
    }).catch(function () {
      if (mine === run) status.textContent = "搜索的数据没有载入，请检查网络后再试一次。";
    });
  }

  var timer = null;
  box.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { search(box.value); }, 300);
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    clearTimeout(timer);
    var url = new URL(location.href);
    url.searchParams.set("q", box.value.trim());
    history.replaceState(null, "", url.href);
    search(box.value);
  });
  var asked = new URLSearchParams(location.search).get("q");
  if (asked) {
    box.value = asked;
    search(asked);
  }
})();
