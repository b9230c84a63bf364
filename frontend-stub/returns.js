// Returns of ordered goods. A partner's return/exchange form: the source as the
// manufacturer's return settings allow (returnOptions: against an order, a shipment, or
// without a source), one or more lines (added and removed; each a SKU, quantity, serials
// for a serial-controlled SKU, the batch of a batch-controlled one, a reason) sent as one requestReturn, a refusal shown on the
// line it names; `exchange` when exchanges are on; its returns with their status. The supplier the goods go back to (the
// manufacturer's shipping staff, or a distributor for its resellers' returns) receives a
// return with one click. The page builds its own markup into #returns-root.
import { $, actions, button, gql, labelled, mutate, row, say, showError } from "./api.js";

const RETURN = `id rmaNo status source partnerCode toPartnerCode toWarehouseCode warehouseCode exchange
  receivedOn lines { sku quantity serials batchNo }`;
const SOURCES = [["ORDER", "againstOrders", "against an order"], ["SHIPMENT", "againstShipments", "against a shipment"],
  ["NONE", "sourceFree", "without a source"]];
const RETURNABLE = ["PARTIALLY_SHIPPED", "SHIPPED", "COMPLETED"];

function html(markup) {
  const template = document.createElement("template"); template.innerHTML = markup.trim(); return template.content;
}

const TABLE = `<div class="scroll"><table id="returns" class="stack"><thead><tr><th>Return</th><th>From</th><th>To</th>
  <th>Source</th><th>Lines</th><th>Status</th><th></th></tr></thead><tbody></tbody></table></div>
  <p id="returns-empty" hidden>No returns yet.</p>`;

const FORM = `
  <h2>Returns</h2>
  <p id="returns-off" hidden>The manufacturer does not take returns through the portal.</p>
  <form id="return-form" class="fields">
    <label>Return <select id="r-source" name="source"></select></label>
    <label data-source="ORDER">Order <select id="r-order" name="order"></select></label>
    <label data-source="SHIPMENT">Shipment <select id="r-shipment" name="shipment"></select></label>
    <label data-source="NONE">From warehouse <select id="r-warehouse" name="warehouse"></select></label>
    <div id="r-lines"></div>
    <button type="button" id="r-add-line">Add line</button>
    <label>RMA no. <input id="r-rma" name="rma" autocomplete="off"></label>
    <label id="r-exchange-field" hidden><input id="r-exchange" name="exchange" type="checkbox"> exchange (replacement shipped)</label>
    <button id="r-submit">Request return</button>
    <span id="return-status" class="result" role="status"></span>
  </form>
  <h3>Your returns, and returns coming back to you</h3>
  <p id="returns-status" class="result" role="status"></p>
  ${TABLE}`;

// One return line; its fields are named by class (a form has several), its refusal is
// written into its own .r-line-error.
const LINE = `<fieldset class="r-line fields"><legend></legend>
    <label>SKU <input class="r-sku" required autocomplete="off"></label>
    <label>Quantity <input class="r-quantity" type="number" min="1" required></label>
    <label class="r-serials-field" hidden>Serials <input class="r-serials" placeholder="SN-1, SN-2" autocomplete="off"></label>
    <label class="r-batch-field" hidden>Batch <input class="r-batch" placeholder="LOT-1" autocomplete="off"></label>
    <label>Reason <input class="r-reason"></label>
    <button type="button" class="r-remove">Remove line</button>
    <span class="r-line-error result error" role="status"></span>
  </fieldset>`;

const STAFF = `
  <h2>Returns to receive</h2>
  <p id="returns-status" class="result" role="status"></p>
  ${TABLE}`;

let me = null;         // the partner's code (null: the manufacturer's staff)
let receiver = false;  // the manufacturer's roles that receive returns (as they record shipments)

