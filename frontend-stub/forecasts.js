// Forecast grids. Partner: its forward-looking sell-through, SKU x period, prefilled (last
// forecast or trailing average) and submitted as is or changed. Manager: the account
// forecast, partner x SKU x period, each cell's total with its adjustment typed in place.
import { $, gql, mutate, row } from "./api.js";

const month = (offset) => { const d = new Date(); d.setDate(1); d.setMonth(d.getMonth() + offset); return d.toISOString().slice(0, 7); };
const number = (value, label) => Object.assign(document.createElement("input"), { type: "number", value, inputMode: "numeric", ariaLabel: label });
let draftPeriods = [];

export async function loadForecastDraft() {
  $("#forecasts").hidden = false;
  const { forecastDraft } = await gql(`query($from: String!) { forecastDraft(periodFrom: $from, horizon: 3) {
    lines { sku period quantity } } }`, { from: month(0) });
  draftPeriods = [...new Set(forecastDraft.lines.map((x) => x.period))];
  const skus = [...new Set(forecastDraft.lines.map((x) => x.sku))];
  const cells = new Map(forecastDraft.lines.map((x) => [`${x.sku}|${x.period}`, x.quantity]));
  $("#forecast-grid thead").replaceChildren(row("SKU", ...draftPeriods));
  $("#forecast-grid tbody").replaceChildren(...skus.map((sku) => row(sku, ...draftPeriods.map((p) => {
    const td = document.createElement("td");
    const input = number(cells.get(`${sku}|${p}`) ?? 0, `${sku} ${p}`);
    Object.assign(input.dataset, { sku, period: p });
    td.append(input); return td;
  }))));
  $("#forecast-empty").hidden = skus.length > 0;
}

export async function submitForecast() {
  const lines = [...document.querySelectorAll("#forecast-grid input")].map((input) => ({
    sku: input.dataset.sku, period: input.dataset.period, quantity: Number.parseInt(input.value || "0", 10),
  }));
  const { problem } = await mutate("submitForecast", "SubmitForecastInput", { lines }, "forecast { id }");
  $("#forecast-status").textContent = problem || "Forecast submitted.";
}

export async function loadAccountGrid() {
  $("#account-forecast").hidden = false;
  const periods = [month(-1), month(0), month(1)];
  const { accountForecast } = await gql(`query($from: String!, $to: String!) { accountForecast(periodFrom: $from, periodTo: $to) {
    partnerCode sku period committed partnerForecast designPipeline adjustment total actualSellThrough } }`,
  { from: periods[0], to: periods[2] });
  const keys = [...new Set(accountForecast.map((r) => `${r.partnerCode}|${r.sku}`))];
  const cells = new Map(accountForecast.map((r) => [`${r.partnerCode}|${r.sku}|${r.period}`, r]));
  $("#account-grid thead").replaceChildren(row("Partner", "SKU", ...periods));
  $("#account-grid tbody").replaceChildren(...keys.map((key) => {
    const [partner, sku] = key.split("|");
    return row(partner, sku, ...periods.map((period) => accountCell(partner, sku, period, cells.get(`${key}|${period}`))));
  }));
}

function accountCell(partnerCode, sku, period, r) {
  const td = document.createElement("td");
  const total = Object.assign(document.createElement("strong"), { textContent: r ? r.total : 0 });
  total.className = "total";
  const detail = Object.assign(document.createElement("small"), {
    textContent: r ? ` = ${r.committed} + ${r.partnerForecast} + ${r.designPipeline} ${r.adjustment < 0 ? "−" : "+"} ${Math.abs(r.adjustment)} · actual ${r.actualSellThrough}` : "",
  });
  const input = number(r ? r.adjustment : 0, `adjustment ${partnerCode} ${sku} ${period}`);
  Object.assign(input.dataset, { partnerCode, sku, period });
  input.addEventListener("change", async () => {
    const note = $("#adjust-note").value.trim();
    const { payload, problem } = await mutate("adjustAccountForecast", "AdjustAccountForecastInput",
      { partnerCode, sku, period, adjustment: Number.parseInt(input.value || "0", 10), note }, "accountForecast { total adjustment }");
    $("#account-status").textContent = problem || `${partnerCode} ${sku} ${period}: total ${payload.accountForecast.total}`;
    if (!problem) total.textContent = payload.accountForecast.total;
  });
  td.append(total, detail, input);
  return td;
}
