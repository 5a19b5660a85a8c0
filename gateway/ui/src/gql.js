// GraphQL over HTTP (POST /graphql) and subscriptions over graphql-transport-ws.
export const ENDPOINT = "/graphql";

/** POST one operation; resolves to `data`, rejects with the errors' messages. */
export async function query(text, variables = {}) {
  const response = await fetch(ENDPOINT, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ query: text, variables }),
  });
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
  ws.onopen = () => ws.send(JSON.stringify({ type: "connection_init", payload: {} }));
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
    if (!closed) onError(`connection closed (${event.code}${event.reason ? ": " + event.reason : ""})`);
  };
  return () => {
    closed = true;
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ id: "1", type: "complete" }));
    ws.close();
  };
}
