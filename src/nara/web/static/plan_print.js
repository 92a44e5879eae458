// Nära: the print button on the written plan (Min plan, utskrift). No inline script: the CSP allows only 'self'.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
