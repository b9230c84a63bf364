// Returns of ordered goods. A partner's return/exchange form: the source as the
// manufacturer's return settings allow (returnOptions: against an order, a shipment, or
// without a source), SKU and quantity, serials for a serial-controlled SKU, `exchange` when
// exchanges are on; its returns with their status. The supplier the goods go back to (the
// manufacturer's shipping staff, or a distributor for its resellers' returns) receives a
// return with one click. The page builds its own markup into #returns-root.
import { $, actions, button, gql, labelled, mutate, row, say, showError } from "./api.js";

const RETURN = `id rmaNo status source partnerCode toPartnerCode toWarehouseCode warehouseCode exchange
  receivedOn lines { sku quantity serials }`;
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
    <label>SKU <input id="r-sku" name="sku" required autocomplete="off"></label>
    <label>Quantity <input id="r-quantity" name="quantity" type="number" min="1" required></label>
    <label id="r-serials-field" hidden>Serials <input id="r-serials" name="serials" placeholder="SN-1, SN-2" autocomplete="off"></label>
    <label>Reason <input id="r-reason" name="reason"></label>
    <label>RMA no. <input id="r-rma" name="rma" autocomplete="off"></label>
    <label id="r-exchange-field" hidden><input id="r-exchange" name="exchange" type="checkbox"> exchange (replacement shipped)</label>
    <button id="r-submit">Request return</button>
    <span id="return-status" class="result" role="status"></span>
  </form>
  <h3>Your returns, and returns coming back to you</h3>
  <p id="returns-status" class="result" role="status"></p>
  ${TABLE}`;

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
  $("#r-sku").addEventListener("input", () => checkSerials().catch((e) => showError(e, "#return-status")));
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

let asked = 0;  // answers to keystrokes may arrive out of order: only the latest counts
async function checkSerials() {
  const ask = ++asked;
  const sku = $("#r-sku").value.trim();
  if (!sku) { $("#r-serials-field").hidden = true; return; }
  const { products } = await gql("query($sku: String!) { products(search: $sku, first: 20) { edges { node { sku serialControlled } } } }", { sku });
  if (ask !== asked) return;
  const product = products.edges.map((e) => e.node).find((p) => p.sku === sku);
  $("#r-serials-field").hidden = !(product && product.serialControlled);
}

async function requestReturn(event) {
  event.preventDefault();
  const source = $("#r-source").value;
  const serials = $("#r-serials-field").hidden ? [] : $("#r-serials").value.split(/[\s,;]+/).filter(Boolean);
  const input = {
    orderIds: source === "ORDER" ? [$("#r-order").value].filter(Boolean) : null,
    shipmentId: source === "SHIPMENT" ? $("#r-shipment").value || null : null,
    warehouseCode: source === "NONE" ? $("#r-warehouse").value || null : null,
    lines: [{ sku: $("#r-sku").value.trim(), quantity: Number($("#r-quantity").value), serials, reason: $("#r-reason").value.trim() }],
    exchange: !$("#r-exchange-field").hidden && $("#r-exchange").checked,
    rmaNo: $("#r-rma").value.trim(),
    idempotencyKey: crypto.randomUUID(),
  };
  if (source === "ORDER" && !input.orderIds.length) { say("#return-status", "Choose a shipped order to return against.", true); return; }
  if (source === "SHIPMENT" && !input.shipmentId) { say("#return-status", "Choose a received shipment to return against.", true); return; }
  const { payload, problem } = await mutate("requestReturn", "RequestReturnInput", input, `stockReturn { ${RETURN} }`);
  if (problem) { say("#return-status", problem, true); return; }
  const made = payload.stockReturn;
  say("#return-status", `Return ${label(made)}: ${made.status}, to ${made.toPartnerCode || "the manufacturer"}`
    + (made.exchange ? " (exchange: replacement shipped)" : ""));
  for (const id of ["#r-quantity", "#r-serials", "#r-reason", "#r-rma"]) $(id).value = "";
  await loadReturns();
}

const label = (r) => (r.rmaNo ? `#${r.id} ${r.rmaNo}` : `#${r.id}`);
const linesOf = (r) => r.lines.map((l) => `${l.sku} × ${l.quantity}` + (l.serials.length ? ` [${l.serials.join(", ")}]` : "")).join("; ");
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
