// Starts Swagger UI on /api/docs. A file of ours (the site's CSP allows no inline script):
// it asks the API for a CSRF token first, so that "Try it out" works for unsafe methods too
// (the session cookie travels by itself: same origin).
(function () {
  "use strict";
  var token = "";
  function start() {
    window.ui = window.SwaggerUIBundle({
      url: "/api/v1/openapi.json",
      dom_id: "#swagger-ui",
      deepLinking: true,
      validatorUrl: null,
      presets: [window.SwaggerUIBundle.presets.apis],
      layout: "BaseLayout",
      requestInterceptor: function (request) {
        if (token && request.method && request.method.toUpperCase() !== "GET") {
          request.headers["X-CSRF-Token"] = token;
        }
        return request;
      },
      responseInterceptor: function (response) {
        // Signing in or out through the docs gives a new token.
        if (response.url && /\/api\/v1\/session$/.test(response.url) && response.body &&
            typeof response.body.csrf_token === "string") {
          token = response.body.csrf_token;
        }
        return response;
      }
    });
  }
  window.addEventListener("load", function () {
    fetch("/api/v1/session", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : {}; })
      .then(function (session) { token = session.csrf_token || ""; })
      .catch(function () { token = ""; })
      .then(start);
  });
})();
