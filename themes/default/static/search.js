// The search page: queries the Pagefind index that `annex build` writes to
// pagefind/, from the static files alone (no server). Without JavaScript the
// form stays hidden and the page's <noscript> links to the indexes instead.
// The query and filters live in the address (?q=…&ground=…), so a search can
// be bookmarked and shared, and the form works as a plain GET form.
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  if (!form) return;
  var input = document.getElementById("search-q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
  var root = form.getAttribute("data-root") || "";
  var slugs = {};
  try { slugs = JSON.parse(form.getAttribute("data-ground-slugs") || "{}"); } catch (e) { slugs = {}; }
  var pagefind = null;
  var sequence = 0;

  form.hidden = false;

  function abs(rel) { return new URL(rel, window.location.href); }

  function load() {
    if (pagefind) return Promise.resolve(pagefind);
    var bundle = abs(form.getAttribute("data-bundle")).href;
    return import(bundle + "pagefind.js").then(function (pf) {
      // Result addresses start from the site's own path, so the site works
      // under a sub-path (/release/) as at the root.
      return pf.options({ baseUrl: abs(root).pathname, excerptLength: 24 }).then(function () {
        pagefind = pf;
        return pf;
      });
    });
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  // A badge group like the pages' own: the codes, each linking to its ground.
  function badges(codes) {
    var span = el("span", "redaction");
    span.setAttribute("data-grounds", codes.join(" "));
    codes.forEach(function (code, i) {
      if (i > 0) span.appendChild(document.createTextNode(" "));
      var c = el("span", "code");
      if (slugs[code]) {
        var a = el("a", null, code);
        a.href = root + "grounds/" + slugs[code] + "/";
        c.appendChild(a);
      } else {
        c.textContent = code;
      }
      span.appendChild(c);
    });
    return span;
  }

  function render(results, total) {
    list.textContent = "";
    results.forEach(function (r) {
      var li = el("li", "search-result");
      var h = el("h2");
      var a = el("a", null, (r.meta && r.meta.title) || r.url);
      a.href = r.url;
      h.appendChild(a);
      li.appendChild(h);
      var meta = el("p", "meta");
      meta.textContent = [r.meta.kind, r.meta.date].filter(Boolean).join(" · ");
      var codes = (r.meta.grounds || "").split(" ").filter(Boolean);
      if (codes.length) {
        if (meta.textContent) meta.appendChild(document.createTextNode(" · "));
        meta.appendChild(badges(codes));
      }
      li.appendChild(meta);
      // Pagefind's excerpt is escaped text with <mark> around the matches.
      var ex = el("p", "excerpt");
      ex.innerHTML = r.excerpt;
      li.appendChild(ex);
      var subs = (r.sub_results || []).filter(function (s) { return s.url !== r.url && s.url.indexOf("#") > 0; }).slice(0, 3);
      if (subs.length) {
        var ul = el("ul", "sub-results");
        subs.forEach(function (s) {
          var sli = el("li");
          var sa = el("a", null, s.title);
          sa.href = s.url;
          sli.appendChild(sa);
          var sx = el("span", "excerpt");
          sx.innerHTML = " " + s.excerpt;
          sli.appendChild(sx);
          ul.appendChild(sli);
        });
        li.appendChild(ul);
      }
      list.appendChild(li);
    });
    var shown = results.length < total ? " (showing the first " + results.length + ")" : "";
    status.textContent = total === 1 ? "1 page found" + shown + "." : total + " pages found" + shown + ".";
  }

  function run() {
    var q = input.value.trim();
    var filters = {};
    selects.forEach(function (s) { if (s.value) filters[s.getAttribute("data-filter")] = s.value; });
    var mine = ++sequence;
    if (!q && Object.keys(filters).length === 0) {
      list.textContent = "";
      status.textContent = "";
      return Promise.resolve();
    }
    status.textContent = "Searching…";
    return load().then(function (pf) {
      return pf.search(q || null, { filters: filters });
    }).then(function (search) {
      return Promise.all(search.results.slice(0, 30).map(function (r) { return r.data(); }))
        .then(function (data) { if (mine === sequence) render(data, search.results.length); });
    }).catch(function () {
      status.textContent = "Search could not load its index. Browse the meetings, documents and grounds from the menu instead.";
    });
  }

  function fromAddress() {
    var params = new URLSearchParams(window.location.search);
    input.value = params.get("q") || "";
    selects.forEach(function (s) { s.value = params.get(s.name) || ""; });
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var params = new URLSearchParams();
    if (input.value.trim()) params.set("q", input.value.trim());
    selects.forEach(function (s) { if (s.value) params.set(s.name, s.value); });
    var query = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
    run();
  });
  selects.forEach(function (s) { s.addEventListener("change", function () { form.requestSubmit(); }); });

  fromAddress();
  run();
})();
