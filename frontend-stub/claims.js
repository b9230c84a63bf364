// Ship & debit claims: a partner submits the prefilled draft and follows its claims' line
// results; a manager reviews validated claims (codes, POS evidence) and sees the credit memos.
import { $, button, gql, labelled, mutate, row, state } from "./api.js";

const LINE = `sku quantity endCustomerName approvedQuantity unitCredit amount status codes
  evidence { submissionId row soldOn invoiceNo units reason }`;
const CLAIM = `id status partnerCode period claimedAmount approvedAmount currency reviewNote
  lines { ${LINE} } creditMemo { number amount }`;
const MEMO = "id number kind partnerCode amount currency period claimId createdAt lines { sku quantity unitCredit }";
const PENDING = ["SUBMITTED", "VALIDATING"];

const money = (x) => (x == null ? null : Number(x).toFixed(2));
const unit = (x) => (x == null ? null : Number(x).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 4 }));
const el = (tag, props = {}) => Object.assign(document.createElement(tag), props);
const status = () => el("span", { className: "result", role: "status" });
// A button whose failure is written next to it, not at the top of the page.
const guarded = (target, run) => () => run().catch((error) => { target.textContent = `Error: ${error.message}`; });

function evidenceOf(line) {
  return line.evidence.map((e) => `${e.units} units ${e.reason} (submission ${e.submissionId ?? "—"} row ${e.row ?? "—"}`
    + `${e.soldOn ? `, sold ${e.soldOn}` : ""}${e.invoiceNo ? `, invoice ${e.invoiceNo}` : ""})`).join("; ") || "none";
}

function linesTable(lines, withEvidence) {
  const table = el("table", { className: "stack" });
  const heads = ["SKU", "End customer", "Claimed", "Approved", "Unit credit", "Amount", "Result"];
  if (withEvidence) heads.push("POS evidence");
  table.createTHead().insertRow().append(...heads.map((text) => el("th", { textContent: text })));
  table.createTBody().append(...lines.map((l) => {
    const result = el("td", { className: l.status, textContent: [l.status, ...l.codes].join(" ") });
    const cells = [l.sku, l.endCustomerName, l.quantity, l.approvedQuantity, unit(l.unitCredit), money(l.amount), result];
    if (withEvidence) cells.push(evidenceOf(l));
    return row(...cells);
  }));
  const scroll = el("div", { className: "scroll" }); scroll.append(labelled(table));
  return scroll;
}

function claimCard(c, withEvidence = false) {
  const card = el("article", { className: "claim" }); card.dataset.id = c.id; card.dataset.period = c.period;
  const title = el("h4"); title.append(`Claim ${c.id} · ${c.partnerCode} · ${c.period} · `, el("span", { className: c.status, textContent: c.status }));
  const approvable = c.approvedAmount == null ? "" : c.status === "VALIDATED"
    ? `; validated at ${money(c.approvedAmount)}, awaiting review` : `; approved ${money(c.approvedAmount)}`;
  const memo = c.creditMemo ? `; credit memo ${c.creditMemo.number}` : "";
  const note = c.reviewNote ? `; note: ${c.reviewNote}` : "";
  card.append(title, el("p", { textContent: `Claimed ${money(c.claimedAmount)} ${c.currency}${approvable}${memo}${note}` }),
    linesTable(c.lines, withEvidence));
  return card;
}

// The partner's side.

export async function loadClaimDraft() {
  const period = $("#claim-period").value;
  const { claimDraft } = await gql(`query($p: String!) { claimDraft(kind: SHIP_AND_DEBIT, period: $p) {
    lines { sku quantity endCustomerName agreementId unitCredit } } }`, { p: period });
  if (period !== $("#claim-period").value) return;  // the period changed meanwhile
  $("#claim-draft").dataset.period = period;
  $("#claim-draft tbody").replaceChildren(...claimDraft.lines.map((line) => {
    const input = el("input", { type: "number", min: 0, value: line.quantity });
    input.dataset.line = JSON.stringify({ sku: line.sku, endCustomerName: line.endCustomerName, agreementId: line.agreementId });
    const td = el("td"); td.append(input);
    return row(line.sku, line.endCustomerName, unit(line.unitCredit), td);
  }));
  labelled($("#claim-draft"));
  $("#claim-draft-empty").hidden = claimDraft.lines.length > 0;
}

export async function loadClaims() {
  const data = await gql(`{ claims(first: 100) { edges { node { ${CLAIM} } } } }`);
  const claims = data.claims.edges.map((e) => e.node).reverse();  // newest first
  $("#claims").replaceChildren(...claims.map((c) => claimCard(c)));
  $("#claims-empty").hidden = claims.length > 0;
}

