// Partner orders: a partner's order form with live availability and its order list, each
// order with its shipping notices (delivered or not, and the delivery's differences); the
// supplier's queue (manufacturer or distributor) to confirm, reject and ship in one click,
// and the manufacturer's shipping notices with their delivery.
// The page builds its own markup into #orders (index.html holds only that container).
import { $, actions, button, gql, labelled, mutate, row } from "./api.js";

const FIELDS = `id number status partnerCode supplierPartnerCode supplyWarehouseCode shipToWarehouseCode
  reason lines { id sku batchNo quantity reserved shipped backordered }`;
// A batch-controlled line names its batch (lot): the one ordered, or the one shipped.
const batchOf = (l) => (l.batchNo ? ` batch ${l.batchNo}` : "");
const linesOf = (o) => o.lines.map((l) => `${l.sku}${batchOf(l)} × ${l.quantity} (reserved ${l.reserved}, shipped ${l.shipped}`
  + (l.backordered ? `, backordered ${l.backordered})` : ")")).join("; ");
const noticeLinesOf = (n) => n.lines.map((l) => `${l.sku}${batchOf(l)} × ${l.quantity}`).join("; ");

function html(markup) {
  const template = document.createElement("template"); template.innerHTML = markup.trim(); return template.content;
}

const FORM = `
  <h2>Orders</h2>
  <form id="order-form" class="fields">
    <label>Supplier <select id="o-supplier" name="supplier"></select></label>
    <label>SKU <input id="o-sku" name="sku" required autocomplete="off"></label>
    <label>From warehouse <select id="o-warehouse" name="warehouse"></select></label>
    <label id="o-batch-field" hidden>Batch <select id="o-batch" name="batch"></select></label>
    <label>Quantity <input id="o-quantity" name="quantity" type="number" min="1" required></label>
    <label>Ship to <select id="o-ship-to" name="shipTo"></select></label>
    <button>Place order</button>
  </form>
  <p id="o-availability" role="status"></p>
  <p id="o-batches" role="status"></p>
  <p id="order-status" role="status"></p>
  <form class="ship-batch fields" hidden><label>Batch of <span class="sb-sku"></span> to ship <input class="sb-batch" required autocomplete="off"></label><button>Ship with this batch</button></form>
  <div class="scroll"><table id="orders" class="stack"><thead><tr><th>Order</th><th>Supplier</th><th>Status</th><th>Lines</th><th>Shipping notices</th><th></th></tr></thead><tbody></tbody></table></div>
  <p id="orders-empty" hidden>No orders yet.</p>`;

const QUEUE = `
  <h2>Order queue</h2>
  <p id="queue-status" role="status"></p>
  <form class="ship-batch fields" hidden><label>Batch of <span class="sb-sku"></span> to ship <input class="sb-batch" required autocomplete="off"></label><button>Ship with this batch</button></form>
  <div class="scroll"><table id="order-queue" class="stack"><thead><tr><th>Order</th><th>Partner</th><th>Status</th><th>Lines</th><th></th></tr></thead><tbody></tbody></table></div>
  <p id="queue-empty" hidden>No order waits.</p>
  <h2>Shipping notices</h2>
  <div class="scroll"><table id="shipping-notices" class="stack"><thead><tr><th>Notice</th><th>Partner</th><th>Shipped</th><th>Lines</th><th>Delivery</th><th>Differences</th></tr></thead><tbody></tbody></table></div>
  <p id="notices-empty" hidden>No shipping notices yet.</p>`;

const NOTICE = `id documentNo partnerCode supplierPartnerCode createdAt deliveredOn receivedOn
  lines { orderId sku batchNo quantity } deliveryDifferences { sku kind quantity reasonCode note }`;

