// Ship & debit claims: a partner submits the prefilled draft and follows its claims' line
// results; a manager reviews validated claims (codes, POS evidence) and sees the credit memos.
import { $, button, gql, labelled, mutate, problemOf, row, say, state } from "./api.js";

const LINE = `sku quantity endCustomerName approvedQuantity unitCredit amount status codes
  evidence { submissionId row soldOn invoiceNo units reason }`;
const CLAIM = `id kind status partnerCode period claimedAmount approvedAmount currency reviewNote
  lines { ${LINE} } creditMemo { number amount }`;
const MEMO = "id number kind partnerCode amount currency period claimId createdAt lines { sku quantity unitCredit }";
const PENDING = ["SUBMITTED", "VALIDATING"];
const APPROVED = ["APPROVED", "PARTIALLY_APPROVED"];  // the credit_claim job then issues the memo

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
  const card = el("article", { className: "claim" });
  Object.assign(card.dataset, { id: c.id, period: c.period, kind: c.kind });
  const kind = c.kind === "SHIP_AND_DEBIT" ? "ship & debit" : c.kind.toLowerCase().replaceAll("_", " ");
  const title = el("h4"); title.append(`Claim ${c.id} · ${kind} · ${c.partnerCode} · ${c.period} · `, el("span", { className: c.status, textContent: c.status }));
  const approvable = c.approvedAmount == null ? "" : c.status === "VALIDATED"
    ? `; validated at ${money(c.approvedAmount)}, awaiting review` : `; approved ${money(c.approvedAmount)}`;
  const memo = c.creditMemo ? `; credit memo ${c.creditMemo.number}` : "";
  const note = c.reviewNote ? `; note: ${c.reviewNote}` : "";
  card.append(title, el("p", { textContent: `Claimed ${money(c.claimedAmount)} ${c.currency}${approvable}${memo}${note}` }),
    linesTable(c.lines, withEvidence));
  return card;
}

// The partner's side.

// Only the newest request's draft is shown: a second `change` (a browser may send two) must
// not replace the grid after the partner has started typing into the first one.
let draftRequest = 0;

export async function loadClaimDraft() {
  const mine = ++draftRequest;
  const period = $("#claim-period").value;
  const { claimDraft } = await gql(`query($p: String!) { claimDraft(kind: SHIP_AND_DEBIT, period: $p) {
    lines { sku quantity endCustomerName agreementId unitCredit } } }`, { p: period });
  if (mine !== draftRequest || period !== $("#claim-period").value) return;  // a newer one is on its way
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
  const claims = data.claims.edges.map((e) => e.node);  // the newest 100, newest first
  $("#claims").replaceChildren(...claims.map((c) => claimCard(c)));
  $("#claims-empty").hidden = claims.length > 0;
}

// A job validates a submitted claim (and credits an approved one) within moments; follow
// the claim until it has left the given statuses.
async function settled(id, waiting = PENDING) {
  for (let attempt = 0; ; attempt += 1) {
    const { claim } = await gql(`query($id: ID!) { claim(id: $id) { id status claimedAmount approvedAmount currency
      creditMemo { number amount } } }`, { id });
    if (!waiting.includes(claim.status) || attempt >= 60) return claim;
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
        "claim { id status currency }");
      if (problem) { result.textContent = problem; return; }
      const made = payload.claim;
      const out = $("#claim-review-status");
      if (!APPROVED.includes(made.status)) {
        await loadClaimReviews();
        out.textContent = `Claim ${made.id}: ${made.status}`;
        return;
      }
      out.textContent = `Claim ${made.id}: ${made.status}, crediting…`;
      await loadClaimReviews();
      const credited = await settled(made.id, APPROVED);
      const memo = credited.creditMemo ? `, credit memo ${credited.creditMemo.number} (${money(credited.creditMemo.amount)} ${credited.currency})` : "";
      await loadMemos();
      out.textContent = `Claim ${made.id}: ${made.status}, then ${credited.status}${memo}`;
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
  const memos = data.creditMemos.edges.map((e) => e.node);  // the newest 100, newest first
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
    say(out, `Error: ${await problemOf(response)}`, true);
    return;
  }
  const url = URL.createObjectURL(await response.blob());
  const save = el("a", { href: url, download: `credit-memos-${$("#memo-period").value}.csv` });
  document.body.append(save); save.click(); save.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  out.textContent = "Downloaded.";
}
