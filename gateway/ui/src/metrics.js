// A metric as series (step and aggregation chosen in the URL), drawn as SVG lines.
import { useEffect, useState } from "preact/hooks";
import { html } from "./html.js";
import { query } from "./gql.js";
import { navigate } from "./route.js";
import * as fmt from "./format.js";

const NAMES = `query MetricNames { metrics(first: 100) { nodes { name type unit } } }`;
export const SERIES = `query MetricSeries($name: String!, $timeRange: TimeRange, $step: String, $aggregation: Aggregation) {
  metric(name: $name) { name type unit description
    series(timeRange: $timeRange, step: $step, aggregation: $aggregation) { labels service points { time value } } }
}`;
const AGGREGATIONS = ["", "AVG", "SUM", "MIN", "MAX", "COUNT", "LAST", "RATE", "INCREASE"];
const COLORS = ["#2563eb", "#d97706", "#059669", "#dc2626", "#7c3aed", "#0891b2", "#be185d", "#4b5563"];
const W = 900, H = 260, PAD = 44;

function Chart({ series, unit }) {
  const points = series.flatMap((s) => s.points.filter((p) => typeof p.value === "number"));
  if (!points.length) return html`<p class="muted">No points in this range.</p>`;
  const times = points.map((p) => Date.parse(p.time));
  const t0 = Math.min(...times), t1 = Math.max(...times, t0 + 1);
  const vMax = Math.max(...points.map((p) => p.value), 0), vMin = Math.min(...points.map((p) => p.value), 0);
  const x = (t) => PAD + ((t - t0) / (t1 - t0)) * (W - 2 * PAD);
  const y = (v) => H - PAD / 2 - ((v - vMin) / (vMax - vMin || 1)) * (H - PAD);
  return html`<figure class="chart"><svg viewBox=${`0 0 ${W} ${H}`} role="img" aria-label="Metric series chart">
    <line x1=${PAD} y1=${H - PAD / 2} x2=${W - PAD} y2=${H - PAD / 2} class="axis" />
    <text x="4" y="14" class="tick">${fmt.number(vMax)} ${unit}</text>
    <text x=${PAD} y=${H - 4} class="tick">${fmt.time(new Date(t0).toISOString())}</text>
    <text x=${W - PAD} y=${H - 4} class="tick" text-anchor="end">${fmt.time(new Date(t1).toISOString())}</text>
    ${series.map((s, i) => {
      const shown = s.points.filter((p) => typeof p.value === "number");
      const color = COLORS[i % COLORS.length];
      return html`<g><polyline fill="none" stroke=${color} stroke-width="2"
        points=${shown.map((p) => `${x(Date.parse(p.time))},${y(p.value)}`).join(" ")} />
        ${shown.map((p) => html`<circle cx=${x(Date.parse(p.time))} cy=${y(p.value)} r="3" fill=${color}>
          <title>${fmt.time(p.time)}: ${fmt.number(p.value)} ${unit}</title></circle>`)}</g>`;
    })}
  </svg><figcaption><ul class="legend">${series.map((s, i) => html`<li><span class="swatch" style=${`background:${COLORS[i % COLORS.length]}`}></span>
    ${s.service || ""} ${JSON.stringify(s.labels)}</li>`)}</ul></figcaption></figure>`;
}

export function MetricsView({ params }) {
  const [names, setNames] = useState([]);
  const [state, setState] = useState({ data: null, error: null });
  const p = { last: "1h", step: "1m", ...params };
  useEffect(() => { query(NAMES).then((d) => setNames(d.metrics.nodes), () => {}); }, []);
  useEffect(() => {
    if (!p.name) return;
    setState({ data: null, error: null });
    query(SERIES, { name: p.name, timeRange: { last: p.last }, step: p.step, aggregation: p.agg || null })
      .then((data) => setState({ data, error: null }), (e) => setState({ data: null, error: e.message }));
  }, [p.name, p.last, p.step, p.agg]);
  const set = (field) => (e) => navigate("metrics", null, { ...p, [field]: e.target.value });
  return html`<div><h1>Metrics</h1>
    <div class="fields">
      <label>Metric <select name="name" value=${p.name || ""} onChange=${set("name")}><option value="">choose…</option>
        ${names.map((m) => html`<option value=${m.name}>${m.name} (${m.type.toLowerCase()})</option>`)}</select></label>
      <label>Time range <select name="last" value=${p.last} onChange=${set("last")}>
        ${["15m", "1h", "6h", "24h", "7d"].map((r) => html`<option value=${r}>last ${r}</option>`)}</select></label>
      <label>Step <select name="step" value=${p.step} onChange=${set("step")}>
        ${["1m", "5m", "15m", "1h"].map((r) => html`<option value=${r}>${r}</option>`)}</select></label>
      <label>Aggregation <select name="agg" value=${p.agg || ""} onChange=${set("agg")}>
        ${AGGREGATIONS.map((a) => html`<option value=${a}>${a || "default"}</option>`)}</select></label>
    </div>
    ${state.error ? html`<p class="error" role="alert">${state.error}</p>` : null}
    ${state.data?.metric ? html`<${Chart} series=${state.data.metric.series} unit=${state.data.metric.unit} />` : null}
  </div>`;
}
