// RED (rate, errors, duration) per service and operation, from spanStats.
import { useEffect, useState } from "preact/hooks";
import { html } from "./html.js";
import { query } from "./gql.js";
import { href, navigate } from "./route.js";
import * as fmt from "./format.js";
import { SERVICES, useQuery } from "./search.js";

export const RED = `query Red($filter: SpanFilter) {
  spanStats(filter: $filter, groupBy: ["service", "name"], first: 200,
            measures: [{op: COUNT}, {op: RATE}, {op: ERROR_RATE}, {op: P50}, {op: P95}, {op: P99}]) {
    measures source groups { key other values }
  }
}`;
const RANGES = ["15m", "1h", "6h", "24h", "7d"];

export function RedView({ params }) {
  const last = params.last || "1h";
  const [state, setState] = useState({ data: null, error: null });
  useEffect(() => {
    setState({ data: null, error: null });
    const filter = { timeRange: { last }, ...(params.service ? { service: params.service } : {}) };
    query(RED, { filter }).then((data) => setState({ data, error: null }), (e) => setState({ data: null, error: e.message }));
  }, [last, params.service]);
  const services = useQuery(SERVICES, { timeRange: { last } }, [last]);
  const set = (field) => (e) => navigate("red", null, { ...params, [field]: e.target.value });
  return html`<div><h1>RED per service and operation</h1>
    <div class="fields">
      <label>Time range <select name="last" value=${last} onChange=${set("last")}>
        ${RANGES.map((r) => html`<option value=${r}>last ${r}</option>`)}</select></label>
      <label>Service <select name="service" value=${params.service || ""} onChange=${set("service")}>
        <option value="">all services</option>
        ${(services.data?.services || []).map((s) => html`<option value=${s.name}>${s.name}</option>`)}</select></label>
    </div>
    ${state.error ? html`<p class="error" role="alert">${state.error}</p>` : null}
    ${state.data ? html`<table class="red"><thead><tr><th scope="col">Service</th><th scope="col">Operation</th>
      <th scope="col">Spans</th><th scope="col">Rate (/s)</th><th scope="col">Errors</th>
      <th scope="col">p50</th><th scope="col">p95</th><th scope="col">p99</th></tr></thead><tbody>
      ${state.data.spanStats.groups.map((g) => {
        const [count, rate, errors, p50, p95, p99] = g.values;
        const name = g.other ? "(other)" : g.key.name;
        return html`<tr class=${errors > 0 ? "has-error" : ""}><td>${g.other ? "(other)" : g.key.service}</td>
          <td>${g.other ? name : html`<a href=${href("search", null, { last, service: g.key.service, operation: g.key.name })}>${name}</a>`}</td>
          <td class="num">${count}</td><td class="num">${fmt.number(rate, 3)}</td>
          <td class="num">${fmt.number((errors || 0) * 100, 1)}%</td>
          <td class="num">${fmt.duration(p50)}</td><td class="num">${fmt.duration(p95)}</td><td class="num">${fmt.duration(p99)}</td></tr>`;
      })}</tbody></table>
      <p class="muted">Answered from ${state.data.spanStats.source}.</p>` : state.error ? null : html`<p class="muted" aria-busy="true">Loading…</p>`}
  </div>`;
}
