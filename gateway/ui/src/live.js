// Live tail: spans as they are committed, over the gateway's graphql-transport-ws
// subscription, with the same SpanFilter fields as search (service, status).
import { useEffect, useState } from "preact/hooks";
import { html } from "./html.js";
import { subscribe } from "./gql.js";
import { href, navigate } from "./route.js";
import * as fmt from "./format.js";

export const LIVE = `subscription LiveSpans($filter: SpanFilter) {
  spans(filter: $filter) { cursor nodes { traceId spanId name service durationMs startTime status { code } } }
}`;
const KEEP = 500;

export function LiveView({ params }) {
  const [spans, setSpans] = useState([]);
  const [status, setStatus] = useState("connecting");
  const [paused, setPaused] = useState(false);
  useEffect(() => {
    if (paused) { setStatus("paused"); return undefined; }
    const filter = {};
    if (params.service) filter.service = params.service;
    if (params.status) filter.status = params.status;
    setStatus("connecting");
    return subscribe(LIVE, { filter }, (data) => {
      setStatus("live");
      const batch = data.spans.nodes;
      if (batch.length) setSpans((old) => [...batch.slice().reverse(), ...old].slice(0, KEEP));
    }, (message) => setStatus(`error: ${message}`));
  }, [params.service, params.status, paused]);
  const set = (field) => (e) => navigate("live", null, { ...params, [field]: e.target.value });
  return html`<div><h1>Live tail</h1>
    <div class="fields">
      <label>Service <input name="service" value=${params.service || ""} onChange=${set("service")} /></label>
      <label>Status <select name="status" value=${params.status || ""} onChange=${set("status")}>
        <option value="">any</option><option value="ERROR">error</option><option value="OK">ok</option></select></label>
      <button type="button" class="secondary" onClick=${() => setPaused(!paused)}>${paused ? "Resume" : "Pause"}</button>
      <span class="muted" role="status">${status} · ${spans.length} spans</span>
    </div>
    <table class="live"><thead><tr><th scope="col">Start</th><th scope="col">Service</th><th scope="col">Span</th>
      <th scope="col">Duration</th></tr></thead><tbody>
      ${spans.map((s) => html`<tr class=${s.status.code === "ERROR" ? "has-error" : ""}>
        <td>${fmt.time(s.startTime)}</td><td>${s.service}</td>
        <td><a href=${href("trace", s.traceId, { span: s.spanId })}>${s.name}</a></td>
        <td class="num">${fmt.duration(s.durationMs)}</td></tr>`)}
    </tbody></table>
  </div>`;
}
