"""The embed's only assets, inline: its style, the script that reports its height, and embed.js for script tags."""
from __future__ import annotations

STYLE = """\
:root{--ink:#1a1a1a;--muted:#4a4a4a;--accent:#0b4f8a;--line:#d0d0d0;--paper:#fff}
*{box-sizing:border-box}
body{margin:0;padding:.75rem;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--paper)}
a{color:var(--accent)}
a:focus-visible{outline:3px solid #e08a00;outline-offset:2px}
header{display:flex;align-items:center;gap:.5rem;border-bottom:2px solid var(--accent);padding-bottom:.4rem}
.mark{display:inline-flex;align-items:center;gap:.35rem;font-weight:700;color:var(--accent);text-decoration:none}
.mark i{display:inline-block;width:1rem;height:1rem;border-radius:3px;background:var(--accent)}
h1{font-size:1rem;margin:0;font-weight:600;color:var(--muted)}
h2{font-size:1rem;margin:.9rem 0 .3rem}
ul{list-style:none;margin:0;padding:0}
li{border-bottom:1px solid var(--line);padding:.45rem 0}
li a{font-weight:600}
.meta{display:block;color:var(--muted);font-size:.88rem}
.tag{border:1px solid var(--accent);color:var(--accent);border-radius:1rem;padding:0 .4rem;font-size:.78rem;margin-left:.25rem}
.empty{color:var(--muted)}
footer{margin-top:.75rem;font-size:.9rem}
@media (max-width:30rem){body{padding:.5rem;font-size:14px}header{flex-wrap:wrap}}
"""

# Tells the page that framed us how tall our content is (scrollHeight would be at least the frame's height), so embed.js can size the iframe (no data leaves but a number).
RESIZE_SCRIPT = (
    "(function(){function s(){parent.postMessage({bedigitalEmbed:1,height:Math.ceil(document.documentElement.getBoundingClientRect().height)},'*')}"
    "addEventListener('load',s);addEventListener('resize',s)})();"
)

EMBED_JS = """\
/* bedigital.brussels embeddable agenda: <script src="https://bedigital.brussels/embed/embed.js" data-theme="ai" data-lang="fr" async></script> */
(function () {
  var script = document.currentScript;
  if (!script || !script.src) return;
  var origin = new URL(script.src).origin;
  var params = new URLSearchParams();
  ["theme", "partner", "audience", "kind", "lang", "limit"].forEach(function (name) {
    var value = script.getAttribute("data-" + name);
    if (value) params.set(name, value);
  });
  var frame = document.createElement("iframe");
  frame.src = origin + "/embed?" + params.toString();
  frame.title = script.getAttribute("data-title") || "bedigital.brussels";
  frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
  frame.style.cssText = "width:100%;border:0;height:" + (parseInt(script.getAttribute("data-height"), 10) || 480) + "px";
  script.parentNode.insertBefore(frame, script.nextSibling);
  window.addEventListener("message", function (event) {
    if (event.origin !== origin || event.source !== frame.contentWindow) return;
    var data = event.data;
    if (data && data.bedigitalEmbed === 1 && typeof data.height === "number") {
      frame.style.height = Math.min(Math.max(data.height, 120), 5000) + "px";
    }
  });
})();
"""