// A notice's delivery in words: delivered (a carrier's event) and received; a partner
// supplier's notice ships by transfer, which its delivery events receive the same way.
function deliveryOf(n) {
  const parts = n.supplierPartnerCode ? [`shipped by ${n.supplierPartnerCode} (transfer)`] : [];
  parts.push(n.deliveredOn ? `delivered ${n.deliveredOn}` : "not delivered yet");
  if (n.receivedOn) parts.push(`received ${n.receivedOn}`);
  return parts.join(", ");
}
const differencesOf = (n) => n.deliveryDifferences.map((d) => `${d.kind.toLowerCase()} ${d.quantity} ${d.sku} (${d.reasonCode}${d.note ? `: ${d.note}` : ""})`).join("; ");

// One order's notices, in one cell: document, delivery, differences.
function noticesCell(list) {
  const td = document.createElement("td");
  if (!list.length) { td.textContent = "—"; return td; }
  for (const n of list) {
    const p = document.createElement("div");
    p.className = "notice-of-order"; p.dataset.notice = n.documentNo;
    const differences = differencesOf(n);
    p.textContent = `${n.documentNo}: ${deliveryOf(n)} · shipped ${noticeLinesOf(n)}` + (differences ? ` · differences: ${differences}` : "");
    td.append(p);
  }
  return td;
}

export async function startOrders(viewer) {
  const root = $("#orders-root");
  if (!root) return;
  root.hidden = false;
  if (viewer.partner) {
    root.replaceChildren(html(FORM));
    // Listen before the first await: what is typed while the suppliers load is not lost.
    const refresh = () => showAvailability().catch((e) => { $("#o-availability").textContent = e.message; });
    $("#o-sku").addEventListener("input", refresh);
    $("#o-supplier").addEventListener("change", refresh);
    $("#o-warehouse").addEventListener("change", () => showBatches());
    $("#order-form").addEventListener("submit", (event) => placeOrder(event).catch((e) => { $("#order-status").textContent = e.message; }));
    const { warehouses, partners } = await gql(`{ warehouses { code name partnerCode }
      partners(search: "${viewer.partner.code}") { edges { node { code parent { code name } } } } }`);
    const own = warehouses.filter((w) => w.partnerCode === viewer.partner.code);
    $("#o-ship-to").replaceChildren(...own.map((w) => new Option(w.code, w.code)));
    const me = partners.edges.map((e) => e.node).find((p) => p.code === viewer.partner.code);
    const suppliers = [new Option("Manufacturer", "")];
    if (me && me.parent) suppliers.unshift(new Option(`${me.parent.name} (${me.parent.code})`, me.parent.code));
    $("#o-supplier").replaceChildren(...suppliers);
    if ($("#o-sku").value.trim()) refresh(); // the supplier list changed under what was typed
    await loadPartnerOrders(viewer);
  } else {
    root.replaceChildren(html(QUEUE));
    shipper = ["ADMIN", "SHIPPING"].includes(viewer.role);
    await Promise.all([loadQueue(), loadNotices()]);
  }
}

let shown = []; // the availability last shown, per warehouse (with its batches)
let asked = 0; // answers to keystrokes may arrive out of order: only the latest is shown

async function showAvailability() {
  const ask = ++asked;
  const sku = $("#o-sku").value.trim();
  if (!sku) { $("#o-availability").textContent = ""; shown = []; showBatches(); return; }
  const chosen = $("#o-warehouse").value;
  const { availability } = await gql(`query($sku: String!, $supplier: String) {
    availability(sku: $sku, supplierPartnerCode: $supplier) { warehouseCode onHand reserved available
      batches { batchNo onHand reserved available } } }`,
  { sku, supplier: $("#o-supplier").value || null });
  if (ask !== asked) return;
  $("#o-warehouse").replaceChildren(new Option("—", ""), ...availability.map((a) => new Option(`${a.warehouseCode} (${a.available} available)`, a.warehouseCode)));
  if (availability.some((a) => a.warehouseCode === chosen)) $("#o-warehouse").value = chosen;
  else if (availability.length) $("#o-warehouse").value = [...availability].sort((a, b) => b.available - a.available)[0].warehouseCode;
  const total = availability.reduce((sum, a) => sum + a.available, 0);
  $("#o-availability").textContent = availability.length ? `${sku}: ${total} available` : `${sku}: availability not shown`;
  shown = availability;
  showBatches();
}

