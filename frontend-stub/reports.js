// The partner's reports: the state of its recent periods (the page opens on the one due
// next), prefilled stock and POS grids that show an accepted report and ask before
// replacing it, file upload with live progress. Each result shows next to its button.
import { $, actions, button, cell, gql, labelled, mutate, problemOf, row, say, state } from "./api.js";
import { watchProgress } from "./live.js";

const RECENT = 7;  // the current month and the six before it
const ACCEPTED = ["ACCEPTED", "ACCEPTED_WITH_WARNINGS"];
const SUBMISSION = "id kind version status superseded dryRun createdAt rowsTotal source fileName";
const KIND_NAMES = { POS: "point-of-sale", STOCK: "stock" };

// "YYYY-MM" of the month `count` months before the current one (UTC, as the portal counts).
export function monthsBack(count) {
  const d = new Date(); d.setUTCDate(1); d.setUTCMonth(d.getUTCMonth() - count);
  return d.toISOString().slice(0, 7);
}
const today = () => new Date().toISOString().slice(0, 10);
const days = (from, to) => Math.round((Date.parse(to) - Date.parse(from)) / 86400000);
const when = (iso) => new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });

// One period's state for one kind, in words, with the class that colours it.
function stateOf(r, due) {
  if (!r) return ["—", ""];
  if (r.state === "ON_TIME") return [`reported ${when(r.submittedAt)}`, "ON_TIME"];
  if (r.state === "LATE") return [`reported late, ${when(r.submittedAt)}`, "LATE"];
  const left = days(today(), due);
  return left < 0 ? [`missing, ${-left} day(s) overdue`, "MISSING"] : [`not reported, due in ${left} day(s)`, ""];
}

// The recent periods with their due dates and states; returns the period due next: the
// oldest with a report missing, or the current one when every earlier one is in.
export async function loadPeriods() {
  const periods = Array.from({ length: RECENT }, (_, i) => monthsBack(i));
  const data = await gql(`{ ${periods.map((p, i) => `p${i}: submissionCompliance(period: "${p}") {
    kind state dueOn submittedAt }`).join(" ")} }`);
  const rows = periods.map((period, i) => {
    const found = data[`p${i}`];
    const of = Object.fromEntries(found.map((r) => [r.kind, r]));
    return { period, due: found[0]?.dueOn, pos: of.POS, stock: of.STOCK };
  });
  const missing = rows.filter((r) => [r.pos, r.stock].some((k) => k && k.state === "MISSING"));
  state.periods = rows;
  renderPeriods();
  return missing.length ? missing[missing.length - 1].period : periods[0];
}

function renderPeriods() {
  const selected = $("#period").value;
  $("#periods tbody").replaceChildren(...(state.periods || []).map((r) => {
    const [pos, posClass] = stateOf(r.pos, r.due);
    const [stock, stockClass] = stateOf(r.stock, r.due);
    const tr = row(r.period, r.due, Object.assign(cell(pos), { className: posClass }),
      Object.assign(cell(stock), { className: stockClass }),
      actions(r.period !== selected && button(`Open ${r.period}`, async () => { $("#period").value = r.period; await loadReport(); })));
    tr.dataset.period = r.period;
    if (r.period === selected) tr.setAttribute("aria-current", "true");
    return tr;
  }));
  labelled($("#periods"));
  const current = (state.periods || []).find((r) => r.period === selected);
  $("#period-note").textContent = current
    ? `Due ${current.due}. Point of sale: ${stateOf(current.pos, current.due)[0]}; stock: ${stateOf(current.stock, current.due)[0]}.`
    : "";
}

// The partner's current accepted report of each kind for the period, or null.
async function acceptedReports(period) {
  const data = await gql(`query($p: String!) {
    pos: submissions(period: $p, kind: POS, first: 100) { edges { node { ${SUBMISSION} } } }
    stock: submissions(period: $p, kind: STOCK, first: 100) { edges { node { ${SUBMISSION} } } } }`, { p: period });
  const current = (c) => c.edges.map((e) => e.node).filter((s) => ACCEPTED.includes(s.status) && !s.superseded && !s.dryRun).pop() || null;
  return { POS: current(data.pos), STOCK: current(data.stock) };
}

