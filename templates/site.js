(function () {
  "use strict";
  var doc = document, root = doc.documentElement;
  var text = JSON.parse(doc.getElementById("vigil-text").textContent);
  var REFRESH_MS = 30000;

  // Theme toggle, remembered in localStorage.
  var toggle = doc.querySelector("[data-theme-toggle]");
  if (toggle) {
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var dark = root.getAttribute("data-theme") === "dark" ||
        (!root.getAttribute("data-theme") && matchMedia("(prefers-color-scheme: dark)").matches);
      var next = dark ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try { localStorage.setItem("vigil-theme", next); } catch (e) { /* private mode */ }
    });
  }

  // Relative times ("3 min ago"), in the page's language.
  var relative = window.Intl && Intl.RelativeTimeFormat ? new Intl.RelativeTimeFormat(text.lang, { numeric: "auto" }) : null;
  function ago(iso) {
    var s = (new Date(iso).getTime() - Date.now()) / 1000, a = Math.abs(s);
    if (a < 60) return relative.format(Math.round(s), "second");
    if (a < 3600) return relative.format(Math.round(s / 60), "minute");
    if (a < 86400) return relative.format(Math.round(s / 3600), "hour");
    return relative.format(Math.round(s / 86400), "day");
  }
  function relativeTimes() {
    if (!relative) return;
    doc.querySelectorAll("time[data-relative]").forEach(function (el) {
      if (!el.title) el.title = el.textContent;
      el.textContent = ago(el.getAttribute("datetime"));
    });
  }

  // "Data may be stale" when the newest result is older than 3 check intervals.
  function staleCheck(newest, after) {
    var box = doc.querySelector("[data-stale]");
    if (!box || !newest) return;
    box.hidden = Date.now() - new Date(newest).getTime() <= after * 1000;
  }

  // Uptime window switcher: 90 days without script, 24h / 7d / 30d / 90d with it.
  var windows = doc.querySelector("[data-windows]");
  if (windows) {
    windows.hidden = false;
    windows.addEventListener("click", function (event) {
      var w = event.target.getAttribute && event.target.getAttribute("data-window");
      if (!w) return;
      windows.querySelectorAll("button").forEach(function (b) { b.setAttribute("aria-pressed", String(b === event.target)); });
      doc.querySelectorAll("[data-uptime]").forEach(function (el) {
        el.textContent = el.textContent.replace(el.getAttribute("data-shown") || el.getAttribute("data-w90d"), el.getAttribute("data-w" + w));
        el.setAttribute("data-shown", el.getAttribute("data-w" + w));
      });
    });
  }

  // Auto-refresh: statuses updated in place every 30 s while the tab is visible.
  var meta = doc.querySelector('meta[name="vigil-live"]');
  var liveUrl = meta && meta.content;
  function setState(el, state) {
    el.className = el.className.replace(/\bstate-\w+/, "state-" + state);
    var icon = el.querySelector("use");
    if (icon) icon.setAttribute("href", "#i-" + (state in text.states ? state : "down"));
  }
  function apply(live) {
    Object.keys(live.monitors).forEach(function (id) {
      var m = live.monitors[id];
      doc.querySelectorAll('[data-monitor="' + id + '"] [data-status]').forEach(function (el) {
        setState(el, m.state);
        el.querySelector("[data-status-text]").textContent = text.states[m.state];
      });
    });
    var overall = doc.querySelector("[data-overall]");
    if (overall) {
      setState(overall, live.state);
      overall.querySelector("[data-headline]").textContent = text.headlines[live.state];
    }
    Object.keys(live.regions).forEach(function (id) {
      var el = doc.querySelector('[data-region="' + id + '"] time');
      if (el && live.regions[id]) el.setAttribute("datetime", live.regions[id]);
    });
    staleCheck(live.newest, live.stale_after_s);
    relativeTimes();
  }
  function refresh() {
    if (doc.hidden || !liveUrl) return;
    fetch(liveUrl, { cache: "no-store" }).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (live) { if (live) apply(live); }).catch(function () { /* offline: keep the page */ });
  }
  if (liveUrl && doc.querySelector("[data-overall]")) {
    setInterval(refresh, REFRESH_MS);
    doc.addEventListener("visibilitychange", function () { if (!doc.hidden) refresh(); });
  }

  // Progressive loading: the first 50 monitors are in the page, the rest come as one scrolls.
  var more = doc.querySelector("[data-more]");
  if (more && window.IntersectionObserver && window.DOMParser) {
    var observer = new IntersectionObserver(function (entries) {
      if (!entries.some(function (e) { return e.isIntersecting; })) return;
      observer.disconnect();
      fetch(more.href).then(function (r) { return r.text(); }).then(function (html) {
        var full = new DOMParser().parseFromString(html, "text/html");
        var anchor = more.parentNode;
        full.querySelectorAll("details.group").forEach(function (group) {
          var mine = doc.querySelector('details.group[data-group="' + group.getAttribute("data-group") + '"]');
          if (!mine) { anchor.parentNode.insertBefore(doc.importNode(group, true), anchor); return; }
          var list = mine.querySelector(".monitors");
          group.querySelectorAll("li.monitor").forEach(function (li) {
            if (!doc.getElementById(li.id)) list.appendChild(doc.importNode(li, true));
          });
        });
        anchor.remove();
        relativeTimes();
      });
    }, { rootMargin: "600px" });
    observer.observe(more);
  }

  // Embed: ?embed=title,banner,components,feed picks the sections (none: all).
  var embed = /[?&]embed=([^&]*)/.exec(location.search);
  if (embed && embed[1]) {
    var keep = decodeURIComponent(embed[1]).split(",").filter(function (k) {
      return ["title", "banner", "components", "feed"].indexOf(k) >= 0;
    });
    if (keep.length) doc.querySelectorAll("[data-embed-section]").forEach(function (el) {
      el.hidden = keep.indexOf(el.getAttribute("data-embed-section")) < 0;
    });
  }

  relativeTimes();
  var box = doc.querySelector("[data-stale]");
  if (box) staleCheck(box.getAttribute("data-newest"), Number(box.getAttribute("data-stale-after")));
})();