// A batch-controlled SKU at a partner supplier: the chosen warehouse's batches, each with
// what is available of it; the partner may ask for one ("any batch": the supplier picks).
function showBatches() {
  const batches = shown.find((a) => a.warehouseCode === $("#o-warehouse").value)?.batches || [];
  const chosen = $("#o-batch").value;
  $("#o-batch").replaceChildren(new Option("Any batch", ""), ...batches.map((b) => new Option(`${b.batchNo} (${b.available} available)`, b.batchNo)));
  if (batches.some((b) => b.batchNo === chosen)) $("#o-batch").value = chosen;
  $("#o-batch-field").hidden = batches.length === 0;
  $("#o-batches").textContent = batches.length
    ? `Batches: ${batches.map((b) => `${b.batchNo} ${b.available} available (${b.onHand} on hand, ${b.reserved} reserved)`).join("; ")}` : "";
}

async function placeOrder(event) {
  event.preventDefault();
  const input = {
    supplierPartnerCode: $("#o-supplier").value || null,
    supplyWarehouseCode: $("#o-warehouse").value || null,
    shipToWarehouseCode: $("#o-ship-to").value,
    lines: [{ sku: $("#o-sku").value.trim(), quantity: Number($("#o-quantity").value), batchNo: $("#o-batch").value || null }],
    idempotencyKey: crypto.randomUUID(),
  };
  const { payload, problem } = await mutate("placeOrder", "PlaceOrderInput", input, "order { number status }");
  $("#order-status").textContent = problem || `Order ${payload.order.number}: ${payload.order.status}`;
  if (!problem) { $("#o-quantity").value = ""; await Promise.all([showAvailability(), loadPartnerOrders()]); }
}

async function act(name, order, reload, status, extra = {}) {
  const { payload, problem } = await mutate(name, "OrderActionInput", { id: order.id, ...extra }, "order { number status }");
  await reload();
  $(status).textContent = problem || `Order ${payload.order.number}: ${payload.order.status}`;
}

let viewerOfPage = null;
async function loadPartnerOrders(viewer = viewerOfPage) {
  viewerOfPage = viewer;
  const { orders, shippingNotices } = await gql(`{ orders(first: 50) { edges { node { ${FIELDS} } } }
    shippingNotices(first: 100) { edges { node { ${NOTICE} } } } }`);
  const mine = orders.edges.map((e) => e.node);
  const byOrder = new Map();
  for (const n of shippingNotices.edges.map((e) => e.node)) {
    for (const id of new Set(n.lines.map((l) => l.orderId))) byOrder.set(id, [...(byOrder.get(id) || []), n]);
  }
  const reload = () => loadPartnerOrders();
  $("#orders tbody").replaceChildren(...mine.map((o) => row(o.number, o.supplierPartnerCode || "Manufacturer", o.status, linesOf(o), noticesCell(byOrder.get(o.id) || []), actions(
    o.partnerCode === viewer.partner.code && ["SUBMITTED", "CONFIRMED"].includes(o.status)
      && button("Cancel", () => act("cancelOrder", o, reload, "#order-status")),
    o.supplierPartnerCode === viewer.partner.code && o.status === "SUBMITTED"
      && button("Confirm", () => act("confirmOrder", o, reload, "#order-status")),
    o.supplierPartnerCode === viewer.partner.code && ["CONFIRMED", "PARTIALLY_SHIPPED"].includes(o.status)
      && button("Ship", () => ship(o, reload, "#order-status")),
  ))));
  labelled($("#orders"));
  $("#orders-empty").hidden = mine.length > 0;
}

