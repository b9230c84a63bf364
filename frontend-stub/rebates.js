// Rebates: a partner sees, for each program it is in, its statement as progress toward the
// next tier (a progressbar with its value in words, then attained, rate, accrued, paid and
// the periods failing a compliance condition); a manager sees every program's liability
// (accrued, paid or credited, open = accrued − paid, from rebateLiability), its currency and
// interim schedule (paid through which interval), a chart of what each month accrued, the
// payouts made (interval, partner, amount: RebateProgram.payouts), and pays interim or
// closes a program with one click each (the result next to the button; closing asks first). The page builds its own markup into
// #rebates-root (index.html holds only that container).
import { $, actions, beside, button, gql, labelled, mutate, row, say } from "./api.js";
import { drawLines } from "./chart.js";

const PROGRAM = "id name periodFrom periodTo measure mode growth requireCompliance currency interimSchedule interimThrough status tiers { threshold rate }";
const PAYOUTS = "payouts { partnerCode kind interval amount claimId createdAt }";
const LIABILITY = "programId currency partners accrued paid open accruals { period accrued }";
const COLOURS = ["#2b5fb4", "#c2361b", "#137a2e", "#c77800", "#6b3fa0", "#00838f", "#8d6e63", "#ad1457"];
const el = (tag, props = {}) => Object.assign(document.createElement(tag), props);
const money = (x) => Number(x).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const number = (x) => Number(x).toLocaleString("en-US", { maximumFractionDigits: 2 });

function html(markup) {
  const template = document.createElement("template"); template.innerHTML = markup.trim(); return template.content;
}

const PARTNER = `
  <h2>Rebates</h2>
  <p>Your progress in each rebate program toward its next tier, what it has accrued and what was paid.</p>
  <p id="rb-status" role="status"></p>
  <div id="rb-programs"></div>
  <p id="rb-empty" hidden>You are in no rebate program.</p>`;

const MANAGER = `
  <h2>Rebate liability</h2>
  <p id="rb-status" role="status"></p>
  <figure id="rb-chart-box">
    <figcaption>Accrued per month, each program (what the month added, all partners)</figcaption>
    <ul id="rb-legend" class="legend"></ul>
    <svg id="rb-chart" viewBox="0 0 640 300" role="img" aria-label="Rebate accrual per month"></svg>
    <p id="rb-tip" role="status"></p>
    <details>
      <summary>The figures as a table</summary>
      <div class="scroll"><table id="rb-accruals" class="stack"><caption class="visually-hidden">Accrued per month and program</caption><thead><tr></tr></thead><tbody></tbody></table></div>
    </details>
  </figure>
  <div class="scroll"><table id="rb-liability" class="stack"><thead><tr><th>Program</th><th>Periods</th><th>Measure</th><th>Status</th>
    <th>Partners</th><th>Accrued</th><th>Paid / credited</th><th>Open</th><th>Currency</th><th>Interim payouts</th><th>Actions</th></tr></thead><tbody></tbody></table></div>
  <p id="rb-empty" hidden>No rebate program.</p>
  <h3>Payouts made</h3>
  <p>Each payment of a program to a partner: on its schedule (the interval it is for), on account by hand, or at closing.</p>
  <div class="scroll"><table id="rb-payouts" class="stack"><thead><tr><th>Program</th><th>Interval</th><th>Partner</th><th>Amount</th><th>Paid on</th><th>Claim</th></tr></thead><tbody></tbody></table></div>
  <p id="rb-no-payouts" hidden>No payout yet.</p>`;

export async function startRebates(viewer) {
  const root = $("#rebates-root");
  if (!root) return;
  root.hidden = false;
  if (viewer.partner) { root.replaceChildren(html(PARTNER)); await loadPartnerRebates(); }
  else { root.replaceChildren(html(MANAGER)); await loadRebateLiability(); }
}

