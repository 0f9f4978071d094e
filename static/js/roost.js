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

  // Search on a phone: "Filters" opens the filter form in a sheet (a modal <dialog>, which
  // traps the focus and closes with Escape) instead of following its link to the filters
  // step. The form is moved into the sheet while it is open and back beside the results when
  // it closes, so that one form serves both (htmx keeps its listeners on the moved element).
  var sheet = document.getElementById("filters-sheet");
  var headingAfterSwap = false;
  if (sheet && typeof sheet.showModal === "function") {
    var body = sheet.querySelector("[data-sheet-body]");
    var focusResults = false;
    var form = function () {
      return document.getElementById("search-filters");
    };
    var openSheet = function () {
      var filters = form();
      if (!filters || !body) {
        return false;
      }
      body.appendChild(filters);
      sheet.showModal();
      return true;
    };
    sheet.addEventListener("close", function () {
      var filters = form();
      var home = document.getElementById("filters-home");
      if (filters && home && sheet.contains(filters)) {
        home.appendChild(filters);
      }
      // Back to where the person was: the results heading after "Skip to results" or
      // "Show stays", else "Filters" (replaced by the results that changed meanwhile).
      var target = focusResults
        ? document.getElementById("results-title")
        : document.querySelector("[data-sheet-open]");
      focusResults = false;
      if (target) {
        target.focus();
      }
    });
    document.addEventListener("click", function (event) {
      // A click with a modifier (a new tab) follows the link to the filters step.
      var plain = event.button === 0 && !event.ctrlKey && !event.metaKey && !event.shiftKey;
      var opener = plain && event.target.closest("[data-sheet-open]");
      if (opener && openSheet()) {
        event.preventDefault();
        return;
      }
      if (event.target.closest("[data-sheet-close]")) {
        sheet.close();
        return;
      }
      if (sheet.open && event.target.closest("[data-skip-results]")) {
        event.preventDefault();
        focusResults = true;
        sheet.close();
      }
    });
    // "Show N stays" applies (htmx sends the form) and closes the sheet; the heading of the
    // results it brings takes the focus.
    document.addEventListener("submit", function (event) {
      if (sheet.open && sheet.contains(event.target)) {
        focusResults = true;
        headingAfterSwap = true;
        sheet.close();
      }
    });
    // "Filters" now opens a dialog: say so (results swapped in bring a new one).
    var markOpeners = function (root) {
      root.querySelectorAll("[data-sheet-open]").forEach(function (opener) {
        opener.setAttribute("aria-haspopup", "dialog");
      });
    };
    markOpeners(document);
    document.addEventListener("htmx:load", function (event) {
      var elt = event.detail && event.detail.elt;
      if (elt && elt.querySelectorAll) {
        markOpeners(elt);
      }
    });
    // From 960px the filters are beside the results: no sheet.
    var wide = window.matchMedia("(min-width: 960px)");
    var closeWhenWide = function () {
      if (wide.matches && sheet.open) {
        sheet.close();
      }
    };
    if (wide.addEventListener) {
      wide.addEventListener("change", closeWhenWide);
    }
  }
  // A removed filter (a chip) swaps the filters and the results: the focus, on the chip
  // that is gone, moves to the results heading.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    if (elt && elt.closest && elt.closest("[data-focus-results]")) {
      headingAfterSwap = true;
    }
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (headingAfterSwap) {
      headingAfterSwap = false;
      var heading = document.getElementById("results-title");
      if (heading) {
        heading.focus();
      }
    }
  });
})();
