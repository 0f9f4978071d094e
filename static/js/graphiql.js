// GraphiQL at /graphql (development): renders the vendored GraphiQL into #graphiql with a
// fetcher that sends the page's CSRF token, so that mutations pass the CSRF check. Loaded as a
// file (the CSP forbids inline scripts).
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  var token = meta ? meta.getAttribute("content") : "";
  var fetcher = GraphiQL.createFetcher({
    url: "/graphql",
    headers: { "X-CSRF-Token": token },
  });
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(React.createElement(GraphiQL, { fetcher: fetcher }));
})();
