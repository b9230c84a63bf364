// Transfers: a partner raises, ships, receives or cancels; a manager approves or rejects requests.
import { $, actions, button, formValues, gql, labelled, mutate, row, state } from "./api.js";

const FIELDS = "id status fromPartnerCode fromWarehouseCode toPartnerCode toWarehouseCode lines { sku quantity }";
const OPEN = `{ requested: transfers(status: REQUESTED, first: 100) { edges { node { ${FIELDS} } } }
  approved: transfers(status: APPROVED, first: 100) { edges { node { ${FIELDS} } } }
  shipped: transfers(status: SHIPPED, first: 100) { edges { node { ${FIELDS} } } } }`;

const where = (t, side) => `${t[`${side}PartnerCode`]} / ${t[`${side}WarehouseCode`]}`;
const linesOf = (t) => t.lines.map((l) => `${l.sku} × ${l.quantity}`).join(", ");

async function act(name, transfer, reload, status = "#transfer-status") {
  const { payload, problem } = await mutate(name, "TransferActionInput", { id: transfer.id }, "transfer { id status }");
  await reload();
  $(status).textContent = problem || `Transfer ${transfer.id}: ${payload.transfer.status}`;
}

export async function loadWarehouses() {
  const { warehouses } = await gql("{ warehouses { code name } }");
  $("#t-from").replaceChildren(...warehouses.map((w) => new Option(`${w.code} (${w.name})`, w.code)));
  $("#own-warehouses").replaceChildren(...warehouses.map((w) => new Option(w.name, w.code)));
}

export async function loadPartnerTransfers() {
  const data = await gql(OPEN);
  const own = state.viewer.partner.code;
  const open = [...data.requested.edges, ...data.approved.edges, ...data.shipped.edges].map((e) => e.node);
  $("#transfers tbody").replaceChildren(...open.map((t) => {
    const sender = t.fromPartnerCode === own;
    const receiver = t.toPartnerCode === own;
    const note = t.status === "REQUESTED" ? " (awaiting the manufacturer's approval)" : "";
    return row(t.id, where(t, "from"), where(t, "to"), linesOf(t), t.status + note, actions(
      sender && t.status === "APPROVED" && button("Ship", () => act("shipTransfer", t, loadPartnerTransfers)),
      receiver && t.status === "SHIPPED" && button("Receive", () => act("receiveTransfer", t, loadPartnerTransfers)),
      sender && ["REQUESTED", "APPROVED"].includes(t.status) && button("Cancel", () => act("cancelTransfer", t, loadPartnerTransfers)),
    ));
  }));
  labelled($("#transfers"));
  $("#transfers-empty").hidden = open.length > 0;
}

export async function raiseTransfer(event) {
  event.preventDefault();
  const v = formValues(event.target);
  const input = {
    fromWarehouseCode: v.from, toWarehouseCode: v.toWarehouse, toPartnerCode: v.toPartner || null,
    lines: [{ sku: v.sku, quantity: Number(v.quantity) }], idempotencyKey: crypto.randomUUID(),
  };
  const { payload, problem } = await mutate("raiseTransfer", "RaiseTransferInput", input, "transfer { id status }");
  if (!problem) { event.target.reset(); await loadPartnerTransfers(); }
  $("#transfer-status").textContent = problem || `Transfer ${payload.transfer.id}: ${payload.transfer.status}`;
}

export async function loadApprovals() {
  const data = await gql(`{ transfers(status: REQUESTED, first: 100) { edges { node { ${FIELDS} } } } }`);
  const requested = data.transfers.edges.map((e) => e.node);
  $("#approvals tbody").replaceChildren(...requested.map((t) => row(t.id, where(t, "from"), where(t, "to"), linesOf(t), actions(
    button("Approve", () => act("approveTransfer", t, loadApprovals, "#approval-status")),
    button("Reject", () => act("rejectTransfer", t, loadApprovals, "#approval-status")),
  ))));
  labelled($("#approvals"));
  $("#approvals-empty").hidden = requested.length > 0;
}
