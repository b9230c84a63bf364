// The manager's dashboard: exceptions (filters, workflow, audit trail), channel chart, compliance.
import { $, actions, button, cell, formValues, gql, mutate, row } from "./api.js";

const ROW = `id partnerCode warehouseCode sku calculated reported gap gapPct status exceptionStatus owner reason
  opening sellIn customerReturns sellThrough transfersIn transfersOut returnsToManufacturer adjustments`;

function filters() {
  const v = formValues($("#x-filters"));
  return {
    p: $("#m-period").value, partner: v.partner || null, sku: v.sku || null,
    minGap: v.minGap ? Number(v.minGap) : null, only: !v.all,
  };
}

export async function loadExceptions() {
  const data = await gql(`query($p: String!, $partner: String, $sku: String, $minGap: Int, $only: Boolean) {
    reconciliation(period: $p, partnerCode: $partner, sku: $sku, minGap: $minGap, onlyExceptions: $only, first: 100) {
      totalCount edges { node { ${ROW} } } } }`, filters());
  const rows = data.reconciliation.edges.map((e) => e.node);
  $("#exceptions tbody").replaceChildren(...rows.map((r) => {
    const status = cell(r.exceptionStatus || r.status); status.className = r.status;
    const open = r.exceptionStatus !== "RESOLVED" && r.gap;
    const tr = row(r.partnerCode, r.warehouseCode, r.sku, r.calculated, r.reported, r.gap, status, actions(
      open && button(`Resolve (correct ${-r.gap})`, () => resolve(r)),
      button("Details", () => openDetail(r)),
    ));
    tr.dataset.key = `${r.partnerCode} ${r.warehouseCode} ${r.sku}`;
    return tr;
  }));
  $("#x-count").textContent = `${data.reconciliation.totalCount} row(s)`;
}

async function resolve(r) {
  const { problem } = await mutate("updateException", "UpdateExceptionInput",
    { rowId: r.id, status: "RESOLVED", reason: "REPORTING_ERROR", correctionQuantity: -r.gap }, "row { id }");
  await loadExceptions();
  $("#x-status").textContent = problem || `Corrected ${r.partnerCode} ${r.sku} by ${-r.gap}.`;
}

async function openDetail(r) {
  const panel = $("#exception-detail"); panel.hidden = false;
  panel.dataset.rowId = r.id;
  $("#d-title").textContent = `${r.partnerCode} · ${r.warehouseCode} · ${r.sku}`;
  const parts = [["Opening", r.opening], ["Sell-in", r.sellIn], ["Customer returns", r.customerReturns],
    ["Sell-through", -r.sellThrough], ["Transfers in", r.transfersIn], ["Transfers out", -r.transfersOut],
    ["Returns to manufacturer", -r.returnsToManufacturer], ["Adjustments", r.adjustments],
    ["Calculated", r.calculated], ["Reported", r.reported], ["Gap", r.gap]];
  $("#d-components tbody").replaceChildren(...parts.map(([name, value]) => row(name, value)));
  const form = $("#exception-form");
  form.elements.status.value = r.exceptionStatus || "OPEN";
  form.elements.owner.value = r.owner || "";
  form.elements.reason.value = r.reason || "";
  form.elements.correction.value = "";
  form.elements.note.value = "";
  await loadHistory(r);
  panel.scrollIntoView({ block: "nearest" });
}

async function loadHistory(r) {
  const data = await gql(`query($p: String!, $partner: String, $sku: String, $w: String) {
    reconciliation(period: $p, partnerCode: $partner, sku: $sku, warehouseCode: $w, first: 1) {
      edges { node { id stockSubmissionId posSubmissionIds history { action details at byPartner } } } } }`,
  { p: $("#m-period").value, partner: r.partnerCode, sku: r.sku, w: r.warehouseCode });
  const node = data.reconciliation.edges[0]?.node;
  const events = node ? node.history : [];
  $("#d-sources").textContent = node
    ? `Reported from stock submission ${node.stockSubmissionId ?? "— (none)"}; sell-through from POS submission(s) ${node.posSubmissionIds.join(", ") || "— (none)"}.`
    : "";
  $("#d-history tbody").replaceChildren(...events.map((e) => row(
    new Date(e.at).toLocaleString(), e.byPartner ? "partner" : "manufacturer", e.action, JSON.stringify(e.details))));
}

export async function saveException(event) {
  event.preventDefault();
  const v = formValues(event.target);
  const input = {
    rowId: $("#exception-detail").dataset.rowId, status: v.status, ownerEmail: v.owner || null,
    reason: v.reason || null, note: v.note || null, correctionQuantity: v.correction ? Number(v.correction) : null,
  };
  const { payload, problem } = await mutate("updateException", "UpdateExceptionInput", input, `row { ${ROW} }`);
  if (!problem) await Promise.all([openDetail(payload.row), loadExceptions()]);
  $("#x-status").textContent = problem || `Saved: gap ${payload.row.gap}, ${payload.row.exceptionStatus || payload.row.status}.`;
}

export async function loadCompliance() {
  const data = await gql("query($p: String!) { submissionCompliance(period: $p) { partnerCode kind state dueOn } }", { p: $("#m-period").value });
  $("#compliance tbody").replaceChildren(...data.submissionCompliance.map((r) => {
    const state = cell(r.state); state.className = r.state;
    return row(r.partnerCode, r.kind, state, r.dueOn);
  }));
}

export async function drawChart() {
  const last = $("#m-period").value;
  const [year, month] = last.split("-").map(Number);
  const first = new Date(Date.UTC(year, month - 6, 1)).toISOString().slice(0, 7);
  const v = formValues($("#c-filters"));
  const { channelSummary } = await gql(`query($a: String!, $b: String!, $partner: String, $sku: String) {
    channelSummary(periodFrom: $a, periodTo: $b, partnerCode: $partner, sku: $sku) {
    period sellIn sellThrough calculatedInventory reportedInventory } }`, { a: first, b: last, partner: v.partner || null, sku: v.sku || null });
  const series = [["sellIn", "#3366cc"], ["sellThrough", "#dc3912"], ["calculatedInventory", "#109618"], ["reportedInventory", "#ff9900"]];
  const top = Math.max(1, ...channelSummary.flatMap((r) => series.map(([key]) => r[key] || 0)));
  const x = (i) => 50 + i * (560 / Math.max(channelSummary.length - 1, 1));
  const y = (value) => 230 - (value / top) * 200;
  const ns = "http://www.w3.org/2000/svg";
  const svg = $("#chart"); svg.replaceChildren();
  const draw = (tag, attributes, text) => {
    const node = document.createElementNS(ns, tag);
    Object.entries(attributes).forEach(([k, value]) => node.setAttribute(k, value));
    if (text !== undefined) node.textContent = text;
    svg.append(node);
  };
  draw("text", { x: 4, y: 34, "font-size": 10, fill: "#666" }, top);
  draw("line", { x1: 45, y1: 230, x2: 615, y2: 230, stroke: "#ccc" });
  series.forEach(([key, colour], index) => {
    const points = channelSummary.map((r, i) => (r[key] == null ? null : `${x(i)},${y(r[key])}`)).filter(Boolean);
    draw("polyline", { points: points.join(" "), fill: "none", stroke: colour, "stroke-width": 2 });
    draw("text", { x: 60 + index * 145, y: 15, fill: colour, "font-size": 12 }, key);
  });
  channelSummary.forEach((r, i) => draw("text", { x: x(i) - 20, y: 250, "font-size": 11 }, r.period));
}
