// Price protection: a partner sees the open programs (window not closed) with its eligible
// units per warehouse at the effective date (on hand, in transit, units, amount) beside its
// prefilled draft, and submits the draft; a manager sees every program with what is
// claimed, held, approved and credited (from the claims of the kind, grouped by programId)
// and its eligible units (what the partners' drafts leave plus what their claims took), and
// per program, on request, its eligible units across partners (priceProtectionProgram.eligible).
// The page builds its own markup into #pricing-root (index.html holds only that container).
import { $, actions, beside, button, gql, labelled, mutate, row, say } from "./api.js";

const ELIGIBLE = "eligible { partnerCode warehouseCode warehouseName onHand inTransit units amount }";
const PROGRAM = "id sku oldPrice newPrice unitCredit currency effectiveOn closesOn includeInTransit";
const money = (x) => Number(x).toFixed(2);
const el = (tag, props = {}) => Object.assign(document.createElement(tag), props);
const today = () => new Date().toISOString().slice(0, 10);

function html(markup) {
  const template = document.createElement("template"); template.innerHTML = markup.trim(); return template.content;
}

const PARTNER = `
  <h2>Price protection</h2>
  <p>Open list-price drops: the draft holds your eligible units per warehouse (the ledger at the start of the effective date).</p>
  <p id="pp-status" role="status"></p>
  <div id="pp-programs"></div>
  <p id="pp-empty" hidden>No open price protection program.</p>`;

const MANAGER = `
  <h2>Price protection liability</h2>
  <p id="pp-status" role="status"></p>
  <div class="scroll"><table id="pp-liability" class="stack"><thead><tr><th>SKU</th><th>Price</th><th>Effective</th><th>Closes</th>
    <th>Claimed</th><th>Held lines</th><th>Validated / approved</th><th>Credited</th><th>Eligible units</th><th>Eligible value</th><th>Actions</th></tr></thead><tbody></tbody></table></div>
  <p id="pp-empty" hidden>No price protection program.</p>
  <section id="pp-eligible-box" hidden>
    <h3 id="pp-eligible-title"></h3>
    <p>Units each partner warehouse held at the start of the effective date (the ledger; consignment stock excluded), plus in transit when the program counts it.</p>
    <div class="scroll"><table id="pp-eligible" class="stack"><thead><tr><th>Partner</th><th>Warehouse</th><th>On hand</th><th>In transit</th><th>Units</th><th>Amount</th></tr></thead><tbody></tbody></table></div>
    <p id="pp-eligible-total"></p>
    <p id="pp-eligible-none" hidden>No partner warehouse held eligible units.</p>
  </section>`;

export async function startPricing(viewer) {
  const root = $("#pricing-root");
  if (!root) return;
  root.hidden = false;
  if (viewer.partner) { root.replaceChildren(html(PARTNER)); await loadPartnerPrograms(); }
  else { root.replaceChildren(html(MANAGER)); await loadLiability(); }
}

async function programs() {
  const { priceProtectionPrograms } = await gql(`{ priceProtectionPrograms(first: 100) { edges { node { ${PROGRAM} } } } }`);
  return priceProtectionPrograms.edges.map((e) => e.node);
}

export async function loadPartnerPrograms() {
  const open = (await programs()).filter((p) => p.closesOn >= today());
  const cards = await Promise.all(open.map(async (p) => {
    const { claimDraft, priceProtectionProgram } = await gql(`query($id: ID!) { claimDraft(kind: PRICE_PROTECTION, programId: $id) {
      lines { sku quantity warehouseCode unitCredit amount } } priceProtectionProgram(id: $id) { ${ELIGIBLE} } }`, { id: p.id });
    return programCard(p, claimDraft.lines, priceProtectionProgram.eligible);
  }));
  $("#pp-programs").replaceChildren(...cards);
  $("#pp-empty").hidden = cards.length > 0;
}

// The partner's own eligible rows: what the draft starts from, before its claims took any.
function eligibleTable(p, eligible) {
  const table = el("table", { className: "stack pp-eligible" });
  table.append(el("caption", { textContent: `Eligible at the start of ${p.effectiveOn}` }));
  table.createTHead().insertRow().append(...["Warehouse", "On hand", "In transit", "Units", "Amount"].map((t) => el("th", { textContent: t })));
  table.createTBody().append(...eligible.map((e) => row(e.warehouseCode, e.onHand, e.inTransit, e.units, `${money(e.amount)} ${p.currency}`)));
  const scroll = el("div", { className: "scroll" }); scroll.append(labelled(table));
  return scroll;
}

function programCard(p, lines, eligible) {
  const card = el("article", { className: "claim" }); card.dataset.program = p.id; card.dataset.sku = p.sku;
  card.append(el("h4", { textContent: `${p.sku}: ${money(p.oldPrice)} → ${money(p.newPrice)} ${p.currency} from ${p.effectiveOn}` }),
    el("p", { textContent: `Credit ${money(p.unitCredit)} per unit; claims until ${p.closesOn}${p.includeInTransit ? "; units in transit count" : ""}.` }));
  card.append(eligible.length ? eligibleTable(p, eligible) : el("p", { className: "pp-not-eligible", textContent: "No eligible units at the effective date." }));
  if (!lines.length) { card.append(el("p", { className: "pp-nothing", textContent: "Nothing left to claim." })); return card; }
  const table = el("table", { className: "stack pp-draft" });
  table.append(el("caption", { textContent: "Your draft: left to claim" }));
  table.createTHead().insertRow().append(...["Warehouse", "Eligible", "Unit credit", "Claim"].map((t) => el("th", { textContent: t })));
  table.createTBody().append(...lines.map((l) => {
    const input = el("input", { type: "number", min: 0, value: l.quantity });
    input.dataset.warehouse = l.warehouseCode; input.dataset.sku = l.sku;
    const td = el("td"); td.append(input);
    return row(l.warehouseCode, l.quantity, money(l.unitCredit), td);
  }));
  const scroll = el("div", { className: "scroll" }); scroll.append(labelled(table));
  const submit = button("Submit claim", () => submitProgramClaim(p, table));
  card.append(scroll, submit);
  return card;
}

