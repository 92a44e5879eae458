// Nära: live lists. An element with data-live-src="/path" is reloaded from that path (an HTML fragment,
// fetched through the access policy like any page) when the server says something changed — nobody polls.
// A polite status line tells screen-reader users that the list changed.
(function () {
  "use strict";
  var regions = document.querySelectorAll("[data-live-src]");
  if (!regions.length || !window.EventSource || !window.fetch) { return; }
  var status = document.getElementById("live-status");
  var pending = null;

  function say(text) { if (status) { status.textContent = text; } }

  function reload(announce) {
    regions.forEach(function (region) {
      fetch(region.getAttribute("data-live-src"), {credentials: "same-origin", headers: {"Accept": "text/html"}})
        .then(function (response) {
          if (response.status === 401) { window.location.reload(); return null; }
          return response.ok ? response.text() : null;
        })
        .then(function (html) {
          if (html === null) { return; }
          region.innerHTML = html;
          region.setAttribute("data-live-updated", String(Date.now()));
          if (announce) {
            say((region.getAttribute("data-live-label") || "Listan") + " uppdaterades " +
                new Date().toLocaleTimeString("sv-SE", {hour: "2-digit", minute: "2-digit"}) + ".");
          }
        })
        .catch(function () { say("Kunde inte uppdatera listan. Försöker igen."); });
    });
  }

  function schedule(announce) {
    if (pending) { window.clearTimeout(pending); }
    pending = window.setTimeout(function () { pending = null; reload(announce); }, 150);
  }

  var source = new EventSource("/live");
  var first = true;
  source.addEventListener("ready", function () {
    document.documentElement.setAttribute("data-live", "connected");
    if (first) { first = false; return; }  // the page was just rendered; reconnections reload
    schedule(false);
  });
  source.addEventListener("change", function () { schedule(true); });
  source.addEventListener("resync", function () { schedule(true); });
  source.onerror = function () {
    document.documentElement.setAttribute("data-live", "reconnecting");
    if (source.readyState === EventSource.CLOSED) {  // refused (e.g. the session ended): show the login page
      window.setTimeout(function () { window.location.reload(); }, 5000);
    }
  };
})();
