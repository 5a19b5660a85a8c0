// GraphQL over HTTP (POST /graphql) and subscriptions over graphql-transport-ws. With
// auth on, the gateway answers 401 without a key: the UI then asks for one (KeyPrompt in
// main.js), keeps it in sessionStorage (this tab only, gone when it closes) and sends it
// as `authorization: Bearer` on every fetch and in the websocket's connection_init.
export const ENDPOINT = "/graphql";
const KEY = "ollygraph.key";

/** The key or token of this tab, or "". */
export function credential() {
  try { return sessionStorage.getItem(KEY) || ""; } catch { return ""; }
}

/** The auth state the shell shows: null (fine), or {refused: bool} when a key is needed. */
export const auth = { need: null, listeners: new Set() };

function needKey(refused) {
  auth.need = { refused };
  for (const listener of auth.listeners) listener(auth.need);
}

/** Keep a key for this tab (an empty one forgets it). */
export function setCredential(key) {
  if (key) sessionStorage.setItem(KEY, key); else sessionStorage.removeItem(KEY);
  auth.need = null;
  for (const listener of auth.listeners) listener(null);
}

function authHeaders() {
  const key = credential();
  return key ? { authorization: `Bearer ${key}` } : {};
}

/** POST one operation; resolves to `data`, rejects with the errors' messages. */
export async function query(text, variables = {}) {
  const response = await fetch(ENDPOINT, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json", ...authHeaders() },
    body: JSON.stringify({ query: text, variables }),
  });
  if (response.status === 401 || response.status === 403) {  // no key, a wrong one, or a role that may not query
    needKey(Boolean(credential()));
    throw new Error(credential() ? `the gateway refused this key (${response.status})`
      : "the gateway needs an API key or token (401)");
  }
  let body;
  try {
    body = await response.json();
  } catch {
    throw new Error(`HTTP ${response.status}`);
  }
  if (body.errors && body.errors.length) throw new Error(body.errors.map((e) => e.message).join("; "));
  return body.data;
}

/** A link that opens GraphiQL with this operation and its variables typed in. */
export function graphiqlHref(text, variables) {
  const params = new URLSearchParams({ q: text.trim() });
  if (variables && Object.keys(variables).length) params.set("variables", JSON.stringify(variables));
  return `${ENDPOINT}?${params}`;
}

/** Subscribe (graphql-transport-ws); onData gets each `data`, onError a message.
 * Returns a function that stops the subscription and closes the socket. */
export function subscribe(text, variables, onData, onError) {
  const url = new URL(ENDPOINT, location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  const ws = new WebSocket(url, "graphql-transport-ws");
  let closed = false;
  ws.onopen = () => ws.send(JSON.stringify({ type: "connection_init", payload: authHeaders() }));
  ws.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (message.type === "connection_ack") {
      ws.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query: text, variables } }));
    } else if (message.type === "ping") {
      ws.send(JSON.stringify({ type: "pong" }));
    } else if (message.type === "next") {
      if (message.payload.errors) onError(message.payload.errors.map((e) => e.message).join("; "));
      else onData(message.payload.data);
    } else if (message.type === "error") {
      onError(message.payload.map((e) => e.message).join("; "));
    }
  };
  ws.onclose = (event) => {
    if (!closed && (event.code === 4401 || event.code === 4403)) needKey(Boolean(credential()));
    if (!closed) onError(`connection closed (${event.code}${event.reason ? ": " + event.reason : ""})`);
  };
  return () => {
    closed = true;
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ id: "1", type: "complete" }));
    ws.close();
  };
}
