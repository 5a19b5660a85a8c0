// The trace's logs with a minimum-severity filter (kept in the URL as `sev`).
import { html } from "./html.js";
import * as fmt from "./format.js";

const LEVELS = [["", "all"], ["5", "debug+"], ["9", "info+"], ["13", "warn+"], ["17", "error+"]];

export function LogsPanel({ logs, tree, params, onSeverity, onSelect }) {
  const min = Number(params.sev || 0);
  const shown = logs.filter((l) => (l.severityNumber || 0) >= min);
  return html`<section class="logs-panel" aria-label="Trace logs">
    <header><h2>Logs (${shown.length} of ${logs.length})</h2>
      <label>Minimum severity <select name="sev" value=${params.sev || ""} onChange=${(e) => onSeverity(e.target.value)}>
        ${LEVELS.map(([v, label]) => html`<option value=${v}>${label}</option>`)}</select></label></header>
    ${shown.length ? html`<table class="logs"><thead><tr><th scope="col">Time</th><th scope="col">Severity</th>
      <th scope="col">Service</th><th scope="col">Span</th><th scope="col">Body</th></tr></thead><tbody>
      ${shown.map((log) => {
        const node = log.spanId && tree.byId.get(log.spanId);
        return html`<tr class=${fmt.severityClass(log.severityNumber)}>
          <td>${fmt.time(log.timestamp)}</td><td class="sev">${log.severityText || log.severityNumber || "–"}</td>
          <td>${log.service}</td>
          <td>${node ? html`<button class="link" onClick=${() => onSelect(log.spanId)}>${node.span.name}</button>` : "–"}</td>
          <td class="body">${fmt.json(log.body)}</td></tr>`;
      })}</tbody></table>` : html`<p class="muted">No logs at this severity.</p>`}
  </section>`;
}