async function programs(fields = PROGRAM) {
  const { rebatePrograms } = await gql(`{ rebatePrograms(first: 100) { edges { node { ${fields} } } } }`);
  return rebatePrograms.edges.map((e) => e.node);
}

// Attained and thresholds in the program's measure: money, units, or percent growth.
function measured(p, x) {
  if (x == null) return "—";
  if (p.growth) return `${number(x)} % growth`;
  return p.measure === "SELL_THROUGH_UNITS" ? `${number(x)} units` : `${money(x)} ${p.currency}`;
}

// ---- partner ----

export async function loadPartnerRebates() {
  const all = await programs();
  const statements = await Promise.all(all.map(async (p) => {
    const { rebateStatement } = await gql(`query($id: ID!) { rebateStatement(programId: $id) {
      attained currentRate nextThreshold remainingToNext accrued paid failingPeriods } }`, { id: p.id });
    return rebateStatement;
  }));
  $("#rb-programs").replaceChildren(...all.map((p, i) => statementCard(p, statements[i])));
  $("#rb-empty").hidden = all.length > 0;
}

// The rate of the tier that starts at `threshold`.
const rateAt = (p, threshold) => p.tiers.find((t) => Number(t.threshold) === Number(threshold))?.rate;

function progress(p, s) {
  const attained = Number(s.attained);
  const top = s.nextThreshold == null;
  const max = top ? Math.max(attained, 1) : Number(s.nextThreshold);
  const now = Math.max(0, Math.min(attained, max));
  const words = top
    ? `${measured(p, s.attained)}: the top tier (${number(s.currentRate)} %) is reached.`
    : `${measured(p, s.attained)} of ${measured(p, s.nextThreshold)}: ${measured(p, s.remainingToNext)} left to the next tier (${number(rateAt(p, s.nextThreshold) ?? 0)} %).`;
  const bar = el("div", { className: "rb-progress" });
  bar.setAttribute("role", "progressbar");
  bar.setAttribute("aria-valuemin", "0");
  bar.setAttribute("aria-valuemax", String(max));
  bar.setAttribute("aria-valuenow", String(now));
  bar.setAttribute("aria-valuetext", words);
  bar.setAttribute("aria-label", `${p.name}: progress toward the next tier`);
  const fill = el("div", { className: "rb-fill" }); fill.style.width = `${Math.round((now / max) * 100)}%`;
  bar.append(fill);
  return [bar, el("p", { className: "rb-progress-text", textContent: words })];
}

function statementCard(p, s) {
  const card = el("article", { className: "claim rebate" }); card.dataset.program = p.id;
  const kind = `${p.growth ? "growth, " : ""}${p.mode.toLowerCase()}, ${p.measure.toLowerCase().replaceAll("_", " ")}`;
  card.append(el("h4", { textContent: `${p.name} (${p.periodFrom} to ${p.periodTo})` }),
    el("p", { textContent: `${kind}; ${p.status === "OPEN" ? "open" : "closed"}.` }), ...progress(p, s));
  const facts = el("dl", { className: "rb-facts" });
  const fact = (name, value, key) => {
    const dt = el("dt", { textContent: name }); const dd = el("dd", { textContent: value }); dd.dataset.fact = key;
    facts.append(dt, dd);
  };
  fact("Attained", measured(p, s.attained), "attained");
  fact("Current rate", `${number(s.currentRate)} %`, "rate");
  fact("Next threshold", s.nextThreshold == null ? "top tier reached" : measured(p, s.nextThreshold), "next");
  fact("Left to next tier", s.remainingToNext == null ? "—" : measured(p, s.remainingToNext), "left");
  fact("Accrued", `${money(s.accrued)} ${p.currency}`, "accrued");
  fact("Paid", `${money(s.paid)} ${p.currency}`, "paid");
  fact("Interim payouts", schedule(p), "schedule");
  if (p.requireCompliance) {
    fact("Failing periods", s.failingPeriods.length ? `${s.failingPeriods.join(", ")} (not counted: report on time, resolve open exceptions)` : "none", "failing");
  }
  card.append(facts);
  return card;
}

