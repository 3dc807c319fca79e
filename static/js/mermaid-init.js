/* Draws <pre class="mermaid"> diagrams. securityLevel "strict" keeps labels as text. The page that
   loads this allows inline styles (mermaid writes a <style> into its SVG); scripts stay 'self' only. */
(function () {
  "use strict";
  if (typeof window.mermaid === "undefined") { return; }
  window.mermaid.initialize({ startOnLoad: true, securityLevel: "strict", theme: "base", state: { useMaxWidth: false },
    themeVariables: { fontFamily: "Pretendard GOV, sans-serif" } });
})();
