// The partner's count sheet, made for a phone in a warehouse aisle: a page of lines still
// to count, one scan-friendly form (SKU then quantity, Enter records), and counts kept in
// this browser until the portal has them: recordCounts sets lines, so a count sent twice
// after a dropped connection changes nothing.
import { $, gql, labelled, mutate, row, state } from "./api.js";

const PAGE = 10;
const pendingKey = (id) => `portalCounts:${id}`;
const pending = (id) => JSON.parse(localStorage.getItem(pendingKey(id)) || "{}");
const keep = (id, counts) => localStorage.setItem(pendingKey(id), JSON.stringify(counts));
let current = null;

function say(text) { $("#count-status").textContent = text; }

function showPending() {
  const waiting = current ? Object.keys(pending(current.id)).length : 0;
  $("#count-pending").textContent = waiting ? `${waiting} count(s) kept on this device, waiting for the connection` : "";
}

export async function loadCounts() {
  const box = $("#counts");
  box.hidden = false;
  const { inventoryChecks } = await gql(`{ inventoryChecks(status: DRAFT, first: 1) { edges { node {
    id warehouseCode countDate blind lineCount countedCount } } } }`);
  current = inventoryChecks.edges[0]?.node ?? null;
  $("#count-start").hidden = Boolean(current);
  $("#count-sheet").hidden = !current;
  if (!current) {
    const { warehouses } = await gql(`query($p: String) { warehouses(partnerCode: $p) { code name } }`, { p: state.viewer.partner.code });
    $("#count-warehouse").replaceChildren(...warehouses.map((w) => new Option(`${w.code} · ${w.name}`, w.code)));
    return;
  }
  showPending();
  await loadLines();
  // The title last: when it shows a new count, the lines shown are those still to count.
  $("#count-title").textContent = `${current.warehouseCode}, counted ${current.countedCount} of ${current.lineCount} (count date ${current.countDate}${current.blind ? ", blind" : ""})`;
}

async function loadLines() {
  const { inventoryCheck } = await gql(`query($id: ID!, $n: Int) { inventoryCheck(id: $id) {
    lines(first: $n, uncountedOnly: true) { totalCount edges { node { sku serialControlled book counted } } } } }`,
  { id: current.id, n: PAGE });
  const body = $("#count-lines tbody");
  body.replaceChildren(...inventoryCheck.lines.edges.map(({ node }) => {
    const input = Object.assign(document.createElement("input"), {
      inputMode: node.serialControlled ? "text" : "numeric", placeholder: node.serialControlled ? "serials, comma separated" : "0",
    });
    input.dataset.sku = node.sku;
    input.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      record(node.sku, node.serialControlled, input.value).catch((error) => say(error.message));
    });
    const td = document.createElement("td"); td.append(input);
    return row(node.sku, node.book ?? "—", td);
  }));
  labelled($("#count-lines"));
  $("#count-left").textContent = `${inventoryCheck.lines.totalCount} line(s) left to count`;
}

function countOf(serialControlled, value) {
  if (serialControlled) return { serials: value.split(/[,\s]+/).filter(Boolean) };
  return { counted: Number.parseInt(value || "0", 10) };
}

async function record(sku, serialControlled, value) {
  const counts = pending(current.id);
  counts[sku] = { sku, ...countOf(serialControlled, value) };
  keep(current.id, counts);
  showPending();
  await flush();
}

// Send what this device holds; on a network failure keep it for the next try.
export async function flush() {
  if (!current) return;
  const counts = pending(current.id);
  const lines = Object.values(counts);
  if (!lines.length) return;
  let result;
  try {
    result = await mutate("recordCounts", "RecordCountsInput", { id: current.id, lines }, "inventoryCheck { countedCount lineCount }");
  } catch (error) {
    say(`Offline: ${lines.length} count(s) kept on this device.`);
    return;
  }
  keep(current.id, {});
  if (result.problem) say(result.problem);
  else say(`Saved ${lines.length} count(s).`);
  await loadCounts();
}

async function scan(event) {
  event.preventDefault();
  const sku = $("#scan-sku").value.trim();
  if (!sku) return;
  const value = $("#scan-qty").value.trim();
  const serial = !/^\d*$/.test(value);
  await record(sku, serial, value);
  $("#scan-sku").value = ""; $("#scan-qty").value = ""; $("#scan-sku").focus();
}

async function start(event) {
  event.preventDefault();
  const { problem } = await mutate("startInventoryCheck", "StartInventoryCheckInput", {
    warehouseCode: $("#count-warehouse").value, source: $("#count-source").value, blind: $("#count-blind").checked,
  }, "inventoryCheck { id }");
  say(problem || "Count sheet started.");
  await loadCounts();
}

async function submit() {
  await flush();
  const { problem } = await mutate("submitInventoryCheck", "IdInput", { id: current.id }, "inventoryCheck { status }");
  say(problem || "Count submitted for review.");
  if (!problem) await loadCounts();
}

export function wireCounts(on) {
  on("#count-start", "submit", start);
  on("#scan-form", "submit", scan);
  on("#count-submit", "click", submit);
  window.addEventListener("online", () => { flush().catch((error) => say(error.message)); });
}