const describe = (s) => `version ${s.version}, received ${when(s.createdAt)}, ${s.rowsTotal} row(s)`
  + `${s.fileName ? ` from ${s.fileName}` : ""}${s.status === "ACCEPTED" ? "" : ", with warnings"}`;

function showReports(period, reports) {
  state.reports = { period, ...reports };
  const stock = $("#stock-report"); stock.hidden = !reports.STOCK;
  if (reports.STOCK) stock.textContent = `Your stock report for ${period} is accepted (${describe(reports.STOCK)}); the grid shows its figures. Submitting replaces it.`;
  const pos = $("#pos-report"); pos.hidden = !reports.POS;
  if (reports.POS) pos.textContent = `Your point-of-sale report for ${period} is accepted (${describe(reports.POS)}). Submitting the lines below, or a file, replaces the whole report.`;
}

// What the accepted stock report says per warehouse and SKU (from its reconciliation rows).
async function reportedQuantities(period, report) {
  const reported = new Map();
  let after = null;
  for (let page = 0; page < 50; page += 1) {
    const { reconciliation } = await gql(`query($p: String!, $after: String) { reconciliation(period: $p, first: 100, after: $after) {
      pageInfo { hasNextPage endCursor } edges { node { warehouseCode sku reported stockSubmissionId } } } }`, { p: period, after });
    for (const { node } of reconciliation.edges) {
      if (node.stockSubmissionId === report.id && node.reported != null) reported.set(`${node.warehouseCode} ${node.sku}`, node.reported);
    }
    if (!reconciliation.pageInfo.hasNextPage) break;
    after = reconciliation.pageInfo.endCursor;
  }
  return reported;
}

// The selected period: its reports, the stock grid and the POS grid.
export async function loadReport() {
  const period = $("#period").value;
  renderPeriods();
  const reports = await acceptedReports(period);
  if (period !== $("#period").value) return;  // the period changed meanwhile
  showReports(period, reports);
  await Promise.all([loadStockDraft(), loadPosDraft()]);
}

export async function loadStockDraft() {
  const period = $("#period").value;
  const report = state.reports?.period === period ? state.reports.STOCK : null;
  const [data, reported] = await Promise.all([
    gql("query($p: String!) { stockSnapshotDraft(period: $p) { lines { warehouseCode sku quantity } } }", { p: period }),
    report ? reportedQuantities(period, report) : new Map(),
  ]);
  if (period !== $("#period").value) return;
  $("#stock-grid tbody").replaceChildren(...data.stockSnapshotDraft.lines.map((line) => {
    const said = reported.get(`${line.warehouseCode} ${line.sku}`);
    const input = Object.assign(document.createElement("input"), { type: "number", min: 0, value: said ?? line.quantity });
    Object.assign(input.dataset, { warehouse: line.warehouseCode, sku: line.sku });
    input.setAttribute("aria-label", `On hand, ${line.warehouseCode} ${line.sku}`);
    const td = document.createElement("td"); td.append(input);
    return row(line.warehouseCode, line.sku, line.quantity, said, td);
  }));
  $("#stock-grid").dataset.period = period; // which period the grid shows
  labelled($("#stock-grid"));
}

export async function loadPosDraft() {
  const period = $("#period").value;
  const data = await gql(`query($p: String!) { posDraft(period: $p) { lines { warehouseCode sku
    endCustomer { name country postalCode } } } }`, { p: period });
  if (period !== $("#period").value) return;
  $("#pos-grid tbody").replaceChildren(...data.posDraft.lines.map((line) => {
    const input = Object.assign(document.createElement("input"), { type: "number", placeholder: "0" });
    input.dataset.line = JSON.stringify(line);
    input.setAttribute("aria-label", `Sold, ${line.sku} to ${line.endCustomer.name}`);
    const td = document.createElement("td"); td.append(input);
    return row(line.warehouseCode, line.sku, line.endCustomer.name, td);
  }));
  labelled($("#pos-grid"));
}

// Ask before a submission replaces the period's accepted report of that kind.
function replaceAgreed(kind, period, out) {
  const report = state.reports?.period === period ? state.reports[kind] : null;
  if (!report) return true;
  const agreed = window.confirm(`Replace your accepted ${KIND_NAMES[kind]} report for ${period} (${describe(report)})?`
    + (kind === "POS" ? " The whole report is replaced, not only the lines you send now." : ""));
  if (!agreed) say(out, `Not submitted: your accepted ${KIND_NAMES[kind]} report for ${period} stays as it is.`);
  return agreed;
}

