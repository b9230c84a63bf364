// The one way the pages talk to the portal: /graphql with the bearer token, plus small DOM helpers.
export const $ = (selector) => document.querySelector(selector);

// The token lives for the browser tab only (sessionStorage) and is dropped on sign-out.
const TOKEN_KEY = "portalToken";
localStorage.removeItem(TOKEN_KEY);  // where earlier versions kept it
export const state = { token: sessionStorage.getItem(TOKEN_KEY) || "", viewer: null };
export function keepToken(token) { state.token = token; sessionStorage.setItem(TOKEN_KEY, token); }
export function dropToken() { state.token = ""; sessionStorage.removeItem(TOKEN_KEY); }

const TOO_LARGE = "The file is too large for the portal (413). Split it into smaller files, or upload an XLSX instead of a CSV.";

// What went wrong, in words, from any response: the graph's `errors`, the portal's
// `{error: {code, message}}`, a proxy's HTML page or an empty body.
export async function problemOf(response) {
  const body = await response.clone().json().catch(() => null);
  const first = body && (Array.isArray(body.errors) ? body.errors[0] : body.error);
  if (response.status === 413) return first?.message ? `${TOO_LARGE} (${first.message})` : TOO_LARGE;
  if (first?.message) return first.code ? `${first.code}: ${first.message}` : first.message;
  if (response.status === 401) return "The token is not valid (any more): sign in again.";
  return `The portal answered ${response.status} ${response.statusText || ""}`.trim() + ".";
}

export async function gql(query, variables = {}) {
  const response = await fetch("/graphql", {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${state.token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json().catch(() => null);
  if (!response.ok || !body || body.errors) throw new Error(await problemOf(response));
  return body.data;
}

// A mutation's payload: its business errors become a message, never an exception.
export async function mutate(name, inputType, input, selection) {
  const data = await gql(`mutation($input: ${inputType}!) { ${name}(input: $input) {
    ${selection} errors { field code message } } }`, { input });
  const payload = data[name];
  const problem = payload.errors[0];
  return { payload, problem: problem && `${problem.code}: ${problem.message}` };
}

export const lastMonth = () => { const d = new Date(); d.setDate(0); return d.toISOString().slice(0, 7); };
export const addDays = (days) => new Date(Date.now() + days * 86400000).toISOString().slice(0, 10);
export const cell = (text) => { const td = document.createElement("td"); td.textContent = text ?? "—"; return td; };

export function row(...cells) {
  const tr = document.createElement("tr");
  tr.append(...cells.map((c) => (c instanceof Node ? c : cell(c))));
  return tr;
}

// Each body cell carries its column's name, shown as the cell's label when a narrow
// screen stacks the table's rows as cards (table.stack in style.css).
export function labelled(table) {
  const names = [...table.tHead.rows[0].cells].map((th) => th.textContent);
  for (const tr of table.tBodies[0].rows) [...tr.cells].forEach((td, i) => { td.dataset.label = names[i] ?? ""; });
  return table;
}

// A button whose failure is written next to it (into `out`, by default a status span
// placed after it), never only at the top of the page.
export function button(text, onClick, out = null) {
  const b = Object.assign(document.createElement("button"), { type: "button", textContent: text });
  b.addEventListener("click", () => {
    b.disabled = true;
    onClick().catch((error) => showError(error, out || beside(b))).finally(() => { b.disabled = false; });
  });
  return b;
}

// The status span right after an element (created on first use): where its result goes.
export function beside(element) {
  const next = element.nextElementSibling;
  if (next && next.classList.contains("result")) return next;
  const out = Object.assign(document.createElement("span"), { className: "result" });
  out.setAttribute("role", "status");
  element.after(out);
  return out;
}

export function actions(...buttons) {
  const td = document.createElement("td"); td.className = "actions"; td.append(...buttons.filter(Boolean)); return td;
}

// The one way to show a result or a failure: in `target` (an element or a selector), an
// error marked as such (class "error", red) so that it reads differently from a success.
export function say(target, text, failed = false) {
  const out = typeof target === "string" ? $(target) : target;
  out.textContent = text;
  out.classList.toggle("error", failed);
  return out;
}
export function showError(error, target = "#who") { say(target, `Error: ${error.message}`, true); }

// The values of a form's named controls, blanks left out.
export function formValues(form) {
  return Object.fromEntries([...new FormData(form)].filter(([, v]) => v !== ""));
}
