// The search form (state in the URL), the trace list, the duration scatter and facets.
import { useEffect, useState } from "preact/hooks";
import { html } from "./html.js";
import { query } from "./gql.js";
import { href, navigate } from "./route.js";
import * as fmt from "./format.js";
import { Scatter } from "./scatter.js";

const RANGES = ["15m", "1h", "6h", "24h", "7d", "30d"];
const OPS = ["EQ", "NEQ", "GT", "GTE", "LT", "LTE", "CONTAINS", "REGEX", "EXISTS", "NOT_EXISTS"];
const ORDERS = { time: "START_TIME_DESC", "time-asc": "START_TIME_ASC",
                 duration: "DURATION_DESC", "duration-asc": "DURATION_ASC" };

export const SERVICES = `query Services($timeRange: TimeRange) { services(timeRange: $timeRange) { name } }`;
const OPERATIONS = `query Operations($service: String, $timeRange: TimeRange) {
  operations(service: $service, timeRange: $timeRange) { name kind spanCount } }`;
const KEYS = `query Keys($prefix: String) { attributeKeys(scope: SPAN, prefix: $prefix, first: 50) { key } }`;
const VALUES = `query Values($key: String!, $prefix: String) {
  attributeValues(scope: SPAN, key: $key, prefix: $prefix, first: 50) }`;
export const TRACES = `query Traces($filter: TraceFilter, $orderBy: TraceOrder) {
  traces(filter: $filter, first: 100, orderBy: $orderBy) {
    totalCount
    nodes { traceId rootService rootName startTime durationMs spanCount errorCount status services }
    facets(keys: ["rootService", "rootName", "status"], first: 8) { key values { value count } otherCount }
  }
}`;

/** The attribute filters of the URL (a JSON list of {key, op, value}). */
export function parseAttrs(text) {
  try {
    const list = JSON.parse(text || "[]");
    return Array.isArray(list) ? list.filter((a) => a && a.key) : [];
  } catch {
    return [];
  }
}

function typedValue(text) {
  if (text === "" || text === undefined) return undefined;
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (text === "true" || text === "false") return text === "true";
  return text;
}

/** The GraphQL TraceFilter of the search's URL parameters. */
export function traceFilter(p) {
  const filter = { timeRange: p.from || p.to ? { from: p.from || null, to: p.to || null } : { last: p.last || "1h" } };
  if (p.service) filter.service = p.service;
  if (p.operation) filter.spanName = p.operation;
  if (p.status) filter.status = p.status;
  if (p.minMs) filter.minDurationMs = Number(p.minMs);
  if (p.maxMs) filter.maxDurationMs = Number(p.maxMs);
  const attrs = parseAttrs(p.attrs).map((a) => {
    const out = { key: a.key, op: a.op || "EQ" };
    if (!["EXISTS", "NOT_EXISTS"].includes(out.op)) out.value = typedValue(a.value);
    return out;
  });
  if (attrs.length) filter.attributes = attrs;
  return filter;
}

/** {data, error, loading} of a query, re-run when `deps` change; `loading` is true from
 * the first render with new deps until their answer (the old data stays shown). */
export function useQuery(text, variables, deps) {
  const key = JSON.stringify(deps);
  const [state, setState] = useState({ data: null, error: null, key: null });
  useEffect(() => {
    let live = true;
    query(text, variables).then(
      (data) => live && setState({ data, error: null, key }),
      (error) => live && setState({ data: null, error: error.message, key }));
    return () => { live = false; };
  }, [key]);
  return { ...state, loading: state.key !== key };
}

function AttributeRow({ index, attr, onChange, onRemove }) {
  const [keys, setKeys] = useState([]);
  const [values, setValues] = useState([]);
  useEffect(() => {
    const t = setTimeout(() => query(KEYS, { prefix: attr.key || null })
      .then((d) => setKeys(d.attributeKeys.map((k) => k.key)), () => {}), 150);
    return () => clearTimeout(t);
  }, [attr.key]);
  useEffect(() => {
    if (!attr.key) return undefined;
    const t = setTimeout(() => query(VALUES, { key: attr.key, prefix: attr.value || null })
      .then((d) => setValues(d.attributeValues.map(fmt.json)), () => {}), 150);
    return () => clearTimeout(t);
  }, [attr.key, attr.value]);
  const set = (field) => (e) => onChange({ ...attr, [field]: e.target.value });
  return html`<div class="attr-row">
    <label>Attribute key <input name=${`attr-key-${index}`} list=${`keys-${index}`} value=${attr.key}
      onInput=${set("key")} placeholder="http.route" autocomplete="off" /></label>
    <datalist id=${`keys-${index}`}>${keys.map((k) => html`<option value=${k} />`)}</datalist>
    <label>Operator <select name=${`attr-op-${index}`} value=${attr.op || "EQ"} onChange=${set("op")}>
      ${OPS.map((op) => html`<option value=${op}>${op}</option>`)}</select></label>
    <label>Value <input name=${`attr-value-${index}`} list=${`values-${index}`} value=${attr.value ?? ""}
      onInput=${set("value")} autocomplete="off" /></label>
    <datalist id=${`values-${index}`}>${values.map((v) => html`<option value=${v} />`)}</datalist>
    <button type="button" class="secondary" onClick=${onRemove} aria-label=${`Remove attribute filter ${index + 1}`}>×</button>
  </div>`;
}

