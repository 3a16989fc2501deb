// GraphiQL over this gateway's /graphql, as the console's signed-in user when there is one
// (its token stays in this browser tab), anonymously otherwise.
(() => {
  const token = sessionStorage.getItem("smartcity.console.token");
  const headers = token ? { authorization: `Bearer ${token}` } : {};
  const fetcher = GraphiQL.createFetcher({ url: new URL("/graphql", window.location.origin).href, headers });
  const root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher,
      defaultQuery: "{\n  regions(first: 10) {\n    code\n    name\n    latestScorecard { finalIndex grade }\n  }\n}\n",
    }),
  );
})();
