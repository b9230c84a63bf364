// A small client of the portal's graph: a partner reports, a manager works exceptions.
const $ = (selector) => document.querySelector(selector);
let token = localStorage.getItem("portalToken") || "";

async function gql(query, variables = {}) {
  const response = await fetch("/graphql", {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (!response.ok || body.errors) throw new Error((body.errors || [{ message: response.statusText }])[0].message);
  return body.data;
}

const lastMonth = () => { const d = new Date(); d.setDate(0); return d.toISOString().slice(0, 7); };
const cell = (text) => { const td = document.createElement("td"); td.textContent = text ?? "—"; return td; };

async function start() {
  if (!token) return;
  const { viewer } = await gql("{ viewer { role manufacturer { name } partner { code name } } }");
  $("#who").textContent = `${viewer.manufacturer.name} · ${viewer.partner ? viewer.partner.name : "manufacturer"} · ${viewer.role}`;
  if (viewer.partner) {
    $("#partner").hidden = false; $("#period").value = lastMonth(); await loadDraft(); await loadPosDraft();
  }
  else { $("#manager").hidden = false; $("#m-period").value = lastMonth(); await loadManager(); }
}

async function loadDraft() {
  const data = await gql("query($p: String!) { stockSnapshotDraft(period: $p) { lines { warehouseCode sku quantity } } }", { p: $("#period").value });
  const body = $("#stock-grid tbody");
  body.replaceChildren(...data.stockSnapshotDraft.lines.map((line) => {
    const tr = document.createElement("tr");
    const input = Object.assign(document.createElement("input"), { type: "number", min: 0, value: line.quantity });
    Object.assign(input.dataset, { warehouse: line.warehouseCode, sku: line.sku });
    const td = document.createElement("td"); td.append(input);
    tr.append(cell(line.warehouseCode), cell(line.sku), td);
    return tr;
  }));
}

async function loadPosDraft() {
  const data = await gql(`query($p: String!) { posDraft(period: $p) { lines { warehouseCode sku
    endCustomer { name country postalCode } } } }`, { p: $("#period").value });
  $("#pos-grid tbody").replaceChildren(...data.posDraft.lines.map((line) => {
    const tr = document.createElement("tr");
    const input = Object.assign(document.createElement("input"), { type: "number", placeholder: "0" });
    input.dataset.line = JSON.stringify(line);
    const td = document.createElement("td"); td.append(input);
    tr.append(cell(line.warehouseCode), cell(line.sku), cell(line.endCustomer.name), td);
    return tr;
  }));
}

async function submitPos() {
  const period = $("#period").value;
  const [year, month] = period.split("-").map(Number);
  const soldOn = new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);  // the period's last day
  const lines = [...document.querySelectorAll("#pos-grid input")].filter((input) => input.value !== "" && Number(input.value) !== 0)
    .map((input) => {
      const line = JSON.parse(input.dataset.line);
      return { warehouseCode: line.warehouseCode, sku: line.sku, quantity: Number(input.value), soldOn,
               endCustomer: line.endCustomer };
    });
  if (!lines.length) { $("#submission-status").textContent = "Type at least one quantity."; return; }
  const data = await gql(`mutation($input: SubmitPosInput!) { submitPos(input: $input) {
    submission { id } errors { code message } } }`, { input: { period, lines } });
  const result = data.submitPos;
  if (result.errors.length) { $("#submission-status").textContent = result.errors[0].message; return; }
  await follow(result.submission.id);
}

async function follow(id) {
  const progress = $("#progress"); progress.hidden = false;
  for (;;) {
    const { submission } = await gql(`query($id: ID!) { submission(id: $id) { status rowsDone rowsTotal
      errors(first: 100) { edges { node { row field code message } } } } }`, { id });
    progress.max = Math.max(submission.rowsTotal, 1); progress.value = submission.rowsDone;
    $("#submission-status").textContent = `Submission ${id}: ${submission.status}`;
    if (!["QUEUED", "VALIDATING"].includes(submission.status)) {
      const rows = submission.errors.edges.map(({ node }) => {
        const tr = document.createElement("tr"); tr.append(cell(node.row), cell(node.field), cell(node.code), cell(node.message)); return tr;
      });
      $("#row-errors tbody").replaceChildren(...rows); $("#row-errors").hidden = rows.length === 0;
      return submission.status;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function submitStock() {
  const lines = [...document.querySelectorAll("#stock-grid input")].map((input) => ({
    warehouseCode: input.dataset.warehouse, sku: input.dataset.sku, quantity: Number(input.value),
  }));
  const data = await gql(`mutation($input: SubmitStockSnapshotInput!) { submitStockSnapshot(input: $input) {
    submission { id } errors { code message } } }`, { input: { period: $("#period").value, lines } });
  const result = data.submitStockSnapshot;
  if (result.errors.length) { $("#submission-status").textContent = result.errors[0].message; return; }
  await follow(result.submission.id);
}

async function upload(event) {
  event.preventDefault();
  const form = new FormData();
  form.append("kind", $("#upload-kind").value); form.append("period", $("#period").value);
  form.append("file", $("#upload-file").files[0]);
  const response = await fetch("/uploads", { method: "POST", body: form, headers: { Authorization: `Bearer ${token}` } });
  const body = await response.json();
  if (response.status !== 202) { $("#submission-status").textContent = body.errors[0].message; return; }
  await follow(body.submissionId);
}

async function loadManager() {
  const period = $("#m-period").value;
  const data = await gql(`query($p: String!) { reconciliation(period: $p, onlyExceptions: true, first: 100) { edges { node {
    id partnerCode warehouseCode sku calculated reported gap status exceptionStatus } } }
    submissionCompliance(period: $p) { partnerCode kind state dueOn } }`, { p: period });
  $("#exceptions tbody").replaceChildren(...data.reconciliation.edges.map(({ node }) => {
    const tr = document.createElement("tr");
    const status = cell(node.exceptionStatus || node.status); status.className = node.status;
    const action = document.createElement("td");
    if (node.exceptionStatus !== "RESOLVED" && node.gap) {
      const button = Object.assign(document.createElement("button"), { textContent: `Resolve (correct ${-node.gap})` });
      button.addEventListener("click", async () => {
        await gql(`mutation($input: UpdateExceptionInput!) { updateException(input: $input) { errors { message } } }`,
          { input: { rowId: node.id, status: "RESOLVED", reason: "REPORTING_ERROR", correctionQuantity: -node.gap } });
        await loadManager();
      });
      action.append(button);
    }
    tr.append(cell(node.partnerCode), cell(node.warehouseCode), cell(node.sku), cell(node.calculated), cell(node.reported), cell(node.gap), status, action);
    return tr;
  }));
  $("#compliance tbody").replaceChildren(...data.submissionCompliance.map((row) => {
    const tr = document.createElement("tr"); const state = cell(row.state); state.className = row.state;
    tr.append(cell(row.partnerCode), cell(row.kind), state, cell(row.dueOn)); return tr;
  }));
  await drawChart(period);
}

async function drawChart(last) {
  const [year, month] = last.split("-").map(Number);
  const first = new Date(Date.UTC(year, month - 6, 1)).toISOString().slice(0, 7);
  const { channelSummary } = await gql(`query($a: String!, $b: String!) { channelSummary(periodFrom: $a, periodTo: $b) {
    period sellIn sellThrough calculatedInventory reportedInventory } }`, { a: first, b: last });
  const series = [["sellIn", "#3366cc"], ["sellThrough", "#dc3912"], ["calculatedInventory", "#109618"], ["reportedInventory", "#ff9900"]];
  const top = Math.max(1, ...channelSummary.flatMap((row) => series.map(([key]) => row[key] || 0)));
  const x = (i) => 50 + i * (560 / Math.max(channelSummary.length - 1, 1));
  const y = (v) => 230 - (v / top) * 200;
  const svg = $("#chart"); svg.replaceChildren();
  const ns = "http://www.w3.org/2000/svg";
  series.forEach(([key, colour], index) => {
    const points = channelSummary.map((row, i) => row[key] == null ? null : `${x(i)},${y(row[key])}`).filter(Boolean);
    const line = document.createElementNS(ns, "polyline");
    Object.entries({ points: points.join(" "), fill: "none", stroke: colour, "stroke-width": 2 }).forEach(([k, v]) => line.setAttribute(k, v));
    const label = document.createElementNS(ns, "text");
    Object.entries({ x: 60 + index * 145, y: 15, fill: colour, "font-size": 12 }).forEach(([k, v]) => label.setAttribute(k, v));
    label.textContent = key;
    svg.append(line, label);
  });
  channelSummary.forEach((row, i) => {
    const text = document.createElementNS(ns, "text");
    Object.entries({ x: x(i) - 20, y: 250, "font-size": 11 }).forEach(([k, v]) => text.setAttribute(k, v));
    text.textContent = row.period; svg.append(text);
  });
}

$("#login").addEventListener("submit", (event) => {
  event.preventDefault(); token = $("#token").value.trim(); localStorage.setItem("portalToken", token); start().catch(show);
});
const show = (error) => { $("#who").textContent = `Error: ${error.message}`; };
$("#period").addEventListener("change", () => Promise.all([loadDraft(), loadPosDraft()]).catch(show));
$("#submit-pos").addEventListener("click", () => submitPos().catch(show));
$("#m-period").addEventListener("change", () => loadManager().catch(show));
$("#submit-stock").addEventListener("click", () => submitStock().catch(show));
$("#upload").addEventListener("submit", (event) => upload(event).catch(show));
const fromDemo = new URLSearchParams(location.hash.slice(1)).get("token");
if (fromDemo) { token = fromDemo; localStorage.setItem("portalToken", token); history.replaceState(null, "", "/"); }
start().catch(show);
