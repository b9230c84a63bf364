// Inventory contracts. A partner sees its contracts with what remains per line and the
// history of their consumption (call-offs); a manager sees the call-off notifications and
// the charges of a period, with finance's CSV. The sections are built here, appended to
// the partner's and the manager's pages, so index.html stays as it is.
import { $, gql, labelled, row, state } from "./api.js";

const el = (tag, props = {}) => Object.assign(document.createElement(tag), props);
const money = (x) => (x == null ? null : Number(x).toFixed(2));
const thisMonth = () => new Date().toISOString().slice(0, 7);

function table(id, heads) {
  const t = el("table", { id, className: "stack" });
  t.createTHead().insertRow().append(...heads.map((text) => el("th", { textContent: text })));
  t.createTBody();
  const scroll = el("div", { className: "scroll" }); scroll.append(t);
  return scroll;
}

function fill(id, rows, emptyId) {
  const t = $(`#${id}`);
  t.tBodies[0].replaceChildren(...rows);
  labelled(t);
  $(`#${emptyId}`).hidden = rows.length > 0;
}

const CALL_OFF = "id partnerCode contractId sku quantity consumedOn period source endCustomerName";

// The partner's side: contracts with remaining quantities, and the consumption history.

export function mountPartnerContracts() {
  if ($("#contracts-partner")) return;
  const section = el("section", { id: "contracts-partner" });
  section.append(
    el("h2", { textContent: "Inventory contracts" }),
    table("contracts", ["Contract", "Type", "Status", "Warehouse", "Valid to", "SKU", "Initialised", "Consumed", "Remaining", "Received", "Shipment"]),
    el("p", { id: "contracts-empty", textContent: "No inventory contracts.", hidden: true }),
    el("h3", { textContent: "Consumption history" }),
    table("call-off-history", ["Date", "Contract", "SKU", "Quantity", "Source", "End customer"]),
    el("p", { id: "call-off-history-empty", textContent: "No consumption yet.", hidden: true }),
  );
  $("#partner").append(section);
}

export async function loadPartnerContracts() {
  mountPartnerContracts();
  const { inventoryContracts, callOffNotifications } = await gql(`{
    inventoryContracts(first: 100) { edges { node { id type status warehouseCode validTo
      lines { sku initialized consumed remaining receptionDate shipment { documentNo status } } } } }
    callOffNotifications(first: 100) { edges { node { ${CALL_OFF} } } } }`);
  const lines = inventoryContracts.edges.flatMap(({ node: c }) => c.lines.map((l) => {
    const shipment = l.shipment ? `${l.shipment.documentNo} (${l.shipment.status})` : null;
    const tr = row(c.id, c.type, c.status, c.warehouseCode, c.validTo, l.sku, l.initialized, l.consumed, l.remaining, l.receptionDate, shipment);
    tr.dataset.contract = c.id; tr.dataset.sku = l.sku;
    return tr;
  }));
  fill("contracts", lines, "contracts-empty");
  fill("call-off-history", callOffNotifications.edges.map(({ node: n }) =>
    row(n.consumedOn, n.contractId, n.sku, n.quantity, n.source, n.endCustomerName || null)), "call-off-history-empty");
}

// The manager's side: call-off notifications and charges of a period.

export function mountManagerContracts() {
  if ($("#contracts-manager")) return;
  const section = el("section", { id: "contracts-manager" });
  const period = el("input", { id: "charge-period", type: "month", value: thisMonth() });
  const csv = el("a", { id: "charges-csv", href: "#", textContent: "Download the period's charges (CSV)" });
  const picker = el("p", { className: "fields" });
  const label = el("label", { textContent: "Period " }); label.append(period);
  picker.append(label, csv, el("span", { id: "charges-csv-status", role: "status" }));
  section.append(
    el("h2", { textContent: "Inventory contracts: call-offs and charges" }),
    picker,
    el("h3", { textContent: "Call-off notifications" }),
    table("call-offs", ["Date", "Partner", "Contract", "SKU", "Quantity", "Source", "End customer"]),
    el("p", { id: "call-offs-empty", textContent: "No call-offs in this period.", hidden: true }),
    el("h3", { textContent: "Charges" }),
    table("charges", ["Date", "Partner", "Contract", "SKU", "Quantity", "Unit price", "Amount"]),
    el("p", { id: "charges-empty", textContent: "No charges in this period.", hidden: true }),
  );
  $("#manager").append(section);
  period.addEventListener("change", () => loadManagerContracts().catch(showHere));
  csv.addEventListener("click", (event) => downloadCharges(event).catch(showHere));
}

const showHere = (error) => { $("#charges-csv-status").textContent = `Error: ${error.message}`; };

export async function loadManagerContracts() {
  mountManagerContracts();
  const period = $("#charge-period").value;
  const { callOffNotifications, charges } = await gql(`query($p: String) {
    callOffNotifications(period: $p, first: 100) { edges { node { ${CALL_OFF} } } }
    charges(period: $p, first: 100) { edges { node { id partnerCode contractId sku quantity unitPrice amount currency chargedOn } } } }`,
  { p: period });
  if (period !== $("#charge-period").value) return;  // the period changed meanwhile
  $("#call-offs").dataset.period = period;
  fill("call-offs", callOffNotifications.edges.map(({ node: n }) =>
    row(n.consumedOn, n.partnerCode, n.contractId, n.sku, n.quantity, n.source, n.endCustomerName || null)), "call-offs-empty");
  fill("charges", charges.edges.map(({ node: c }) => {
    const tr = row(c.chargedOn, c.partnerCode, c.contractId, c.sku, c.quantity, money(c.unitPrice), `${money(c.amount)} ${c.currency}`);
    tr.dataset.id = c.id;
    return tr;
  }), "charges-empty");
}

async function downloadCharges(event) {
  event.preventDefault();
  const out = $("#charges-csv-status"); out.textContent = "";
  const period = $("#charge-period").value;
  const response = await fetch(`/exports/charges.csv?period=${encodeURIComponent(period)}`,
    { headers: { Authorization: `Bearer ${state.token}` } });
  if (!response.ok) {
    const body = await response.json().catch(() => ({ errors: [{ message: response.statusText }] }));
    out.textContent = `Error: ${body.errors[0].message}`;
    return;
  }
  const url = URL.createObjectURL(await response.blob());
  const save = el("a", { href: url, download: `charges-${period}.csv` });
  document.body.append(save); save.click(); save.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  out.textContent = "Downloaded.";
}
