// Renders an agent's stored (already sanitized) HTML by building new DOM nodes from an
// allowlist: the markup is parsed in an inert document (DOMParser runs no script and loads
// no image) and only known elements and checked attributes are copied. Untrusted HTML is
// never assigned to the page.
"use strict";
(function () {
  const KEEP = new Set(["P", "BR", "STRONG", "B", "EM", "I", "U", "S", "CODE", "SPAN", "A",
    "H1", "H2", "H3", "UL", "OL", "LI", "TABLE", "THEAD", "TBODY", "TR", "TH", "TD", "IMG"]);
  // Dropped with everything inside them.
  const DROP = new Set(["SCRIPT", "STYLE", "TEMPLATE", "IFRAME", "OBJECT", "EMBED", "NOSCRIPT",
    "SVG", "MATH", "TITLE", "HEAD", "LINK", "META", "FORM", "TEXTAREA", "SELECT", "BUTTON"]);
  const COLOR = /^(#[0-9a-f]{3,8}|rgba?\(\s*\d{1,3}\s*,\s*\d{1,3}\s*,\s*\d{1,3}\s*(,\s*[0-9.]+\s*)?\)|[a-z]{3,20})$/i;
  // Pictures come by reference from this server (the chat's own image route), never inline.
  const IMAGE = /^\/api\/chats\/\d+\/images\/\d+\/\d+$/;
  const LINK = /^(https?:|mailto:)/i;

  function copy(from, to, depth) {
    if (depth > 40) return;
    for (const node of from.childNodes) {
      if (node.nodeType === Node.TEXT_NODE) {
        to.appendChild(document.createTextNode(node.data));
        continue;
      }
      if (node.nodeType !== Node.ELEMENT_NODE) continue;
      const tag = node.tagName.toUpperCase();
      if (DROP.has(tag)) continue;
      if (!KEEP.has(tag)) {
        copy(node, to, depth + 1); // unknown wrapper: keep its content only
        continue;
      }
      const el = document.createElement(tag.toLowerCase());
      if (tag === "A") {
        const href = (node.getAttribute("href") || "").trim();
        if (LINK.test(href)) {
          el.setAttribute("href", href);
          el.setAttribute("target", "_blank");
          el.setAttribute("rel", "noopener noreferrer nofollow");
        }
      } else if (tag === "IMG") {
        const src = node.getAttribute("src") || "";
        if (!IMAGE.test(src)) continue;
        el.setAttribute("src", src);
        el.setAttribute("alt", node.getAttribute("alt") || "image");
      } else if (tag === "SPAN") {
        const m = /(?:^|;)\s*color\s*:\s*([^;]+)/i.exec(node.getAttribute("style") || "");
        if (m && COLOR.test(m[1].trim())) el.style.color = m[1].trim();
      } else if (tag === "OL") {
        // The agent's numbering: "c." and "iv." as the console showed them.
        const type = node.getAttribute("type") || "";
        if (/^[1aAiI]$/.test(type)) el.setAttribute("type", type);
        const start = parseInt(node.getAttribute("start") || "", 10);
        if (start >= 1 && start <= 100000) el.setAttribute("start", String(start));
      } else if (tag === "TD" || tag === "TH") {
        for (const name of ["colspan", "rowspan"]) {
          const n = parseInt(node.getAttribute(name) || "", 10);
          if (n >= 1 && n <= 100) el.setAttribute(name, String(n));
        }
      }
      copy(node, el, depth + 1);
      to.appendChild(el);
    }
  }

  window.LW = window.LW || {};
  window.LW.renderHtml = function (html) {
    const doc = new DOMParser().parseFromString(String(html), "text/html");
    const out = document.createDocumentFragment();
    copy(doc.body, out, 0);
    return out;
  };
})();
