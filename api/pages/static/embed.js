// Draws the page's inline Vega-Lite specification with vega-embed: tooltips, zoom and pan.
// No eval (the Content-Security-Policy forbids it): Vega runs its expression interpreter.
(function () {
  "use strict";
  var host = document.getElementById("chart");
  var spec = JSON.parse(document.getElementById("spec").textContent);
  window
    .vegaEmbed(host, spec, {
      renderer: "svg",
      ast: true,
      defaultStyle: false,
      actions: { export: true, source: false, compiled: false, editor: false },
      tooltip: { disableDefaultStyle: true },
    })
    .then(function (result) {
      host.setAttribute("data-rendered", "true");
      window.dleView = result.view;
    })
    .catch(function (error) {
      host.setAttribute("data-error", String(error));
      console.error(error);
    });
})();
