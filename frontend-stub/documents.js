// Inventory documents awaiting approval (manager): a partner's opening stock, inbound or
// outbound over the manufacturer's threshold posts nothing until approved here; a
// rejection needs a note, typed in the row.
import { $, actions, button, gql, labelled, mutate, row, say } from "./api.js";

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
