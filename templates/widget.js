/* Vigil's status widget for your own site: while an incident or maintenance is under way
   it shows a small banner (title, status, a link to the details), otherwise nothing.
     <script src="https://status.example.com/widget.js" async></script>
   adds a floating banner; or place <vigil-status></vigil-status> (src="…" to name the
   status page) where it should show. It reads status-live.json from the status page:
   your Content-Security-Policy needs its origin in script-src and connect-src. No
   dependencies, nothing stored but a dismissed banner (for the session). */
(() => {
  "use strict";
  const NAME = "vigil-status";
  if (!window.customElements || customElements.get(NAME)) return;
  const script = document.currentScript;
  const home = script && script.src ? new URL(".", script.src).href : "";
  const CSS = `:host{display:block;font:14px/1.4 system-ui,sans-serif}
:host([hidden]){display:none}
.box{display:flex;gap:.6em;align-items:flex-start;box-sizing:border-box;max-width:32rem;
padding:.7em .9em;border-radius:8px;border-left:5px solid var(--c);background:#fff;color:#1f2328;
box-shadow:0 2px 10px rgba(0,0,0,.18)}
:host([floating]) .box{position:fixed;left:1rem;bottom:1rem;z-index:2147483000;
max-width:min(32rem,calc(100vw - 2rem))}
ul{list-style:none;margin:0;padding:0;flex:1}li+li{margin-top:.4em}
strong{font-weight:600}.s{color:#57606a}a{color:#0550ae}
button{background:none;border:0;color:inherit;font:inherit;font-size:1.3em;line-height:1;
cursor:pointer;padding:0 .2em;min-width:24px;min-height:24px}
.incident,.outage{--c:#cf222e}.minor{--c:#bf8700}.maintenance{--c:#0969da}
@media (prefers-color-scheme:dark){.box{background:#161b22;color:#e6edf3}
.s{color:#9198a1}a{color:#79c0ff}}
@media (prefers-reduced-motion:no-preference){.box{animation:in .25s ease-out}
@keyframes in{from{opacity:0;transform:translateY(.5em)}}}`;

  const make = (tag, text, attrs) => {
    const node = document.createElement(tag);
    if (text) node.textContent = text;
    for (const key in attrs || {}) node.setAttribute(key, attrs[key]);
    return node;
  };
  const remembered = (key) => {
    try { return sessionStorage.getItem(NAME) === key; } catch (e) { return false; }
  };

  class VigilStatus extends HTMLElement {
    connectedCallback() {
      if (!this.shadowRoot) {
        const root = this.attachShadow({mode: "open"});
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(CSS);
        root.adoptedStyleSheets = [sheet];
      }
      this.hidden = true;
      this.load();
      this.timer = setInterval(() => document.hidden || this.load(), 60000);
    }
    disconnectedCallback() { clearInterval(this.timer); }
    async load() {
      const page = new URL(this.getAttribute("src") || home || ".", location.href);
      if (!page.pathname.endsWith("/")) page.pathname += "/";
      let live;
      try {
        const answer = await fetch(new URL("status-live.json", page), {credentials: "omit"});
        if (!answer.ok) return;
        live = await answer.json();
      } catch (e) {
        return; // offline or not allowed: say nothing rather than something wrong
      }
      this.show(live, page);
    }
    show(live, page) {
      const active = (live.active || []).slice(0, 3);
      const key = active.map((i) => i.id + ":" + i.status_text).join("|");
      const root = this.shadowRoot;
      this.dataset.active = active.length; // a hook for your CSS (and the tests)
      if (!active.length || remembered(key)) {
        root.replaceChildren();
        this.hidden = true;
        return;
      }
      const words = live.words || {};
      const box = make("div", "", {role: "status", "aria-label": words.label || "Status"});
      box.className = "box " + active[0].kind + " " + active[0].impact;
      const list = make("ul");
      for (const item of active) {
        const line = make("li");
        const link = make("a", words.details || "Details", {href: new URL(item.href, page).href});
        line.append(make("strong", item.title), " ", make("span", item.status_text, {class: "s"}),
          " ", link);
        list.append(line);
      }
      const close = make("button", "×", {type: "button", "aria-label": words.dismiss || "Dismiss"});
      close.addEventListener("click", () => {
        try { sessionStorage.setItem(NAME, key); } catch (e) { /* private mode */ }
        this.show(live, page);
      });
      box.append(list, close);
      root.replaceChildren(box);
      this.hidden = false;
    }
  }
  customElements.define(NAME, VigilStatus);

  const place = () => {
    if (document.querySelector(NAME)) return;
    const banner = document.createElement(NAME);
    banner.setAttribute("floating", "");
    document.body.append(banner);
  };
  if (script && !script.hasAttribute("data-manual")) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", place);
    else place();
  }
})();
