// Every view's state lives in the URL hash: #/<view>?<params>. Links are plain hrefs;
// `navigate` replaces the hash and the app re-renders from it.
import { useEffect, useState } from "preact/hooks";

export function parse(hash = location.hash) {
  const [path, search = ""] = hash.replace(/^#/, "").split("?");
  const parts = path.split("/").filter(Boolean);
  return { view: parts[0] || "search", arg: parts[1] ? decodeURIComponent(parts[1]) : null,
           params: Object.fromEntries(new URLSearchParams(search)) };
}

export function href(view, arg, params = {}) {
  const clean = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== ""));
  const search = new URLSearchParams(clean).toString();
  return `#/${view}${arg ? "/" + encodeURIComponent(arg) : ""}${search ? "?" + search : ""}`;
}

export function navigate(view, arg, params, replace = false) {
  const target = href(view, arg, params);
  if (replace) history.replaceState(null, "", target);
  else location.hash = target;
  if (replace) window.dispatchEvent(new HashChangeEvent("hashchange"));
}

export function useRoute() {
  const [route, setRoute] = useState(parse());
  useEffect(() => {
    const update = () => setRoute(parse());
    window.addEventListener("hashchange", update);
    return () => window.removeEventListener("hashchange", update);
  }, []);
  return route;
}
