// The trace view: ONE GraphQL request (TRACE) fetches the trace, its spans (with their
// self time), its critical path and its logs; the waterfall (critical path outlined),
// span detail (self time, time on the critical path) and logs panel are computed from
// that answer. Its lists are sized to stay under the gateway's default query cost with
// 10,000 spans: EVENTS_SHOWN events and LINKS_SHOWN links per span (the span detail says
// when more may exist; GraphiQL, one click away, fetches them all).
import { useEffect, useMemo, useState } from "preact/hooks";
import { html } from "./html.js";
import { graphiqlHref, query } from "./gql.js";
import { href, navigate } from "./route.js";
import * as fmt from "./format.js";
import { Waterfall, buildTree } from "./waterfall.js";
import { SpanDetail } from "./span.js";
import { LogsPanel } from "./logs.js";

export const EVENTS_SHOWN = 50, LINKS_SHOWN = 20;
export const TRACE = `query TraceView($traceId: ID!) {
  trace(traceId: $traceId) {
    traceId rootName rootService startTime durationMs spanCount errorCount status services
    criticalPath { spanId durationMs }
    spans(first: 10000) {
      spanId parentSpanId name kind service startTimeUnixNano durationMs traceState
      selfTimeMs
      status { code message }
      semanticType attributes
      http { method route url statusCode scheme serverAddress userAgent }
      db { system namespace operation collection statement }
      genAi { system operation agentName requestModel responseModel inputTokens outputTokens totalTokens cost }
      events(first: ${EVENTS_SHOWN}) { name time attributes }
      links(first: ${LINKS_SHOWN}) { traceId spanId attributes }
      resource { attributes }
      scope { name version }
    }
    logs(first: 10000) { id timestamp severityNumber severityText body attributes spanId service }
  }
}`;

/** The critical path as the gateway computes it (`Trace.criticalPath`, its segments
 * oldest first): span id -> the milliseconds of that span on the path. */
export function criticalPath(trace) {
  const onPath = new Map();
  for (const segment of trace.criticalPath) {
    onPath.set(segment.spanId, (onPath.get(segment.spanId) || 0) + segment.durationMs);
  }
  return onPath;
}

export function TraceView({ traceId, params }) {
  const [state, setState] = useState({ trace: undefined, error: null, received: 0 });
  useEffect(() => {
    let live = true;
    setState({ trace: undefined, error: null, received: 0 });
    query(TRACE, { traceId }).then(
      (data) => live && setState({ trace: data.trace, error: null, received: performance.now() }),
      (error) => live && setState({ trace: null, error: error.message, received: 0 }));
    return () => { live = false; };
  }, [traceId]);
  const link = graphiqlHref(TRACE, { traceId });
  if (state.error) return html`<p class="error" role="alert">${state.error}</p>`;
  if (state.trace === undefined) return html`<p class="muted" aria-busy="true">Loading trace ${traceId}…</p>`;
  if (state.trace === null) return html`<div><h1>Trace not found</h1><p>No trace ${traceId} is stored.</p></div>`;
  return html`<${TraceBody} trace=${state.trace} received=${state.received} params=${params} link=${link} />`;
}

function TraceBody({ trace, received, params, link }) {
  const tree = useMemo(() => buildTree(trace.spans, trace.logs), [trace]);
  const critical = useMemo(() => criticalPath(trace), [trace]);
  const selected = params.span ? tree.byId.get(params.span) : null;
  useEffect(() => {
    // the render time: from the parsed response to the first frame with the waterfall
    requestAnimationFrame(() => {
      const ms = performance.now() - received;
      document.body.dataset.traceRenderMs = ms.toFixed(1);
      performance.measure?.("trace-render", { start: received, duration: ms });
    });
  }, [trace]);
  const select = (spanId) => navigate("trace", trace.traceId, { ...params, span: spanId }, true);
  return html`<div class="trace-view">
    <header class="trace-head">
      <h1>${trace.rootService || "?"}: ${trace.rootName || trace.traceId}</h1>
      <dl class="summary">
        <div><dt>Trace</dt><dd><code>${trace.traceId}</code></dd></div>
        <div><dt>Start</dt><dd>${fmt.time(trace.startTime)}</dd></div>
        <div><dt>Duration</dt><dd>${fmt.duration(trace.durationMs)}</dd></div>
        <div><dt>Spans</dt><dd>${trace.spanCount}</dd></div>
        <div><dt>Errors</dt><dd>${trace.errorCount}</dd></div>
        <div><dt>Services</dt><dd>${trace.services.join(", ")}</dd></div>
      </dl>
      <p><a href=${link} target="_blank" rel="noopener">View query in GraphiQL</a>
        · <a href=${`/api/traces/${trace.traceId}`}>OTLP JSON</a>
        · <a href=${href("search")}>Back to search</a></p>
    </header>
    <div class="trace-body">
      <${Waterfall} tree=${tree} selected=${selected?.spanId} onSelect=${select}
        highlight=${critical} />
      ${selected ? html`<${SpanDetail} node=${selected} tree=${tree} criticalMs=${critical.get(selected.spanId)}
        onClose=${() => navigate("trace", trace.traceId, { ...params, span: "" }, true)} />` : null}
    </div>
    <${LogsPanel} logs=${trace.logs} tree=${tree} params=${params}
      onSeverity=${(sev) => navigate("trace", trace.traceId, { ...params, sev }, true)} onSelect=${select} />
  </div>`;
}