export async function startReturns(viewer) {
  const root = $("#returns-root");
  if (!root) return;
  root.hidden = false;
  me = viewer.partner ? viewer.partner.code : null;
  if (!me) {
    root.replaceChildren(html(STAFF));
    receiver = ["ADMIN", "SHIPPING"].includes(viewer.role);
    await loadReturns();
    return;
  }
  root.replaceChildren(html(FORM));
  // Listen before the first await: what is typed while the choices load is not lost.
  $("#r-source").addEventListener("change", showSource);
  $("#r-add-line").addEventListener("click", () => addLine().querySelector(".r-sku").focus());
  addLine();
  $("#return-form").addEventListener("submit", (event) => requestReturn(event).catch((e) => showError(e, "#return-status")));
  const data = await gql(`{ returnOptions { againstOrders againstShipments sourceFree exchanges }
    orders(first: 100) { edges { node { id number status partnerCode supplierPartnerCode } } }
    shipments(status: RECEIVED, first: 100) { edges { node { id documentNo warehouseCode } } }
    warehouses { code partnerCode } }`);
  const options = data.returnOptions;
  const offered = SOURCES.filter(([, setting]) => options[setting]);
  $("#r-source").replaceChildren(...offered.map(([value, , text]) => new Option(text, value)));
  $("#returns-off").hidden = offered.length > 0;
  $("#return-form").hidden = offered.length === 0;
  $("#r-exchange-field").hidden = !options.exchanges;
  const returnable = data.orders.edges.map((e) => e.node).filter((o) => o.partnerCode === me && RETURNABLE.includes(o.status));
  $("#r-order").replaceChildren(...returnable.map((o) => new Option(`${o.number} (${o.supplierPartnerCode || "manufacturer"}, ${o.status})`, o.id)));
  $("#r-shipment").replaceChildren(...data.shipments.edges.map((e) => new Option(`${e.node.documentNo} (${e.node.warehouseCode})`, e.node.id)));
  $("#r-warehouse").replaceChildren(...data.warehouses.filter((w) => w.partnerCode === me).map((w) => new Option(w.code, w.code)));
  showSource();
  await loadReturns();
}

function showSource() {
  const source = $("#r-source").value;
  for (const field of document.querySelectorAll("#return-form [data-source]")) field.hidden = field.dataset.source !== source;
}

const lines = () => [...document.querySelectorAll("#r-lines .r-line")];

function addLine() {
  const line = html(LINE).firstElementChild;
  $("#r-lines").append(line);
  line.querySelector(".r-sku").addEventListener("input", () => checkControls(line).catch((e) => showError(e, "#return-status")));
  line.querySelector(".r-remove").addEventListener("click", () => { line.remove(); numberLines(); });
  numberLines();
  return line;
}

// Lines are numbered as sent (a refusal names ["lines", N, ...]); the last one stays.
function numberLines() {
  const all = lines();
  all.forEach((line, i) => {
    line.querySelector("legend").textContent = `Line ${i + 1}`;
    line.querySelector(".r-remove").hidden = all.length === 1;
  });
}

// The line asks for serials of a serial-controlled SKU and the batch of a batch-controlled one.
async function checkControls(line) {
  const ask = (line.asked = (line.asked || 0) + 1);  // only the latest keystroke's answer counts
  const sku = line.querySelector(".r-sku").value.trim();
  const serials = line.querySelector(".r-serials-field");
  const batch = line.querySelector(".r-batch-field");
  if (!sku) { serials.hidden = true; batch.hidden = true; return; }
  const { products } = await gql("query($sku: String!) { products(search: $sku, first: 20) { edges { node { sku serialControlled batchControlled } } } }", { sku });
  if (ask !== line.asked) return;
  const product = products.edges.map((e) => e.node).find((p) => p.sku === sku);
  serials.hidden = !(product && product.serialControlled);
  batch.hidden = !(product && product.batchControlled);
  line.querySelector(".r-batch").required = !batch.hidden;
}

function lineInput(line) {
  const value = (name) => line.querySelector(name).value.trim();
  const serials = line.querySelector(".r-serials-field").hidden ? [] : value(".r-serials").split(/[\s,;]+/).filter(Boolean);
  const batchNo = line.querySelector(".r-batch-field").hidden ? null : value(".r-batch") || null;
  return { sku: value(".r-sku"), quantity: Number(value(".r-quantity")), serials, reason: value(".r-reason"), batchNo };
}

