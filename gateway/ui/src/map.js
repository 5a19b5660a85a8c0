// The service map: `serviceGraph` drawn in SVG, services in columns by call depth (a
// breadth-first walk from the services nobody calls), rate, errors and p95 on every node
// and edge; a node is a link to the search of its traces. The same graph is listed in a
// table under the drawing (for screen readers, copying, and exact figures).
import { useEffect, useState } from "preact/hooks";
import { html } from "./html.js";
import { query } from "./gql.js";
import { href, navigate } from "./route.js";
import * as fmt from "./format.js";

export const MAP = `query ServiceMap($timeRange: TimeRange!) {
  serviceGraph(timeRange: $timeRange) {
    truncated source
    nodes { service spanCount rate errorCount errorRate durationP50Ms durationP95Ms durationP99Ms }
    edges { caller callee kind callCount rate errorCount errorRate durationP50Ms durationP95Ms durationP99Ms }
  }
}`;

const NODE_W = 190, NODE_H = 64, COL = 290, ROW = 100, PAD = 24;
const name = (service) => service ?? "(no service)";

/** Columns by call depth: services nobody calls (or, in a cycle, the first unplaced one)
 * are at depth 0, their callees one further, and so on (breadth first, so a service is
 * placed at its shortest call depth). Returns Map service -> {x, y, depth}. */
export function layout(nodes, edges) {
  const callees = new Map(nodes.map((n) => [name(n.service), []]));
  const called = new Set();
  for (const e of edges) {
    if (!callees.has(name(e.caller))) callees.set(name(e.caller), []);
    if (!callees.has(name(e.callee))) callees.set(name(e.callee), []);
    if (name(e.caller) !== name(e.callee)) {
      callees.get(name(e.caller)).push(name(e.callee));
      called.add(name(e.callee));
    }
  }
  const depth = new Map();
  const walk = (starts) => {
    const queue = starts.filter((s) => !depth.has(s));
    for (const s of queue) depth.set(s, 0);
    while (queue.length) {
      const s = queue.shift();
      for (const c of callees.get(s)) if (!depth.has(c)) { depth.set(c, depth.get(s) + 1); queue.push(c); }
    }
  };
  const all = [...callees.keys()];
  walk(all.filter((s) => !called.has(s)));
  for (const s of all) if (!depth.has(s)) walk([s]);
  const columns = [];
  for (const s of all) (columns[depth.get(s)] ||= []).push(s);
  const at = new Map();
  columns.forEach((column, d) => column.sort().forEach((s, i) => at.set(s, { x: PAD + d * COL, y: PAD + i * ROW, depth: d })));
  return at;
}

const pct = (r) => (r === null || r === undefined ? "–" : `${(r * 100).toFixed(r && r < 0.01 ? 2 : 1)}%`);
const rate = (r) => (r === null || r === undefined ? "–"
  : r < 0.01 ? `${(r * 60).toFixed(2)}/min` : `${r < 10 ? r.toFixed(2) : r.toFixed(1)}/s`);
const calls = (n) => `${n} call${n === 1 ? "" : "s"}`;

function edgePath(a, b) {
  if (b.x > a.x) {  // forwards: right side of the caller to the left side of the callee
    const x1 = a.x + NODE_W, y1 = a.y + NODE_H / 2, x2 = b.x, y2 = b.y + NODE_H / 2, mx = (x1 + x2) / 2;
    return { d: `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`, lx: mx, ly: (y1 + y2) / 2 };
  }
  // same column or backwards: a loop below both boxes
  const x1 = a.x + NODE_W / 2, y1 = a.y + NODE_H, x2 = b.x + NODE_W / 2 + 12, y2 = b.y + NODE_H;
  const low = Math.max(y1, y2) + 40;
  return { d: `M${x1},${y1} C${x1},${low} ${x2},${low} ${x2},${y2}`, lx: (x1 + x2) / 2, ly: low - 8 };
}