// The job validates a submitted claim within moments; follow it until it has its results.
async function settled(id) {
  for (let attempt = 0; ; attempt += 1) {
    const { claim } = await gql(`query($id: ID!) { claim(id: $id) { id status claimedAmount approvedAmount currency } }`, { id });
    if (!PENDING.includes(claim.status) || attempt >= 60) return claim;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export async function submitClaim() {
  const out = $("#claim-status");
  const submit = $("#submit-claim"); submit.disabled = true;
  try {
    const lines = [...document.querySelectorAll("#claim-draft tbody input")]
      .filter((input) => input.value !== "" && Number(input.value) !== 0)
      .map((input) => ({ ...JSON.parse(input.dataset.line), quantity: Number(input.value) }));
    if (!lines.length) { out.textContent = "Nothing to claim: the draft is empty."; return; }
    const input = { kind: "SHIP_AND_DEBIT", period: $("#claim-period").value, lines, idempotencyKey: crypto.randomUUID() };
    const { payload, problem } = await mutate("submitClaim", "SubmitClaimInput", input, "claim { id status }");
    if (problem) { out.textContent = problem; return; }
    out.textContent = `Claim ${payload.claim.id}: ${payload.claim.status}, validating…`;
    const claim = await settled(payload.claim.id);
    await Promise.all([loadClaimDraft(), loadClaims()]);
    const approved = claim.approvedAmount == null ? "" : `: approves ${money(claim.approvedAmount)} of ${money(claim.claimedAmount)} ${claim.currency}`;
    out.textContent = `Claim ${claim.id}: ${claim.status}${approved}`;
  } catch (error) {
    out.textContent = `Error: ${error.message}`;
  } finally {
    submit.disabled = false;
  }
}

// The manager's side.

export async function loadClaimReviews() {
  const data = await gql(`{ claims(status: VALIDATED, first: 100) { edges { node { ${CLAIM} } } } }`);
  const pending = data.claims.edges.map((e) => e.node);
  $("#claim-reviews").replaceChildren(...pending.map((c) => {
    const card = claimCard(c, true);
    const note = el("input", { name: "note", placeholder: "note (needed to reject)" });
    const result = status();
    const review = (decision) => guarded(result, async () => {
      const { payload, problem } = await mutate("reviewClaim", "ReviewClaimInput", { id: c.id, decision, note: note.value || null },
        "claim { id status currency creditMemo { number amount } }");
      if (problem) { result.textContent = problem; return; }
      const made = payload.claim;
      const memo = made.creditMemo ? `, credit memo ${made.creditMemo.number} (${money(made.creditMemo.amount)} ${made.currency})` : "";
      await Promise.all([loadClaimReviews(), loadMemos()]);
      $("#claim-review-status").textContent = `Claim ${made.id}: ${made.status}${memo}`;
    });
    const decision = el("div", { className: "decision" });
    decision.append(note, button("Approve", review("APPROVE")), button("Reject", review("REJECT")), result);
    card.append(decision);
    return card;
  }));
  $("#claim-reviews-empty").hidden = pending.length > 0;
}

export async function loadMemos() {
  const data = await gql(`{ creditMemos(first: 100) { edges { node { ${MEMO} } } } }`);
  const memos = data.creditMemos.edges.map((e) => e.node).reverse();  // newest first
  $("#memos tbody").replaceChildren(...memos.map((m) => {
    const lines = m.lines.map((l) => `${l.sku} × ${l.quantity} @ ${unit(l.unitCredit)}`).join(", ");
    const tr = row(m.number, m.kind, m.partnerCode, m.period, m.claimId, `${money(m.amount)} ${m.currency}`, lines,
      new Date(m.createdAt).toLocaleDateString());
    tr.dataset.number = m.number;
    return tr;
  }));
  labelled($("#memos"));
  $("#memos-empty").hidden = memos.length > 0;
  linkMemoCsv();
}

export function linkMemoCsv() {
  $("#memo-csv").href = `/exports/credit-memos.csv?period=${encodeURIComponent($("#memo-period").value)}`;
}

// The export needs the bearer token, which a plain link cannot send: fetch it, then save it.
export async function downloadMemoCsv(event) {
  event.preventDefault();
  const out = $("#memo-csv-status"); out.textContent = "";
  const response = await fetch($("#memo-csv").href, { headers: { Authorization: `Bearer ${state.token}` } });
  if (!response.ok) {
    const body = await response.json().catch(() => ({ errors: [{ message: response.statusText }] }));
    out.textContent = `Error: ${body.errors[0].message}`;
    return;
  }
  const url = URL.createObjectURL(await response.blob());
  const save = el("a", { href: url, download: `credit-memos-${$("#memo-period").value}.csv` });
  document.body.append(save); save.click(); save.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  out.textContent = "Downloaded.";
}
