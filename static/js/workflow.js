// Renders <pre class="mermaid"> diagrams; strict security keeps labels as text.
document.addEventListener("DOMContentLoaded", function () {
  if (!window.mermaid) { return; }
  window.mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: "neutral" });
  window.mermaid.run({ querySelector: "pre.mermaid" });
});