async function submitProgramClaim(program, table) {
  const lines = [...table.querySelectorAll("input")]
    .map((i) => ({ sku: i.dataset.sku, warehouseCode: i.dataset.warehouse, quantity: Number(i.value), endCustomerName: "" }))
    .filter((l) => l.quantity > 0);
  if (!lines.length) { say("#pp-status", "Nothing to claim: every quantity is 0.", true); return; }
  const input = { kind: "PRICE_PROTECTION", programId: program.id, lines, idempotencyKey: crypto.randomUUID() };
  const { payload, problem } = await mutate("submitClaim", "SubmitClaimInput", input, "claim { id status }");
  if (problem) { say("#pp-status", problem, true); return; }
  say("#pp-status", `Claim ${payload.claim.id} for ${program.sku}: ${payload.claim.status}`);
  await loadPartnerPrograms();
}

// What is left to claim of a program, all partners: their drafts (eligible units less what
// their validated or reviewed claims took), asked in one request per 15 partners (aliases).
async function leftToClaim(program, partnerCodes) {
  let left = 0;
  for (let i = 0; i < partnerCodes.length; i += 15) {
    const chunk = partnerCodes.slice(i, i + 15);
    const fields = chunk.map((code, n) => `p${n}: claimDraft(kind: PRICE_PROTECTION, programId: $id, partnerCode: ${JSON.stringify(code)}) { lines { quantity } }`);
    const data = await gql(`query($id: ID!) { ${fields.join(" ")} }`, { id: program.id });
    for (const draft of Object.values(data)) left += draft.lines.reduce((sum, l) => sum + l.quantity, 0);
  }
  return left;
}

export async function loadLiability() {
  const [all, data, partners] = await Promise.all([programs(), gql(`{ claims(kind: PRICE_PROTECTION, first: 100) { edges { node {
    programId status claimedAmount approvedAmount lines { approvedQuantity codes } } } } }`),
  gql("{ partners(first: 100) { edges { node { code } } } }")]);
  const codes = partners.partners.edges.map((e) => e.node.code);
  const left = await Promise.all(all.map((p) => leftToClaim(p, codes)));
  const per = new Map(all.map((p, i) => [p.id, { claimed: 0, held: 0, approved: 0, credited: 0, units: left[i] }]));
  for (const { node: c } of data.claims.edges) {
    const sum = per.get(c.programId);
    if (!sum || c.status === "REJECTED") continue;
    sum.claimed += Number(c.claimedAmount);
    sum.held += c.lines.filter((l) => l.codes.includes("HELD_OPEN_EXCEPTION")).length;
    if (!["SUBMITTED", "VALIDATING"].includes(c.status)) sum.units += c.lines.reduce((n, l) => n + (l.approvedQuantity ?? 0), 0);
    if (c.status === "CREDITED") sum.credited += Number(c.approvedAmount ?? 0);
    else sum.approved += Number(c.approvedAmount ?? 0);
  }
  $("#pp-liability tbody").replaceChildren(...all.map((p) => {
    const s = per.get(p.id);
    const tr = row(p.sku, `${money(p.oldPrice)} → ${money(p.newPrice)} ${p.currency}`, p.effectiveOn, p.closesOn,
      money(s.claimed), s.held, money(s.approved), money(s.credited), s.units, money(s.units * Number(p.unitCredit)), actions(eligibleButton(p)));
    tr.dataset.program = p.id;
    return tr;
  }));
  labelled($("#pp-liability"));
  $("#pp-empty").hidden = all.length > 0;
}

// One program's eligible units across partners, below the table (one program at a time).
function eligibleButton(p) {
  const b = button("Eligible units", async () => {
    const { priceProtectionProgram: found } = await gql(`query($id: ID!) { priceProtectionProgram(id: $id) { ${ELIGIBLE} } }`, { id: p.id });
    const rows = found.eligible;
    $("#pp-eligible-title").textContent = `Eligible units: ${p.sku}, ${money(p.oldPrice)} → ${money(p.newPrice)} ${p.currency} from ${p.effectiveOn}`;
    $("#pp-eligible tbody").replaceChildren(...rows.map((e) => row(e.partnerCode, `${e.warehouseCode} (${e.warehouseName})`, e.onHand, e.inTransit, e.units, `${money(e.amount)} ${p.currency}`)));
    labelled($("#pp-eligible"));
    const units = rows.reduce((n, e) => n + e.units, 0);
    $("#pp-eligible-total").textContent = `Total: ${units} units, ${money(rows.reduce((n, e) => n + Number(e.amount), 0))} ${p.currency}.`;
    $("#pp-eligible-none").hidden = rows.length > 0;
    $("#pp-eligible-box").dataset.program = p.id;
    $("#pp-eligible-box").hidden = false;
    document.querySelectorAll("#pp-liability td.actions .result").forEach((r) => r.remove());  // one program at a time
    say(beside(b), `${rows.length} warehouse${rows.length === 1 ? "" : "s"} below.`);
    $("#pp-eligible-box").scrollIntoView({ block: "nearest" });
  });
  b.dataset.action = "eligible";
  return b;
}
