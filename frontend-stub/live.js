// submissionProgress over graphql-transport-ws, the token sent in connection_init (a
// browser cannot set the handshake's Authorization header). Resolves with the final status,
// or with null if the socket could not be used, so the caller falls back to polling.
import { state } from "./api.js";

const SUBSCRIBE = "subscription($id: ID!) { submissionProgress(id: $id) { status rowsDone rowsTotal } }";

export function watchProgress(id, onProgress) {
  return new Promise((resolve) => {
    let last = null;
    let socket;
    try {
      const scheme = location.protocol === "https:" ? "wss" : "ws";
      socket = new WebSocket(`${scheme}://${location.host}/graphql`, "graphql-transport-ws");
    } catch { resolve(null); return; }
    socket.onopen = () => socket.send(JSON.stringify({ type: "connection_init", payload: { Authorization: `Bearer ${state.token}` } }));
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (message.type === "connection_ack") {
        socket.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query: SUBSCRIBE, variables: { id } } }));
      } else if (message.type === "next" && message.payload.data) {
        last = message.payload.data.submissionProgress;
        onProgress(last);
      } else if (message.type === "ping") {
        socket.send(JSON.stringify({ type: "pong" }));
      } else if (message.type === "complete" || message.type === "error") {
        socket.close(1000);
      }
    };
    socket.onclose = () => resolve(last && !["QUEUED", "VALIDATING"].includes(last.status) ? last.status : null);
    socket.onerror = () => resolve(null);
  });
}
