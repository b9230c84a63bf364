// Inventory documents. Partner: records opening stock, goods received (inbound) and goods
// issued other than by sale (outbound) with a reason, and lists its own with their status.
// Manager: the documents awaiting approval (over the manufacturer's threshold they post
// nothing until approved here); a rejection needs a note, typed in the row.
import { $, actions, button, formValues, gql, labelled, mutate, row, say } from "./api.js";

const REASONS = {
  INBOUND: ["OTHER_SUPPLIER", "FOUND", "RETURNED_FROM_LOAN", "OTHER"],
  OUTBOUND: ["SAMPLE", "SCRAP", "INTERNAL_USE", "LOAN", "OTHER"],
  OPENING_STOCK: ["OPENING_BALANCE"],
};
const words = (code) => code.toLowerCase().replaceAll("_", " ");
const STATUS = { POSTED: "posted", PENDING_APPROVAL: "waiting for approval", REJECTED: "rejected" };

function reasons() {
  $("#d-reason").replaceChildren(...REASONS[$("#d-kind").value].map((r) => new Option(words(r), r)));
}

export async function loadPartnerDocuments() {
  const { warehouses, inventoryDocuments } = await gql(`{ warehouses { code name }
    inventoryDocuments(first: 100) { edges { node { ${"id kind reason status documentNo businessDate warehouseCode reviewNote lines { sku quantity }"} } } } }`);
  if (!$("#d-warehouse").options.length) {
    $("#d-warehouse").replaceChildren(...warehouses.map((w) => new Option(`${w.code} (${w.name})`, w.code)));
    reasons();
  }
  const own = inventoryDocuments.edges.map((e) => e.node).reverse();  // newest first
  $("#own-documents tbody").replaceChildren(...own.map((d) => row(d.businessDate, `${words(d.kind)} · ${words(d.reason)}`,
    d.documentNo || d.id, d.warehouseCode, d.lines.map((x) => `${x.sku} × ${x.quantity}`).join(", "),
    STATUS[d.status] + (d.reviewNote ? ` (${d.reviewNote})` : ""))));
  labelled($("#own-documents"));
  $("#own-documents-empty").hidden = own.length > 0;
}

export async function recordDocument(event) {
  event.preventDefault();
  const v = formValues(event.target);
  const { payload, problem } = await mutate("recordInventoryDocument", "RecordInventoryDocumentInput", {
    kind: v.kind, warehouseCode: v.warehouse, reason: v.reason, documentNo: v.documentNo || null, note: v.note || null,
    lines: [{ sku: v.sku, quantity: Number.parseInt(v.quantity, 10) }],
  }, "inventoryDocument { id status }");
  if (problem) { say("#document-form-status", problem, true); return; }
  say("#document-form-status", `Recorded: ${STATUS[payload.inventoryDocument.status]}.`);
  await loadPartnerDocuments();
}

export function wireDocuments(on) {
  on("#d-kind", "change", async () => reasons());
  on("#document-form", "submit", recordDocument, "#document-form-status");
}

const FIELDS = "id kind reason documentNo businessDate totalQuantity note partnerCode warehouseCode lines { sku quantity }";

async function review(doc, decision, note) {
  const { problem } = await mutate("reviewInventoryDocument", "ReviewInventoryDocumentInput",
    { id: doc.id, decision, note: note.value.trim() || null }, "inventoryDocument { id status }");
  if (problem) { say("#document-status", problem, true); return; }
  say("#document-status", `${doc.documentNo || `Document ${doc.id}`}: ${decision === "APPROVE" ? "approved and posted" : "rejected"}.`);
  await loadDocumentReviews();
}

export async function loadDocumentReviews() {
  const data = await gql(`{ inventoryDocuments(status: PENDING_APPROVAL, first: 100) { edges { node { ${FIELDS} } } } }`);
  const pending = data.inventoryDocuments.edges.map((e) => e.node);
  $("#documents tbody").replaceChildren(...pending.map((d) => {
    const note = Object.assign(document.createElement("input"), { placeholder: "note (required to reject)" });
    note.setAttribute("aria-label", `Note on ${d.documentNo || d.id}`);
    return row(`${d.partnerCode} · ${d.warehouseCode}`, `${d.kind} ${d.reason}`, d.documentNo || d.id, d.businessDate,
      d.lines.map((x) => `${x.sku} × ${x.quantity}`).join(", "), d.note || "—", actions(note,
        button("Approve", () => review(d, "APPROVE", note), "#document-status"),
        button("Reject", () => review(d, "REJECT", note), "#document-status")));
  }));
  labelled($("#documents"));
  $("#documents-empty").hidden = pending.length > 0;
}
