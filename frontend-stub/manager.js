// The manager's dashboard: exceptions (filters, workflow, audit trail) and compliance.
import { $, actions, button, cell, formValues, gql, labelled, mutate, row } from "./api.js";

const ROW = `id partnerCode warehouseCode sku calculated reported gap gapPct gapValue status exceptionStatus owner reason
  opening sellIn customerReturns sellThrough transfersIn transfersOut returnsToManufacturer adjustments`;

const money = (x) => Number(x).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

function filters() {
  const v = formValues($("#x-filters"));
  return {
    p: $("#m-period").value, partner: v.partner || null, sku: v.sku || null,
    minGap: v.minGap ? Number(v.minGap) : null, only: !v.all, sort: v.sort || "GAP_VALUE_DESC",
  };
}

export async function loadExceptions() {
  const data = await gql(`query($p: String!, $partner: String, $sku: String, $minGap: Int, $only: Boolean!, $sort: ReconciliationSort!) {
    reconciliation(period: $p, partnerCode: $partner, sku: $sku, minGap: $minGap, onlyExceptions: $only, sort: $sort, first: 100) {
      totalCount edges { node { ${ROW} } } } }`, filters());
  const rows = data.reconciliation.edges.map((e) => e.node);
  $("#exceptions tbody").replaceChildren(...rows.map((r) => {
    const status = cell(r.exceptionStatus || r.status); status.className = r.status;
    const open = r.exceptionStatus !== "RESOLVED" && r.gap;
    const tr = row(r.partnerCode, r.warehouseCode, r.sku, r.calculated, r.reported, r.gap, money(r.gapValue), status, actions(
      open && button(`Resolve (correct ${-r.gap})`, () => resolve(r)),
      button("Details", () => openDetail(r)),
    ));
    tr.dataset.key = `${r.partnerCode} ${r.warehouseCode} ${r.sku}`;
    return tr;
  }));
  labelled($("#exceptions"));
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
  labelled($("#d-history"));
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
  labelled($("#compliance"));
}