// Ship in one click: every reserved line. A batch-controlled line whose order asked for no
// batch needs one named (REQUIRED on lines.N.batchNo, N the order line): the page asks for
// it below the status and ships the reserved lines again, that one with its batch.
async function ship(order, reload, status, batches = null) {
  const input = { orderIds: [order.id], documentNo: `DN-${order.number}-${Date.now().toString(36).toUpperCase()}`, idempotencyKey: crypto.randomUUID() };
  if (batches) input.lines = order.lines.filter((l) => l.reserved > 0).map((l) => ({ orderLineId: l.id, quantity: l.reserved, batchNo: batches[l.id] || null }));
  const { payload, problem } = await mutate("createShippingNotice", "CreateShippingNoticeInput", input, "shippingNotice { documentNo }");
  const form = $(status).nextElementSibling;
  form.hidden = true;
  await reload();
  $(status).textContent = problem || `Shipped ${order.number} as ${payload.shippingNotice.documentNo}`;
  const asked = !batches && payload.errors.find((e) => e.code === "REQUIRED" && e.field && e.field[2] === "batchNo");
  const line = asked && order.lines[Number(asked.field[1])];
  if (!line) return;
  form.querySelector(".sb-sku").textContent = `${line.sku} (order ${order.number})`;
  form.querySelector(".sb-batch").value = "";
  form.onsubmit = (event) => { event.preventDefault(); ship(order, reload, status, { [line.id]: form.querySelector(".sb-batch").value.trim() }); };
  form.hidden = false;
  form.querySelector(".sb-batch").focus();
}

let shipper = false;  // the manufacturer's roles that record shipments
export async function loadQueue() {
  const data = await gql(`{ submitted: orders(status: SUBMITTED, first: 50) { edges { node { ${FIELDS} } } }
    confirmed: orders(status: CONFIRMED, first: 50) { edges { node { ${FIELDS} } } }
    partial: orders(status: PARTIALLY_SHIPPED, first: 50) { edges { node { ${FIELDS} } } } }`);
  const waiting = [...data.submitted.edges, ...data.confirmed.edges, ...data.partial.edges].map((e) => e.node)
    .filter((o) => !o.supplierPartnerCode);  // the manufacturer's own orders; distributors ship theirs
  $("#order-queue tbody").replaceChildren(...waiting.map((o) => row(o.number, o.partnerCode, o.status, linesOf(o), actions(
    o.status === "SUBMITTED" && button("Confirm", () => act("confirmOrder", o, loadQueue, "#queue-status")),
    shipper && o.status !== "SUBMITTED" && button("Ship", () => ship(o, () => Promise.all([loadQueue(), loadNotices()]), "#queue-status")),
    ["SUBMITTED", "CONFIRMED"].includes(o.status)
      && button("Reject", () => act("rejectOrder", o, loadQueue, "#queue-status", { reason: "Rejected from the queue" })),
  ))));
  labelled($("#order-queue"));
  $("#queue-empty").hidden = waiting.length > 0;
}

// The manufacturer's view of every shipping notice: delivered or not, and what the
// delivery reported short, damaged or over. Newest last (the list pages oldest first).
export async function loadNotices() {
  const { shippingNotices } = await gql(`{ shippingNotices(first: 100) { edges { node { ${NOTICE} } } } }`);
  const list = shippingNotices.edges.map((e) => e.node);
  $("#shipping-notices tbody").replaceChildren(...list.map((n) => {
    const tr = row(n.documentNo, n.partnerCode, n.createdAt.slice(0, 10),
      noticeLinesOf(n), deliveryOf(n), differencesOf(n) || "—");
    tr.dataset.notice = n.documentNo;
    tr.dataset.delivered = n.deliveredOn ? "yes" : "no";
    return tr;
  }));
  labelled($("#shipping-notices"));
  $("#notices-empty").hidden = list.length > 0;
}