// ---- manager ----

let shown = { all: [], liabilities: new Map() };
let observer = null;

// The liabilities of `ids`, asked in one request per 15 programs (aliases).
async function liabilities(ids) {
  const found = new Map();
  for (let i = 0; i < ids.length; i += 15) {
    const chunk = ids.slice(i, i + 15);
    const fields = chunk.map((id, n) => `l${n}: rebateLiability(programId: ${JSON.stringify(id)}) { ${LIABILITY} }`);
    const data = await gql(`{ ${fields.join(" ")} }`);
    for (const l of Object.values(data)) found.set(l.programId, l);
  }
  return found;
}

export async function loadRebateLiability() {
  const all = await programs(`${PROGRAM} ${PAYOUTS}`);
  const found = await liabilities(all.map((p) => p.id));
  shown = { all, liabilities: found };
  $("#rb-liability tbody").replaceChildren(...all.map((p) => liabilityRow(p, found.get(p.id))));
  labelled($("#rb-liability"));
  $("#rb-empty").hidden = all.length > 0;
  drawAccruals();
  showPayouts(all);
}

const ACTIONS = 10;  // the column of the buttons

// "Quarterly, paid through 2026-Q3", "Monthly, no interval paid yet" or "By hand only".
function schedule(p) {
  if (p.interimSchedule === "NONE") return "By hand only";
  const every = p.interimSchedule === "MONTHLY" ? "Monthly" : "Quarterly";
  return `${every}, ${p.interimThrough ? `paid through ${p.interimThrough}` : "no interval paid yet"}`;
}

function liabilityRow(p, l) {
  const tr = row(p.name, `${p.periodFrom} to ${p.periodTo}`, `${p.growth ? "growth, " : ""}${p.measure.toLowerCase().replaceAll("_", " ")}, ${p.mode.toLowerCase()}`,
    p.status, l.partners, money(l.accrued), money(l.paid), `${money(l.open)} ${l.currency}`, p.currency, schedule(p),
    actions(...(p.status === "OPEN" ? [payButton(p), closeButton(p)] : [])));
  tr.dataset.program = p.id;
  return tr;
}

// Every payout of the programs shown, newest program first, each program's oldest first.
function showPayouts(all) {
  const interval = (x) => x.interval ?? (x.kind === "FINAL" ? "final (closing)" : "on account (by hand)");
  const rows = all.flatMap((p) => p.payouts.map((x) => {
    const tr = row(p.name, interval(x), x.partnerCode, `${money(x.amount)} ${p.currency}`, x.createdAt.slice(0, 10), x.claimId);
    tr.dataset.program = p.id; tr.dataset.interval = x.interval ?? "";
    return tr;
  }));
  $("#rb-payouts tbody").replaceChildren(...rows);
  labelled($("#rb-payouts"));
  $("#rb-no-payouts").hidden = rows.length > 0;
}

// After a payment: the program's row again (its figures and buttons), the result kept.
async function refresh(p, status) {
  const l = (await liabilities([p.id])).get(p.id);
  shown.liabilities.set(p.id, l);
  const program = { ...p, status };
  const tr = $(`#rb-liability tr[data-program="${p.id}"]`);
  const cells = liabilityRow(program, l).cells;
  [...tr.cells].forEach((td, i) => { if (i !== ACTIONS) td.textContent = cells[i].textContent; });
  if (status !== "OPEN") tr.cells[ACTIONS].querySelectorAll("button").forEach((b) => b.remove());
  labelled($("#rb-liability"));
  drawAccruals();
  showPayouts(await programs(`${PROGRAM} ${PAYOUTS}`));
  return l;
}

// A refused payment: the coded error beside the button, and the row as it is now (e.g.
// closed meanwhile in another tab: its buttons go, the error stays).
async function failed(p, out, problem) {
  say(out, problem, true);
  const now = (await programs()).find((x) => x.id === p.id);
  if (now && now.status !== p.status) await refresh(p, now.status);
}

