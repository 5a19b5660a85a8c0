// The span tree as a waterfall: collapsible rows, virtualized (only the rows in view and
// a few around them are in the DOM), so 10,000 spans scroll as smoothly as 10.
import { useMemo, useRef, useState, useEffect } from "preact/hooks";
import { html } from "./html.js";
import * as fmt from "./format.js";

const ROW = 26, OVERSCAN = 12;

/** Spans as a tree: {roots, byId, offsets (ms from the trace start), total ms}; logs
 * attached to their span. Spans whose parent is missing become roots. */
export function buildTree(spans, logs) {
  const byId = new Map();
  let start = null, end = 0;
  for (const span of spans) {
    const ns = BigInt(span.startTimeUnixNano);
    if (start === null || ns < start) start = ns;
    byId.set(span.spanId, { span, spanId: span.spanId, children: [], logs: [], depth: 0, offset: 0 });
  }
  const roots = [];
  for (const node of byId.values()) {
    node.offset = Number(BigInt(node.span.startTimeUnixNano) - start) / 1e6;
    end = Math.max(end, node.offset + node.span.durationMs);
    const parent = node.span.parentSpanId && byId.get(node.span.parentSpanId);
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  for (const log of logs) byId.get(log.spanId)?.logs.push(log);
  const order = (list) => list.sort((a, b) => a.offset - b.offset);
  const stack = order(roots).map((n) => n).reverse();
  while (stack.length) {
    const node = stack.pop();
    order(node.children);
    for (let i = node.children.length - 1; i >= 0; i--) {
      node.children[i].depth = node.depth + 1;
      stack.push(node.children[i]);
    }
  }
  return { roots, byId, total: Math.max(end, 0.001) };
}

/** A bar's duration label goes after the bar, before it when the bar ends near the
 * right edge, or inside it (light on dark) when the bar spans nearly the whole track. */
function labelClass(left, width) {
  return left + width <= 85 || left > 15 ? "wf-dur" : "wf-dur inside";
}

function labelStyle(left, width) {
  if (left + width <= 85) return `left:${left + width}%`;
  if (left > 15) return `right:${100 - left}%;margin-right:4px`;
  return `left:${left}%;margin-left:6px`;
}

/** The rows shown: depth-first, skipping the descendants of collapsed spans. */
function visibleRows(roots, collapsed) {
  const rows = [], stack = [...roots].reverse();
  while (stack.length) {
    const node = stack.pop();
    rows.push(node);
    if (!collapsed.has(node.spanId)) for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]);
  }
  return rows;
}

export function Waterfall({ tree, selected, onSelect, highlight }) {
  const [collapsed, setCollapsed] = useState(() => new Set());
  const [scroll, setScroll] = useState(0);
  const [height, setHeight] = useState(600);
  const box = useRef(null);
  const rows = useMemo(() => visibleRows(tree.roots, collapsed), [tree, collapsed]);
  useEffect(() => {
    if (box.current) setHeight(box.current.clientHeight || 600);
  }, [rows.length]);
  const toggle = (spanId) => {
    const next = new Set(collapsed);
    if (next.has(spanId)) next.delete(spanId); else next.add(spanId);
    setCollapsed(next);
  };
  const first = Math.max(0, Math.floor(scroll / ROW) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scroll + height) / ROW) + OVERSCAN);
  const onKey = (e, index) => {
    const move = { ArrowDown: 1, ArrowUp: -1 }[e.key];
    if (move) {
      e.preventDefault();
      const target = rows[Math.min(rows.length - 1, Math.max(0, index + move))];
      onSelect(target.spanId);
      const el = box.current;
      const top = rows.indexOf(target) * ROW;
      if (top < el.scrollTop) el.scrollTop = top;
      else if (top + ROW > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW - el.clientHeight;
      requestAnimationFrame(() => el.querySelector(`[data-span-id="${target.spanId}"] .span-name`)?.focus());
    } else if (e.key === "ArrowLeft" || e.key === "ArrowRight") {
      const node = rows[index];
      if (node.children.length && (e.key === "ArrowLeft") !== collapsed.has(node.spanId)) toggle(node.spanId);
    }
  };
  return html`<section class="waterfall" aria-label="Waterfall">
    <div class="wf-head" aria-hidden="true"><span>Span</span><span>0</span><span>${fmt.duration(tree.total)}</span></div>
    <div class="wf-scroll" ref=${box} style=${`height:${rows.length * ROW + 2}px`} onScroll=${(e) => setScroll(e.currentTarget.scrollTop)} role="tree"
      aria-label=${`Spans (${rows.length} shown)`}>
      <div style=${`height:${rows.length * ROW}px;position:relative`}>
        ${rows.slice(first, last).map((node, i) => {
          const index = first + i, span = node.span;
          const left = (node.offset / tree.total) * 100;
          const width = Math.max((span.durationMs / tree.total) * 100, 0.2);
          const open = !collapsed.has(node.spanId);
          const classes = ["wf-row", span.status.code === "ERROR" ? "error" : "",
            node.spanId === selected ? "selected" : "", highlight?.has(node.spanId) ? "critical" : ""].join(" ");
          return html`<div class=${classes} style=${`top:${index * ROW}px`} data-span-id=${node.spanId}
              role="treeitem" aria-level=${node.depth + 1} aria-selected=${node.spanId === selected}
              aria-expanded=${node.children.length ? open : undefined}>
            <div class="wf-label" style=${`padding-left:${node.depth * 14 + 4}px`}>
              ${node.children.length
                ? html`<button class="toggle" aria-label=${`${open ? "Collapse" : "Expand"} ${span.name}`}
                    onClick=${() => toggle(node.spanId)}>${open ? "▾" : "▸"}</button>`
                : html`<span class="toggle-space"></span>`}
              <button class="span-name" onClick=${() => onSelect(node.spanId)} onKeyDown=${(e) => onKey(e, index)}
                title=${`${span.service}: ${span.name}`}>
                <span class="svc">${span.service}</span> ${span.name}</button>
            </div>
            <div class="wf-track">
              <div class="wf-bar" style=${`left:${left}%;width:${width}%`}></div>
              <span class=${labelClass(left, width)} style=${labelStyle(left, width)}>${fmt.duration(span.durationMs)}</span>
            </div>
          </div>`;
        })}
      </div>
    </div>
  </section>`;
}
