// Design registrations: a partner registers and follows its own; a manager reviews, seeing conflicts.
import { $, actions, addDays, button, formValues, gql, labelled, mutate, row } from "./api.js";

const FIELDS = `id status partnerCode projectName expiresOn reviewNote endCustomer { name country }
  lines { sku expectedQuantity sellThroughToDate } conflicts { sku endCustomerName partnerCode }`;

const linesOf = (d) => d.lines.map((l) => `${l.sku} × ${l.expectedQuantity} (sold ${l.sellThroughToDate})`).join(", ");
const conflictsOf = (d) => d.conflicts.length
  ? d.conflicts.map((c) => `${c.sku} also registered for ${c.endCustomerName}${c.partnerCode ? ` by ${c.partnerCode}` : ""}`).join("; ")
  : "none";

export async function loadPartnerDesigns() {
  const data = await gql(`{ designRegistrations(newestFirst: true, first: 100) { edges { node { ${FIELDS} } } } }`);
  const designs = data.designRegistrations.edges.map((e) => e.node);  // the newest 100, newest first
  $("#designs tbody").replaceChildren(...designs.map((d) => {
    const tr = row(d.projectName, d.endCustomer.name, linesOf(d), d.status, d.expiresOn, conflictsOf(d));
    tr.dataset.id = d.id;
    return tr;
  }));
  labelled($("#designs"));
}

export async function registerDesign(event) {
  event.preventDefault();
  const v = formValues(event.target);
  const input = {
    endCustomer: { name: v.customer, country: v.country, postalCode: v.postalCode || "" },
    projectName: v.project, expectedCloseOn: v.closeOn,
    lines: [{ sku: v.sku, expectedQuantity: Number(v.quantity), requestedPrice: v.price || null }],
    idempotencyKey: crypto.randomUUID(),
  };
  const { payload, problem } = await mutate("registerDesign", "RegisterDesignInput", input,
    "designRegistration { id status conflicts { sku } }");
  if (problem) { $("#design-status").textContent = problem; return; }
  const made = payload.designRegistration;
  const clash = made.conflicts.length ? `, conflicts with ${made.conflicts.length} other registration line(s)` : "";
  event.target.reset();
  await loadPartnerDesigns();
  $("#design-status").textContent = `Registration ${made.id}: ${made.status}${clash}`;
}

export async function loadReviews() {
  const data = await gql(`{ designRegistrations(status: SUBMITTED, first: 100) { edges { node { ${FIELDS} } } } }`);
  const pending = data.designRegistrations.edges.map((e) => e.node);
  $("#reviews tbody").replaceChildren(...pending.map((d) => {
    const note = Object.assign(document.createElement("input"), { placeholder: "note (needed to reject)" });
    const expires = Object.assign(document.createElement("input"), { type: "date", value: addDays(180) });
    const review = (decision) => async () => {
      const { problem } = await mutate("reviewDesign", "ReviewDesignInput",
        { id: d.id, decision, expiresOn: decision === "APPROVE" ? expires.value : null, note: note.value || null },
        "designRegistration { status }");
      if (!problem) await loadReviews();
      $("#review-status").textContent = problem || `Registration ${d.id}: ${decision === "APPROVE" ? "APPROVED" : "REJECTED"}`;
    };
    return row(d.partnerCode, d.projectName, d.endCustomer.name, linesOf(d), conflictsOf(d),
      actions(expires, note, button("Approve", review("APPROVE")), button("Reject", review("REJECT"))));
  }));
  labelled($("#reviews"));
  $("#reviews-empty").hidden = pending.length > 0;
}
