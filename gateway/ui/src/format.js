// Numbers and times as people read them.
export function duration(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return "–";
  if (ms < 1) return `${(ms * 1000).toFixed(0)} µs`;
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(2) : ms.toFixed(1)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(2)} s`;
  return `${(ms / 60000).toFixed(1)} min`;
}

export function time(iso) {
  if (!iso) return "–";
  const d = new Date(iso);
  return d.toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z").replace("Z", " UTC");
}

export function number(value, digits = 2) {
  if (value === null || value === undefined) return "–";
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(digits);
}

export function json(value) {
  return typeof value === "string" ? value : JSON.stringify(value);
}

export function severityClass(number) {
  if (!number) return "sev-unset";
  if (number >= 17) return "sev-error";
  if (number >= 13) return "sev-warn";
  if (number >= 9) return "sev-info";
  return "sev-debug";
}
