// Roost's only script: small progressive enhancements. Every page works without it.
(function () {
  "use strict";
  // htmx requests carry the CSRF token as a header (forms carry it as a field).
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) {
      event.detail.headers["X-CSRF-Token"] = meta.getAttribute("content");
    }
  });
  // Clear a previous htmx error message when a new request starts.
  document.addEventListener("htmx:beforeRequest", function () {
    var box = document.getElementById("htmx-error");
    if (box) {
      box.innerHTML = "";
    }
  });
})();
