// One span's detail: typed views (HTTP, DB, gen_ai), attributes, events, links,
// resource, and the logs emitted inside it (all from the trace view's one answer).
import { html } from "./html.js";
import { href } from "./route.js";
import * as fmt from "./format.js";
import { EVENTS_SHOWN, LINKS_SHOWN } from "./trace.js";

function Pairs({ title, object }) {
  const entries = Object.entries(object || {}).filter(([, v]) => v !== null && v !== undefined);
  if (!entries.length) return null;
  return html`<section><h3>${title}</h3><table class="kv"><tbody>
    ${entries.map(([k, v]) => html`<tr><th scope="row">${k}</th><td>${fmt.json(v)}</td></tr>`)}
  </tbody></table></section>`;
}

export function SpanDetail({ node, onClose, criticalMs }) {
  const span = node.span;
  return html`<aside class="span-detail" aria-label="Span detail">
    <header><h2>${span.name}</h2>
      <button class="secondary" onClick=${onClose} aria-label="Close span detail">×</button></header>
    <dl class="summary">
      <div><dt>Service</dt><dd>${span.service}</dd></div>
      <div><dt>Kind</dt><dd>${span.kind}</dd></div>
      <div><dt>Duration</dt><dd>${fmt.duration(span.durationMs)}</dd></div>
      <div><dt>Self time</dt><dd>${fmt.duration(span.selfTimeMs)}</dd></div>
      <div><dt>Critical path</dt><dd class="critical-path">${criticalMs === undefined ? "not on it"
        : `${fmt.duration(criticalMs)} on it`}</dd></div>
      <div><dt>Starts at</dt><dd>+${fmt.duration(node.offset)}</dd></div>
      <div><dt>Status</dt><dd class=${span.status.code === "ERROR" ? "error" : ""}>
        ${span.status.code}${span.status.message ? `: ${span.status.message}` : ""}</dd></div>
      <div><dt>Span id</dt><dd><code>${span.spanId}</code></dd></div>
    </dl>
    ${span.http ? html`<${Pairs} title="HTTP" object=${span.http} />` : null}
    ${span.db ? html`<${Pairs} title="Database" object=${span.db} />` : null}
    ${span.genAi ? html`<${Pairs} title="Generative AI" object=${span.genAi} />` : null}
    <${Pairs} title="Attributes" object=${span.attributes} />
    ${span.events.length ? html`<section><h3>Events${span.events.length === EVENTS_SHOWN ? ` (the first ${EVENTS_SHOWN})` : ""}</h3><ul class="events">
      ${span.events.map((e) => html`<li><strong>${e.name}</strong> <span class="muted">${fmt.time(e.time)}</span>
        <${Pairs} title="" object=${e.attributes} /></li>`)}</ul></section>` : null}
    ${span.links.length ? html`<section><h3>Links${span.links.length === LINKS_SHOWN ? ` (the first ${LINKS_SHOWN})` : ""}</h3><ul>
      ${span.links.map((l) => html`<li><a href=${href("trace", l.traceId, { span: l.spanId })}>
        trace ${l.traceId.slice(0, 12)}…, span ${l.spanId}</a></li>`)}</ul></section>` : null}
    <section><h3>Logs in this span (${node.logs.length})</h3>
      ${node.logs.length ? html`<ul class="log-list">${node.logs.map((log) => html`<li class=${fmt.severityClass(log.severityNumber)}>
        <span class="sev">${log.severityText || log.severityNumber || "–"}</span> <span class="body">${fmt.json(log.body)}</span></li>`)}</ul>`
        : html`<p class="muted">None.</p>`}
    </section>
    <${Pairs} title="Resource" object=${span.resource.attributes} />
    ${span.scope ? html`<p class="muted">Scope: ${span.scope.name} ${span.scope.version || ""}</p>` : null}
  </aside>`;
}