export function ServiceMapView({ params }) {
  const last = params.last || "1h";
  const [state, setState] = useState({ graph: null, error: null, busy: true });
  useEffect(() => {
    let live = true;
    setState((old) => ({ ...old, busy: true }));
    query(MAP, { timeRange: { last } }).then(
      (data) => live && setState({ graph: data.serviceGraph, error: null, busy: false }),
      (error) => live && setState({ graph: null, error: error.message, busy: false }));
    return () => { live = false; };
  }, [last]);
  const graph = state.graph;
  return html`<div class="service-map"><h1>Service map</h1>
    <div class="fields">
      <label>Time range <select name="last" value=${last}
        onChange=${(e) => navigate("map", null, { ...params, last: e.target.value })}>
        ${["15m", "1h", "6h", "24h", "7d"].map((v) => html`<option value=${v}>last ${v}</option>`)}</select></label>
      ${graph ? html`<span class="muted">${graph.nodes.length} services · ${graph.edges.length} edges · from ${graph.source}${graph.truncated ? " · truncated to 1000" : ""}</span>` : null}
    </div>
    ${state.error ? html`<p class="error" role="alert">${state.error}</p>` : null}
    <div aria-busy=${state.busy}>
      ${graph ? (graph.nodes.length ? html`<${MapDrawing} graph=${graph} last=${last} />
        <${EdgeTable} edges=${graph.edges} />` : html`<p class="muted">No spans in the last ${last}.</p>`) : null}
    </div>
  </div>`;
}

function MapDrawing({ graph, last }) {
  const at = layout(graph.nodes, graph.edges);
  const red = new Map(graph.nodes.map((n) => [name(n.service), n]));
  let width = 0, height = 0;
  for (const p of at.values()) { width = Math.max(width, p.x + NODE_W + PAD); height = Math.max(height, p.y + NODE_H + PAD + 50); }
  return html`<svg class="map" width=${width} height=${height} viewBox=${`0 0 ${width} ${height}`}
      role="group" aria-label="Service map: services and the calls between them">
    <defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
      <path d="M0,0 L10,5 L0,10 z" fill="#6b7280" /></marker></defs>
    ${graph.edges.map((e) => {
      const a = at.get(name(e.caller)), b = at.get(name(e.callee));
      if (name(e.caller) === name(e.callee)) return null;
      const { d, lx, ly } = edgePath(a, b);
      return html`<g class=${`map-edge${e.errorCount ? " has-error" : ""}`} data-caller=${name(e.caller)}
          data-callee=${name(e.callee)} data-kind=${e.kind}>
        <title>${name(e.caller)} → ${name(e.callee)} (${e.kind}): ${calls(e.callCount)}, ${e.errorCount} errors, p50 ${fmt.duration(e.durationP50Ms)}, p95 ${fmt.duration(e.durationP95Ms)}, p99 ${fmt.duration(e.durationP99Ms)}</title>
        <path d=${d} marker-end="url(#arrow)" />
        <text x=${lx} y=${ly - 4} text-anchor="middle">${calls(e.callCount)} · ${e.errorCount} err</text>
        <text x=${lx} y=${ly + 10} text-anchor="middle">p95 ${fmt.duration(e.durationP95Ms)}</text>
      </g>`;
    })}
    ${[...at.entries()].map(([service, p]) => {
      const n = red.get(service);
      return html`<a class=${`map-node${n?.errorCount ? " has-error" : ""}`} data-service=${service}
          href=${href("search", null, { last, service })} aria-label=${`${service}: search its traces`}>
        <rect x=${p.x} y=${p.y} width=${NODE_W} height=${NODE_H} rx="6" />
        <text class="map-name" x=${p.x + 10} y=${p.y + 20}>${service.length > 24 ? service.slice(0, 23) + "…" : service}</text>
        <text x=${p.x + 10} y=${p.y + 38}>${n ? `${rate(n.rate)} · ${pct(n.errorRate)} err` : "no spans in range"}</text>
        <text x=${p.x + 10} y=${p.y + 54}>${n ? `p50 ${fmt.duration(n.durationP50Ms)} · p95 ${fmt.duration(n.durationP95Ms)}` : ""}</text>
      </a>`;
    })}
  </svg>`;
}

function EdgeTable({ edges }) {
  if (!edges.length) return html`<p class="muted">No calls between services.</p>`;
  return html`<table class="edges"><caption>Calls between services</caption><thead><tr>
    <th scope="col">Caller</th><th scope="col">Callee</th><th scope="col">Kind</th><th scope="col">Calls</th>
    <th scope="col">Rate</th><th scope="col">Errors</th><th scope="col">p50</th><th scope="col">p95</th><th scope="col">p99</th>
  </tr></thead><tbody>
    ${edges.map((e) => html`<tr class=${e.errorCount ? "has-error" : ""}>
      <td>${name(e.caller)}</td><td>${name(e.callee)}</td><td>${e.kind}</td><td class="num">${e.callCount}</td>
      <td class="num">${rate(e.rate)}</td><td class="num">${e.errorCount} (${pct(e.errorRate)})</td>
      <td class="num">${fmt.duration(e.durationP50Ms)}</td><td class="num">${fmt.duration(e.durationP95Ms)}</td>
      <td class="num">${fmt.duration(e.durationP99Ms)}</td></tr>`)}
  </tbody></table>`;
}
