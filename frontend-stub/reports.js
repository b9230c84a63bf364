// The partner's reports: prefilled stock and POS grids, file upload, live validation progress.
import { $, cell, gql, mutate, row, state } from "./api.js";
import { watchProgress } from "./live.js";

export async function loadStockDraft() {
  const data = await gql("query($p: String!) { stockSnapshotDraft(period: $p) { lines { warehouseCode sku quantity } } }", { p: $("#period").value });
  $("#stock-grid tbody").replaceChildren(...data.stockSnapshotDraft.lines.map((line) => {
    const input = Object.assign(document.createElement("input"), { type: "number", min: 0, value: line.quantity });
    Object.assign(input.dataset, { warehouse: line.warehouseCode, sku: line.sku });
    const td = document.createElement("td"); td.append(input);
    return row(line.warehouseCode, line.sku, td);
  }));
}

export async function loadPosDraft() {
  const data = await gql(`query($p: String!) { posDraft(period: $p) { lines { warehouseCode sku
    endCustomer { name country postalCode } } } }`, { p: $("#period").value });
  $("#pos-grid tbody").replaceChildren(...data.posDraft.lines.map((line) => {
    const input = Object.assign(document.createElement("input"), { type: "number", placeholder: "0" });
    input.dataset.line = JSON.stringify(line);
    const td = document.createElement("td"); td.append(input);
    return row(line.warehouseCode, line.sku, line.endCustomer.name, td);
  }));
}

export async function submitStock() {
  const lines = [...document.querySelectorAll("#stock-grid input")].map((input) => ({
    warehouseCode: input.dataset.warehouse, sku: input.dataset.sku, quantity: Number(input.value),
  }));
  await submitted("submitStockSnapshot", "SubmitStockSnapshotInput", { period: $("#period").value, lines });
}

export async function submitPos() {
  const period = $("#period").value;
  const [year, month] = period.split("-").map(Number);
  const soldOn = new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);  // the period's last day
  const lines = [...document.querySelectorAll("#pos-grid input")].filter((input) => input.value !== "" && Number(input.value) !== 0)
    .map((input) => {
      const line = JSON.parse(input.dataset.line);
      return { warehouseCode: line.warehouseCode, sku: line.sku, quantity: Number(input.value), soldOn, endCustomer: line.endCustomer };
    });
  if (!lines.length) { $("#submission-status").textContent = "Type at least one quantity."; return; }
  await submitted("submitPos", "SubmitPosInput", { period, lines });
}

async function submitted(name, inputType, input) {
  const { payload, problem } = await mutate(name, inputType, { ...input, idempotencyKey: crypto.randomUUID() }, "submission { id }");
  if (problem) { $("#submission-status").textContent = problem; return; }
  await follow(payload.submission.id);
}

export async function upload(event) {
  event.preventDefault();
  const form = new FormData();
  form.append("kind", $("#upload-kind").value); form.append("period", $("#period").value);
  form.append("file", $("#upload-file").files[0]);
  const response = await fetch("/uploads", { method: "POST", body: form, headers: { Authorization: `Bearer ${state.token}` } });
  const body = await response.json();
  if (response.status !== 202) { $("#submission-status").textContent = body.errors[0].message; return; }
  await follow(body.submissionId);
}

function showProgress(id, progress) {
  const bar = $("#progress"); bar.hidden = false;
  bar.max = Math.max(progress.rowsTotal, 1); bar.value = progress.rowsDone;
  $("#submission-status").textContent = `Submission ${id}: ${progress.status}`;
}

// Live progress from the subscription; polling only where the socket is unavailable.
async function follow(id) {
  let final = await watchProgress(id, (progress) => showProgress(id, progress));
  for (;;) {
    const { submission } = await gql(`query($id: ID!) { submission(id: $id) { status rowsDone rowsTotal
      errors(first: 100) { edges { node { row field code message } } } } }`, { id });
    if (final || !["QUEUED", "VALIDATING"].includes(submission.status)) {
      showProgress(id, submission);
      const rows = submission.errors.edges.map(({ node }) => row(cell(node.row), node.field, node.code, node.message));
      $("#row-errors tbody").replaceChildren(...rows); $("#row-errors").hidden = rows.length === 0;
      return submission.status;
    }
    showProgress(id, submission);
    await new Promise((resolve) => setTimeout(resolve, 500));
    final = null;
  }
}