// Each refusal naming a line goes next to it; the others next to the button.
function showErrors(errors) {
  const all = lines();
  const told = errors.map((e) => {
    const index = e.field && e.field[0] === "lines" ? Number(e.field[1]) : NaN;
    const line = all[index];
    if (!line) return `${e.code}: ${e.message}`;
    say(line.querySelector(".r-line-error"), `${e.code}: ${e.message}`, true);
    return `${e.code} on line ${index + 1}`;
  });
  say("#return-status", told.join(" "), true);
}

async function requestReturn(event) {
  event.preventDefault();
  const source = $("#r-source").value;
  for (const line of lines()) say(line.querySelector(".r-line-error"), "");
  const input = {
    orderIds: source === "ORDER" ? [$("#r-order").value].filter(Boolean) : null,
    shipmentId: source === "SHIPMENT" ? $("#r-shipment").value || null : null,
    warehouseCode: source === "NONE" ? $("#r-warehouse").value || null : null,
    lines: lines().map(lineInput),
    exchange: !$("#r-exchange-field").hidden && $("#r-exchange").checked,
    rmaNo: $("#r-rma").value.trim(),
    idempotencyKey: crypto.randomUUID(),
  };
  if (source === "ORDER" && !input.orderIds.length) { say("#return-status", "Choose a shipped order to return against.", true); return; }
  if (source === "SHIPMENT" && !input.shipmentId) { say("#return-status", "Choose a received shipment to return against.", true); return; }
  const { payload, problem } = await mutate("requestReturn", "RequestReturnInput", input, `stockReturn { ${RETURN} }`);
  if (problem) { showErrors(payload.errors); return; }
  const made = payload.stockReturn;
  say("#return-status", `Return ${label(made)}: ${made.status}, to ${made.toPartnerCode || "the manufacturer"}`
    + (made.exchange ? " (exchange: replacement shipped)" : "")
    + `, ${made.lines.length} line${made.lines.length === 1 ? "" : "s"}`);
  $("#r-lines").replaceChildren();
  addLine();
  $("#r-rma").value = "";
  await loadReturns();
}

const label = (r) => (r.rmaNo ? `#${r.id} ${r.rmaNo}` : `#${r.id}`);
const linesOf = (r) => r.lines.map((l) => `${l.sku}${l.batchNo ? ` batch ${l.batchNo}` : ""} × ${l.quantity}` + (l.serials.length ? ` [${l.serials.join(", ")}]` : "")).join("; ");
const SOURCE_TEXT = { ORDER: "order", SHIPMENT: "shipment", NONE: "none" };

export async function loadReturns() {
  const { returns } = await gql(`{ returns(first: 100) { edges { node { ${RETURN} } } } }`);
  const all = returns.edges.map((e) => e.node);
  // Staff see what comes back to the manufacturer; a partner its own and those coming back to it.
  const shown = me ? all : all.filter((r) => !r.toPartnerCode);
  $("#returns tbody").replaceChildren(...shown.map((r) => {
    const mine = r.partnerCode === me;
    const receives = r.status === "REQUESTED" && (me ? r.toPartnerCode === me : receiver);
    const status = r.status === "RECEIVED" ? `RECEIVED ${r.receivedOn || ""}`.trim() : r.status;
    const tr = row(label(r), r.partnerCode, `${r.toPartnerCode || "Manufacturer"}${r.toWarehouseCode ? ` · ${r.toWarehouseCode}` : ""}`,
      SOURCE_TEXT[r.source] || r.source, linesOf(r) + (r.exchange ? " (exchange)" : ""), status, actions(
        receives && button("Receive", () => act("receiveReturn", r)),
        mine && r.status === "REQUESTED" && button("Cancel", () => act("cancelReturn", r)),
      ));
    tr.dataset.id = r.id;
    return tr;
  }));
  labelled($("#returns"));
  $("#returns-empty").hidden = shown.length > 0;
}

async function act(name, r) {
  const { payload, problem } = await mutate(name, "ReturnActionInput", { id: r.id }, "stockReturn { id rmaNo status }");
  await loadReturns();
  if (problem) say("#returns-status", `Return ${label(r)}: ${problem}`, true);
  else say("#returns-status", `Return ${label(payload.stockReturn)}: ${payload.stockReturn.status}`);
}
