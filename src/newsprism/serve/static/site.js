/* newsprism serve: every page works without this. On a story whose brief is being recomputed
   (a notice with data-status-url), it asks the server every few seconds whether the new brief is
   stored and then offers a link to it, instead of reloading under the reader's eyes. */
(function () {
  "use strict";
  var notice = document.querySelector(".notice[data-status-url]");
  if (!notice || !window.fetch) return;
  var url = notice.getAttribute("data-status-url");
  var shown = notice.getAttribute("data-updated") || null;
  var POLL_MS = 5000;

  function offerReload(text) {
    notice.textContent = text + " ";
    var link = document.createElement("a");
    link.href = window.location.pathname;
    link.textContent = "Show it";
    notice.appendChild(link);
  }

  function check() {
    fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (status) {
        if (status && status.updated_at && status.updated_at !== shown) {
          offerReload(shown ? "The brief has been updated with the new articles." : "The story's brief is ready.");
        } else if (status && !status.busy) {
          notice.textContent = "The analysis is done; nothing on this page changed.";
        } else {
          window.setTimeout(check, POLL_MS);
        }
      })
      .catch(function () {
        window.setTimeout(check, POLL_MS * 6);
      });
  }
  window.setTimeout(check, POLL_MS);
})();
