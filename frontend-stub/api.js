// The one way the pages talk to the portal: /graphql with the bearer token, plus small DOM helpers.
export const $ = (selector) => document.querySelector(selector);
export const state = { token: localStorage.getItem("portalToken") || "", viewer: null };

export async function gql(query, variables = {}) {
  const response = await fetch("/graphql", {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${state.token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (!response.ok || body.errors) throw new Error((body.errors || [{ message: response.statusText }])[0].message);
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

export function button(text, onClick) {
  const b = Object.assign(document.createElement("button"), { type: "button", textContent: text });
  b.addEventListener("click", () => { b.disabled = true; onClick().catch(showError).finally(() => { b.disabled = false; }); });
  return b;
}

export function actions(...buttons) {
  const td = document.createElement("td"); td.className = "actions"; td.append(...buttons.filter(Boolean)); return td;
}

export function showError(error) { $("#who").textContent = `Error: ${error.message}`; }

// The values of a form's named controls, blanks left out.
export function formValues(form) {
  return Object.fromEntries([...new FormData(form)].filter(([, v]) => v !== ""));
}
