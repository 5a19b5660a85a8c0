// Trace duration over time as an SVG scatter; a dot links to its trace.
import { html } from "./html.js";
import { href } from "./route.js";
import * as fmt from "./format.js";

const W = 900, H = 180, PAD = 40;

export function Scatter({ traces }) {
  const times = traces.map((t) => Date.parse(t.startTime));
  const t0 = Math.min(...times), t1 = Math.max(...times, t0 + 1);
  const dMax = Math.max(...traces.map((t) => t.durationMs), 1);
  const x = (t) => PAD + ((t - t0) / (t1 - t0)) * (W - 2 * PAD);
  const y = (d) => H - PAD / 2 - (d / dMax) * (H - PAD);
  return html`<figure class="scatter">
    <svg viewBox=${`0 0 ${W} ${H}`} role="group" aria-label="Trace duration over time">
      <line x1=${PAD} y1=${H - PAD / 2} x2=${W - PAD} y2=${H - PAD / 2} class="axis" />
      <text x=${PAD} y=${H - 4} class="tick">${fmt.time(new Date(t0).toISOString())}</text>
      <text x=${W - PAD} y=${H - 4} class="tick" text-anchor="end">${fmt.time(new Date(t1).toISOString())}</text>
      <text x="4" y="14" class="tick">${fmt.duration(dMax)}</text>
      ${traces.map((t, i) => html`<a href=${href("trace", t.traceId)} aria-label=${`${t.rootName}: ${fmt.duration(t.durationMs)}`}>
        <circle cx=${x(times[i])} cy=${y(t.durationMs)} r="5" class=${t.errorCount ? "dot error" : "dot"}>
          <title>${t.rootName}: ${fmt.duration(t.durationMs)}</title></circle></a>`)}
    </svg>
    <figcaption class="muted">Duration over time; click a dot to open the trace.</figcaption>
  </figure>`;
}