function payButton(p) {
  const b = button("Pay interim", async () => {
    const out = beside(b);
    const before = shown.liabilities.get(p.id);
    const { payload, problem } = await mutate("payRebateInterim", "IdInput", { id: p.id }, "rebateProgram { id status }");
    if (problem) { await failed(p, out, problem); return; }
    const after = await refresh(p, payload.rebateProgram.status);
    const amount = Number(after.paid) - Number(before.paid);
    say(out, amount ? `Paid ${money(amount)} ${after.currency} on account.` : "Nothing to pay: every partner is paid what it accrued.");
  });
  b.dataset.action = "interim";
  return b;
}

function closeButton(p) {
  const b = button("Close", async () => {
    const out = beside(b);
    if (!window.confirm(`Close "${p.name}"? Every partner is paid what it accrued less what it was paid, and the program accrues no more.`)) {
      say(out, "Not closed."); return;
    }
    const before = shown.liabilities.get(p.id);
    const { payload, problem } = await mutate("closeRebateProgram", "IdInput", { id: p.id }, "rebateProgram { id status }");
    if (problem) { await failed(p, out, problem); return; }
    const after = await refresh(p, payload.rebateProgram.status);  // the buttons go, the result stays
    say(out, `Closed: ${money(Number(after.paid) - Number(before.paid))} ${after.currency} settled.`);
  });
  b.dataset.action = "close";
  return b;
}

function drawAccruals() {
  const { all, liabilities: found } = shown;
  const series = all.map((p, i) => ({ key: `p${p.id}`, name: p.name, note: p.status === "OPEN" ? "" : "(closed)", colour: COLOURS[i % COLOURS.length] }));
  const periods = [...new Set(all.flatMap((p) => found.get(p.id).accruals.map((a) => a.period)))].sort();
  const rows = periods.map((period) => {
    const r = { period };
    for (const p of all) {
      const a = found.get(p.id).accruals.find((x) => x.period === period);
      r[`p${p.id}`] = a ? Number(a.accrued) : null;
    }
    return r;
  });
  const item = (s) => {
    const li = el("li");
    const mark = el("span", { className: "swatch line" }); mark.style.setProperty("--colour", s.colour);
    li.append(mark, el("b", { textContent: s.name }), s.note ? ` ${s.note}` : "");
    return li;
  };
  $("#rb-legend").replaceChildren(...series.map(item));
  const head = $("#rb-accruals thead tr");
  head.replaceChildren(...["Period", ...series.map((s) => s.name)].map((t) => el("th", { textContent: t })));
  $("#rb-accruals tbody").replaceChildren(...rows.map((r) => row(r.period, ...series.map((s) => (r[s.key] == null ? "—" : money(r[s.key]))))));
  labelled($("#rb-accruals"));
  const currency = found.size ? found.values().next().value.currency : "";
  const describe = (r) => `${r.period}: ${series.filter((s) => r[s.key] != null).map((s) => `${s.name} ${money(r[s.key])}`).join(", ") || "no program"}`;
  $("#rb-chart").setAttribute("aria-label", `Rebate accrual per month and program, ${periods[0] ?? ""} to ${periods[periods.length - 1] ?? ""}: the figures are in the table below.`);
  $("#rb-tip").textContent = "Point at or tab to a month for its accruals.";
  const draw = () => drawLines($("#rb-chart"), rows, series, { tip: $("#rb-tip"), describe, unit: currency || "Amount" });
  draw();
  if (!observer) {  // redrawn at the width it has, so that its text stays readable
    let width = $("#rb-chart").getBoundingClientRect().width;
    observer = new ResizeObserver(() => {
      const now = $("#rb-chart").getBoundingClientRect().width;
      if (Math.abs(now - width) > 20) { width = now; drawAccruals(); }
    });
    observer.observe($("#rb-chart"));
  }
}
