// Forecast grids. Partner: its forward-looking sell-through, SKU x period, prefilled (last
// forecast or trailing average) and submitted as is or changed. Manager: the account
// forecast, partner x SKU x period, each cell's total with its adjustment typed in place,
// above it a chart of forecast vs actual sell-through vs calculated inventory per period.
import { $, gql, labelled, mutate, row } from "./api.js";
import { drawLines } from "./chart.js";

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
  await drawForecastChart();
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
    if (!problem) { total.textContent = payload.accountForecast.total; await drawForecastChart(); }
  });
  td.append(total, detail, input);
  return td;
}

// The chart: the last six months and the next, summed over the channel. Forecast is the
// account forecast's total (committed + partner forecast + design pipeline + adjustment);
// actual is the net sell-through; calculated inventory is the ledger's (none yet ahead);
// a period without any forecast shows none ("—"), not 0.
const FORECAST_SERIES = [
  { key: "forecast", name: "Forecast", note: "the account forecast's total", colour: "#2b5fb4" },
  { key: "actual", name: "Actual", note: "net sell-through (POS)", colour: "#c2361b" },
  { key: "calculated", name: "Calculated inventory", note: "what the ledger says remains", colour: "#137a2e", dash: "6 4" },
];
const units = (n) => (n == null ? "—" : Number(n).toLocaleString("en-US"));
const sayPeriod = (r) => `${r.period}: ${FORECAST_SERIES.map((s) => `${s.name.toLowerCase()} ${units(r[s.key])}`).join(", ")}`;
let forecastRows = [];
let forecastObserver = null;

export async function drawForecastChart() {
  const periods = [-5, -4, -3, -2, -1, 0, 1].map(month);
  const now = periods[5];
  const { accountForecast, channelSummary } = await gql(`query($a: String!, $b: String!, $c: String!) {
    accountForecast(periodFrom: $a, periodTo: $b) { period total }
    channelSummary(periodFrom: $a, periodTo: $c) { period sellThrough calculatedInventory } }`,
  { a: periods[0], b: periods[6], c: now });
  const byPeriod = new Map(periods.map((period) => [period, { period, forecast: null, actual: null, calculated: null }]));
  for (const r of accountForecast) if (byPeriod.has(r.period)) byPeriod.get(r.period).forecast = (byPeriod.get(r.period).forecast ?? 0) + r.total;
  for (const r of channelSummary) {
    const cell = byPeriod.get(r.period);
    if (cell) Object.assign(cell, { actual: r.sellThrough, calculated: r.calculatedInventory });
  }
  forecastRows = [...byPeriod.values()];
  const item = (s) => {
    const li = document.createElement("li");
    const mark = Object.assign(document.createElement("span"), { className: `swatch ${s.dash ? "dashed" : "line"}` });
    mark.style.setProperty("--colour", s.colour);
    li.append(mark, Object.assign(document.createElement("b"), { textContent: s.name }), ` ${s.note}`);
    return li;
  };
  $("#forecast-legend").replaceChildren(...FORECAST_SERIES.map(item));
  $("#forecast-table tbody").replaceChildren(...forecastRows.map((r) => row(r.period, ...FORECAST_SERIES.map((s) => units(r[s.key])))));
  labelled($("#forecast-table"));
  $("#forecast-chart").setAttribute("aria-label", `Forecast, actual sell-through and calculated inventory, ${periods[0]} to ${periods[6]}: the figures are in the table below.`);
  $("#forecast-tip").textContent = "Point at or tab to a period for its values.";
  const draw = () => drawLines($("#forecast-chart"), forecastRows, FORECAST_SERIES, { tip: $("#forecast-tip"), describe: sayPeriod });
  draw();
  if (!forecastObserver) {  // redrawn at the width it has, so that its text stays readable
    let width = $("#forecast-chart").getBoundingClientRect().width;
    forecastObserver = new ResizeObserver(() => {
      const now = $("#forecast-chart").getBoundingClientRect().width;
      if (Math.abs(now - width) > 20) { width = now; draw(); }
    });
    forecastObserver.observe($("#forecast-chart"));
  }
}
