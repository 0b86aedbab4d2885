/* brief.html behaviour. Everything works without it: citations are plain anchors to <mark>
   elements and every chart has a <noscript> table. Included by brief.html.j2 as a Jinja
   template: never write a brace followed by a brace, percent sign or hash here. */
(function () {
  "use strict";

  /* A cited passage may be cut into several <mark> pieces (it overlaps another or runs across
     paragraphs); all pieces share data-span, the first carries the id. */
  function flash(target) {
    document.querySelectorAll("mark.flash").forEach(function (mark) {
      mark.classList.remove("flash");
    });
    var key = target.getAttribute("data-span");
    var pieces = key
      ? document.querySelectorAll('mark[data-span="' + CSS.escape(key) + '"]')
      : [target];
    Array.prototype.forEach.call(pieces, function (mark) {
      void mark.offsetWidth; /* restart the animation when the same passage is clicked again */
      mark.classList.add("flash");
    });
  }

  function markFor(hash) {
    if (!hash || hash.length < 2) return null;
    var element = document.getElementById(decodeURIComponent(hash.slice(1)));
    return element && element.tagName === "MARK" ? element : null;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest('a[href^="#"]') : null;
    var mark = link ? markFor(link.hash) : null;
    if (mark) flash(mark);
  });
  window.addEventListener("hashchange", function () {
    var mark = markFor(window.location.hash);
    if (mark && !mark.classList.contains("flash")) flash(mark);
  });
  var initial = markFor(window.location.hash);
  if (initial) flash(initial);

  /* Charts: each figure holds its Vega-Lite spec as JSON. `ast: true` makes vega evaluate
     expressions with its interpreter instead of `new Function`, which the page's
     Content-Security-Policy forbids. */
  var figures = Array.prototype.slice.call(document.querySelectorAll("figure.chart"));
  function finished(rendered, failed) {
    document.body.dataset.chartsFailed = String(failed);
    document.body.dataset.chartsRendered = String(rendered);
  }
  if (!figures.length) {
    finished(0, 0);
    return;
  }
  if (typeof vegaEmbed === "undefined") {
    console.error("newsprism: the chart library did not load");
    finished(0, figures.length);
    return;
  }
  Promise.allSettled(
    figures.map(function (figure) {
      var spec = JSON.parse(figure.querySelector('script[type="application/json"]').textContent);
      return vegaEmbed(figure.querySelector(".chart-view"), spec, {
        actions: false,
        renderer: "svg",
        ast: true,
      });
    })
  ).then(function (results) {
    var failed = results.filter(function (result) {
      if (result.status === "rejected") console.error("newsprism: a chart failed:", result.reason);
      return result.status === "rejected";
    }).length;
    finished(results.length - failed, failed);
  });
})();
