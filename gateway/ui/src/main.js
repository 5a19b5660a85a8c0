// The app shell: navigation, the view the URL names, and (with auth on) the key prompt.
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { html } from "./html.js";
import { href, useRoute } from "./route.js";
import { auth, setCredential } from "./gql.js";
import { SearchView } from "./search.js";
import { TraceView } from "./trace.js";
import { ServiceMapView } from "./map.js";
import { RedView } from "./red.js";
import { MetricsView } from "./metrics.js";
import { LiveView } from "./live.js";

const VIEWS = {
  search: { label: "Search", render: (r) => html`<${SearchView} params=${r.params} />` },
  map: { label: "Service map", render: (r) => html`<${ServiceMapView} params=${r.params} />` },
  red: { label: "RED", render: (r) => html`<${RedView} params=${r.params} />` },
  metrics: { label: "Metrics", render: (r) => html`<${MetricsView} params=${r.params} />` },
  live: { label: "Live tail", render: (r) => html`<${LiveView} params=${r.params} />` },
  trace: { render: (r) => html`<${TraceView} traceId=${r.arg} params=${r.params} />` },
};

/** Shown when the gateway answered 401: asks for an API key or OIDC token once, keeps it
 * for this tab (sessionStorage) and reloads the view with it. */
function KeyPrompt({ need }) {
  const [key, setKey] = useState("");
  const submit = (e) => {
    e.preventDefault();
    setCredential(key.trim());
    location.reload();
  };
  return html`<section class="key-prompt" aria-labelledby="key-title">
    <h2 id="key-title">${need.refused ? "The gateway refused this key" : "This gateway needs an API key"}</h2>
    ${need.refused
      ? html`<p class="error" role="alert">The key or token was refused: it is wrong, expired or revoked (401), or its role may not query (403). Enter another one.</p>`
      : html`<p>Authentication is on. Enter an API key (role <code>query</code> or <code>admin</code>) or an OIDC token; it is kept in this tab only.</p>`}
    <form onSubmit=${submit} class="fields">
      <label>API key or token <input name="api-key" type="password" autocomplete="off" required
        value=${key} onInput=${(e) => setKey(e.target.value)} /></label>
      <button type="submit">Use this key</button>
    </form>
  </section>`;
}

function App() {
  const route = useRoute();
  const [need, setNeed] = useState(auth.need);
  useEffect(() => {
    auth.listeners.add(setNeed);
    return () => auth.listeners.delete(setNeed);
  }, []);
  const view = VIEWS[route.view] || VIEWS.search;
  return html`<div class="app">
    <header class="top"><a class="brand" href="#/search">ollygraph</a>
      <nav aria-label="Views"><ul>
        ${Object.entries(VIEWS).filter(([, v]) => v.label).map(([name, v]) => html`<li>
          <a href=${href(name)} aria-current=${route.view === name ? "page" : undefined}>${v.label}</a></li>`)}
        <li><a href="/graphql">GraphiQL</a></li>
      </ul></nav></header>
    <main>${need ? html`<${KeyPrompt} need=${need} />` : null}${view.render(route)}</main>
  </div>`;
}

render(html`<${App} />`, document.getElementById("app"));