function SearchForm({ params }) {
  const [form, setForm] = useState(params);
  const [attrs, setAttrs] = useState(parseAttrs(params.attrs));
  useEffect(() => { setForm(params); setAttrs(parseAttrs(params.attrs)); }, [JSON.stringify(params)]);
  const range = { last: form.last || "1h" };
  const services = useQuery(SERVICES, { timeRange: range }, [form.last]);
  const operations = useQuery(OPERATIONS, { service: form.service || null, timeRange: range }, [form.service, form.last]);
  const set = (field) => (e) => setForm({ ...form, [field]: e.target.value });
  const submit = (e) => {
    e.preventDefault();
    const kept = attrs.filter((a) => a.key);
    navigate("search", null, { ...form, attrs: kept.length ? JSON.stringify(kept) : "" });
  };
  const names = [...new Set((operations.data?.operations || []).map((o) => o.name))];
  return html`<form class="search" onSubmit=${submit} role="search" aria-label="Trace search">
    <div class="fields">
      <label>Time range <select name="last" value=${form.last || "1h"} onChange=${set("last")}>
        ${RANGES.map((r) => html`<option value=${r}>last ${r}</option>`)}</select></label>
      <label>Service <select name="service" value=${form.service || ""} onChange=${(e) => setForm({ ...form, service: e.target.value, operation: "" })}>
        <option value="">all services</option>
        ${(services.data?.services || []).map((s) => html`<option value=${s.name}>${s.name}</option>`)}</select></label>
      <label>Operation <select name="operation" value=${form.operation || ""} onChange=${set("operation")}>
        <option value="">all operations</option>
        ${names.map((n) => html`<option value=${n}>${n}</option>`)}</select></label>
      <label>Min duration (ms) <input name="minMs" type="number" min="0" step="any" value=${form.minMs || ""} onInput=${set("minMs")} /></label>
      <label>Max duration (ms) <input name="maxMs" type="number" min="0" step="any" value=${form.maxMs || ""} onInput=${set("maxMs")} /></label>
      <label>Status <select name="status" value=${form.status || ""} onChange=${set("status")}>
        <option value="">any</option><option value="ERROR">error</option><option value="OK">ok</option></select></label>
    </div>
    ${attrs.map((a, i) => html`<${AttributeRow} index=${i} attr=${a}
        onChange=${(next) => setAttrs(attrs.map((x, j) => (j === i ? next : x)))}
        onRemove=${() => setAttrs(attrs.filter((_, j) => j !== i))} />`)}
    <div class="actions">
      <button type="button" class="secondary" onClick=${() => setAttrs([...attrs, { key: "", op: "EQ", value: "" }])}>Add attribute filter</button>
      <button type="submit">Find traces</button>
    </div>
  </form>`;
}

const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

function SortHeader({ params, field, label }) {
  const current = params.sort || "time";
  const active = current.startsWith(field);
  const next = current === field ? `${field}-asc` : field;
  const arrow = active ? (current.endsWith("-asc") ? " ▲" : " ▼") : "";
  return html`<th scope="col" aria-sort=${active ? (current.endsWith("-asc") ? "ascending" : "descending") : "none"}>
    <a href=${href("search", null, { ...params, sort: next })}>${label}${arrow}</a></th>`;
}

function Facets({ facets, params }) {
  const param = { rootService: "service", rootName: "operation", status: "status" };
  return html`<aside class="facets" aria-label="Facets">
    ${facets.map((f) => html`<section><h3>${f.key}</h3><ul>
      ${f.values.map((v) => html`<li><a href=${href("search", null, { ...params, [param[f.key]]: v.value })}>
        ${fmt.json(v.value)}</a> <span class="count">${v.count}</span></li>`)}
      ${f.otherCount ? html`<li class="muted">other <span class="count">${f.otherCount}</span></li>` : null}
    </ul></section>`)}
  </aside>`;
}

function Results({ params }) {
  const variables = { filter: traceFilter(params), orderBy: ORDERS[params.sort || "time"] };
  const result = useQuery(TRACES, variables, [JSON.stringify(variables)]);
  if (result.error) return html`<p class="error" role="alert">${result.error}</p>`;
  if (!result.data) return html`<p class="muted" aria-busy="true">Searching…</p>`;
  const { nodes, totalCount, facets } = result.data.traces;
  return html`<section class="results" aria-label="Results" aria-busy=${result.loading ? "true" : "false"}>
    <h2>${plural(totalCount, "trace")}${totalCount > nodes.length ? ` (newest ${nodes.length} shown)` : ""}</h2>
    ${nodes.length ? html`<${Scatter} traces=${nodes} />` : null}
    <div class="results-body">
      <table class="traces">
        <thead><tr>
          <${SortHeader} params=${params} field="time" label="Start" />
          <th scope="col">Root</th><th scope="col">Services</th><th scope="col">Spans</th>
          <${SortHeader} params=${params} field="duration" label="Duration" />
        </tr></thead>
        <tbody>${nodes.map((t) => html`<tr class=${t.errorCount ? "has-error" : ""}>
          <td>${fmt.time(t.startTime)}</td>
          <td><a href=${href("trace", t.traceId)}>${t.rootService || "?"}: ${t.rootName || t.traceId}</a></td>
          <td>${t.services.join(", ")}</td>
          <td>${t.spanCount}${t.errorCount ? html` <span class="badge error">${plural(t.errorCount, "error")}</span>` : null}</td>
          <td class="num">${fmt.duration(t.durationMs)}</td>
        </tr>`)}</tbody>
      </table>
      <${Facets} facets=${facets} params=${params} />
    </div>
  </section>`;
}

export function SearchView({ params }) {
  return html`<div><h1>Search traces</h1><${SearchForm} params=${params} /><${Results} params=${params} /></div>`;
}