export async function submitStock() {
  const period = $("#period").value; const out = $("#stock-status");
  if (!replaceAgreed("STOCK", period, out)) return;
  const lines = [...document.querySelectorAll("#stock-grid input")].map((input) => ({
    warehouseCode: input.dataset.warehouse, sku: input.dataset.sku, quantity: Number(input.value),
  }));
  await submitted("submitStockSnapshot", "SubmitStockSnapshotInput", { period, lines }, out);
}

export async function submitPos() {
  const period = $("#period").value; const out = $("#pos-status");
  const [year, month] = period.split("-").map(Number);
  const soldOn = new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);  // the period's last day
  const lines = [...document.querySelectorAll("#pos-grid input")].filter((input) => input.value !== "" && Number(input.value) !== 0)
    .map((input) => {
      const line = JSON.parse(input.dataset.line);
      return { warehouseCode: line.warehouseCode, sku: line.sku, quantity: Number(input.value), soldOn, endCustomer: line.endCustomer };
    });
  if (!lines.length) { say(out, "Type at least one quantity.", true); return; }
  if (!replaceAgreed("POS", period, out)) return;
  await submitted("submitPos", "SubmitPosInput", { period, lines }, out);
}

async function submitted(name, inputType, input, out) {
  say(out, "Sending…");
  const { payload, problem } = await mutate(name, inputType, { ...input, idempotencyKey: crypto.randomUUID() }, "submission { id }");
  if (problem) { say(out, problem, true); return; }
  await follow(payload.submission.id, out);
}

export async function upload(event) {
  event.preventDefault();
  const out = $("#submission-status");
  const kind = $("#upload-kind").value; const period = $("#period").value;
  if (!replaceAgreed(kind, period, out)) return;
  const form = new FormData();
  form.append("kind", kind); form.append("period", period);
  form.append("file", $("#upload-file").files[0]);
  say(out, "Uploading…");
  const response = await fetch("/uploads", { method: "POST", body: form, headers: { Authorization: `Bearer ${state.token}` } });
  if (response.status !== 202) { say(out, `Error: ${await problemOf(response)}`, true); return; }
  await follow((await response.json()).submissionId, out, $("#progress"), $("#row-errors"));
}

function showProgress(id, progress, out, bar) {
  if (bar) { bar.hidden = false; bar.max = Math.max(progress.rowsTotal, 1); bar.value = progress.rowsDone; }
  say(out, `Submission ${id}: ${progress.status} (${progress.rowsDone} of ${progress.rowsTotal} rows)`, progress.status === "REJECTED");
}

// Live progress from the subscription; polling only where the socket is unavailable. The
// row errors go to `table` when given, else the first few into the status line.
async function follow(id, out, bar = null, table = null) {
  let final = await watchProgress(id, (progress) => showProgress(id, progress, out, bar));
  for (;;) {
    const { submission } = await gql(`query($id: ID!) { submission(id: $id) { status rowsDone rowsTotal
      errors(first: 100) { edges { node { row field code message } } } } }`, { id });
    showProgress(id, submission, out, bar);
    if (final || !["QUEUED", "VALIDATING"].includes(submission.status)) {
      const issues = submission.errors.edges.map(({ node }) => node);
      if (table) {
        table.tBodies[0].replaceChildren(...issues.map((i) => row(cell(i.row), i.field, i.code, i.message)));
        labelled(table).hidden = issues.length === 0;
      } else if (issues.length) {
        out.append(` — ${issues.slice(0, 3).map((i) => `line ${i.row}: ${i.code} ${i.message}`).join("; ")}`);
      }
      if (ACCEPTED.includes(submission.status)) await afterAccepted();
      return submission.status;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    final = null;
  }
}

// An accepted report changes the period's state and becomes the one shown (the grids keep
// what was typed: only the notices and the period list are refreshed).
async function afterAccepted() {
  const period = $("#period").value;
  await loadPeriods();
  const reports = await acceptedReports(period);
  if (period === $("#period").value) showReports(period, reports);
}
