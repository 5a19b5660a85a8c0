// The app shell: navigation and the view the URL names. Service map: the gateway's
// service graph field is not served yet; its view plugs in here (VIEWS) when it is.
import { render } from "preact";
import { html } from "./html.js";
import { href, useRoute } from "./route.js";
import { SearchView } from "./search.js";
import { TraceView } from "./trace.js";
import { RedView } from "./red.js";
import { MetricsView } from "./metrics.js";
import { LiveView } from "./live.js";

const VIEWS = {
  search: { label: "Search", render: (r) => html`<${SearchView} params=${r.params} />` },
  red: { label: "RED", render: (r) => html`<${RedView} params=${r.params} />` },
  metrics: { label: "Metrics", render: (r) => html`<${MetricsView} params=${r.params} />` },
  live: { label: "Live tail", render: (r) => html`<${LiveView} params=${r.params} />` },
  trace: { render: (r) => html`<${TraceView} traceId=${r.arg} params=${r.params} />` },
};

function App() {
  const route = useRoute();
  const view = VIEWS[route.view] || VIEWS.search;
  return html`<div class="app">
    <header class="top"><a class="brand" href="#/search">ollygraph</a>
      <nav aria-label="Views"><ul>
        ${Object.entries(VIEWS).filter(([, v]) => v.label).map(([name, v]) => html`<li>
          <a href=${href(name)} aria-current=${route.view === name ? "page" : undefined}>${v.label}</a></li>`)}
        <li><a href="/graphql">GraphiQL</a></li>
      </ul></nav></header>
    <main>${view.render(route)}</main>
  </div>`;
}

render(html`<${App} />`, document.getElementById("app"));
