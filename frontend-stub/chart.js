// The manager's channel chart: six periods of sell-in, sell-through, calculated and reported
// inventory, the gap between the last two drawn as a band. Labelled axes (periods, round
// ticks), a legend in words, each period's values on hover or keyboard focus, and the same
// figures as a table for screen readers and for reading exact numbers.
import { $, formValues, gql, labelled, row } from "./api.js";

const NS = "http://www.w3.org/2000/svg";
const SERIES = [
  { key: "sellIn", name: "Sell-in", note: "shipped to the partners", colour: "#2b5fb4" },
  { key: "sellThrough", name: "Sell-through", note: "sold to end customers (POS)", colour: "#c2361b" },
  { key: "calculatedInventory", name: "Calculated inventory", note: "what the ledger says remains", colour: "#137a2e", dash: "6 4" },
  { key: "reportedInventory", name: "Reported inventory", note: "what the partners' stock reports say", colour: "#c77800" },
];
const GAP = { name: "Gap", note: "calculated minus reported", colour: "#c2361b" };
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

const units = (n) => (n == null ? "—" : Number(n).toLocaleString("en-US"));

// A round step (1, 2, 2.5 or 5 × 10^k) giving about `count` intervals up to `max`.
export function roundTicks(max, count = 4) {
  const raw = Math.max(max, 1) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw);
  const ticks = [];
  for (let t = 0; t < max + step; t += step) { ticks.push(Math.round(t * 100) / 100); if (t >= max) break; }
  return ticks;
}

function periodLabel(period) {
  const [year, month] = period.split("-");
  return month && MONTHS[Number(month) - 1] ? [MONTHS[Number(month) - 1], year] : [period, ""];
}

function legend() {
  const item = (colour, name, note, kind) => {
    const li = document.createElement("li");
    const mark = Object.assign(document.createElement("span"), { className: `swatch ${kind}` });
    mark.style.setProperty("--colour", colour);
    li.append(mark, Object.assign(document.createElement("b"), { textContent: name }), ` ${note}`);
    return li;
  };
  $("#chart-legend").replaceChildren(...SERIES.map((s) => item(s.colour, s.name, s.note, s.dash ? "dashed" : "line")),
    item(GAP.colour, GAP.name, GAP.note, "band"));
}

function table(rows) {
  $("#chart-table tbody").replaceChildren(...rows.map((r) => row(r.period, ...SERIES.map((s) => units(r[s.key])),
    r.reportedInventory == null ? "—" : units(r.calculatedInventory - r.reportedInventory))));
  labelled($("#chart-table"));
}

const describe = (r) => `${r.period}: ${SERIES.map((s) => `${s.name.toLowerCase()} ${units(r[s.key])}`).join(", ")}`
  + (r.reportedInventory == null ? ", no stock report" : `, gap ${units(r.calculatedInventory - r.reportedInventory)}`);

const draw = (rows) => drawLines($("#chart"), rows, SERIES, { tip: $("#chart-tip"), describe, gap: true });

// A line per series over periods, on `svg`: round ticks, period labels, a focusable column
// per period whose description (`describe(row)`) shows in `tip`. Dashed series are drawn
// last (on top); `gap` shades calculated minus reported inventory; `unit` names the y-axis.
// Also the forecast chart's and the rebate accrual chart's.
export function drawLines(svg, rows, series, { tip, describe: say, gap = false, unit = "Units" }) {
  const width = Math.max(Math.round(svg.getBoundingClientRect().width) || 640, 300);
  const height = width < 500 ? 260 : 300;
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.replaceChildren();
  const add = (tag, attributes, text, parent = svg) => {
    const node = document.createElementNS(NS, tag);
    Object.entries(attributes).forEach(([k, v]) => node.setAttribute(k, v));
    if (text !== undefined) node.textContent = text;
    parent.append(node);
    return node;
  };
  const left = width < 500 ? 54 : 62; const right = 14; const top = 26; const bottom = 46;
  const values = rows.flatMap((r) => series.map((s) => r[s.key] ?? 0));
  const ticks = roundTicks(Math.max(1, ...values));
  const max = ticks[ticks.length - 1];
  const plotW = width - left - right; const plotH = height - top - bottom;
  const step = plotW / Math.max(rows.length, 1);
  const x = (i) => left + step * (i + 0.5);
  const y = (v) => top + plotH - (v / max) * plotH;

  // Axes: round ticks with grid lines, period labels, both axes named.
  const axis = add("g", { class: "axis", "font-size": 12, fill: "#444" });
  for (const t of ticks) {
    add("line", { x1: left, x2: width - right, y1: y(t), y2: y(t), stroke: t ? "#e4e4e4" : "#888" }, undefined, axis);
    add("text", { x: left - 6, y: y(t) + 4, "text-anchor": "end", class: "tick" }, units(t), axis);
  }
  add("text", { x: 4, y: 13, class: "axis-title" }, unit, axis);  // above the tick labels, never over them
  rows.forEach((r, i) => {
    const [month, year] = periodLabel(r.period);
    const label = add("text", { x: x(i), y: top + plotH + 16, "text-anchor": "middle", class: "period", "data-period": r.period }, undefined, axis);
    add("tspan", { x: x(i) }, month, label);
    add("tspan", { x: x(i), dy: 13, fill: "#777" }, year, label);
  });
  add("text", { x: left + plotW / 2, y: height - 4, "text-anchor": "middle", class: "axis-title" }, "Period", axis);

  // The gap: the band between calculated and reported, where a report exists.
  const reported = gap ? rows.map((r, i) => [r, i]).filter(([r]) => r.reportedInventory != null) : [];
  if (reported.length) {
    const upper = reported.map(([r, i]) => `${x(i)},${y(r.calculatedInventory)}`);
    const lower = reported.map(([r, i]) => `${x(i)},${y(r.reportedInventory)}`).reverse();
    add("polygon", { points: [...upper, ...lower].join(" "), fill: GAP.colour, "fill-opacity": 0.18, class: "gap-band" });
  }
  // The lines; calculated is dashed on top, so that it shows where it equals reported.
  for (const s of [...series.filter((x) => !x.dash), ...series.filter((x) => x.dash)]) {
    const points = rows.map((r, i) => (r[s.key] == null ? null : `${x(i)},${y(r[s.key])}`)).filter(Boolean);
    add("polyline", { points: points.join(" "), fill: "none", stroke: s.colour, "stroke-width": 2.5, "stroke-dasharray": s.dash || "none", "data-series": s.key });
    rows.forEach((r, i) => r[s.key] != null && add("circle", { cx: x(i), cy: y(r[s.key]), r: 3, fill: s.colour }));
  }

  // Each period is a focusable column: hover or focus shows its values.
  const guide = add("line", { y1: top, y2: top + plotH, stroke: "#999", "stroke-dasharray": "2 3", visibility: "hidden" });
  rows.forEach((r, i) => {
    const hit = add("rect", { x: x(i) - step / 2, y: top, width: step, height: plotH, fill: "transparent", tabindex: 0,
      class: "hit", "data-period": r.period, "aria-label": say(r) });
    const show = () => {
      guide.setAttribute("x1", x(i)); guide.setAttribute("x2", x(i)); guide.setAttribute("visibility", "visible");
      tip.textContent = say(r);
    };
    hit.addEventListener("mouseenter", show); hit.addEventListener("focus", show);
  });
  svg.addEventListener("mouseleave", () => guide.setAttribute("visibility", "hidden"));
}

let shown = [];
let observer = null;

export async function drawChart() {
  const last = $("#m-period").value;
  const [year, month] = last.split("-").map(Number);
  const first = new Date(Date.UTC(year, month - 6, 1)).toISOString().slice(0, 7);
  const v = formValues($("#c-filters"));
  const { channelSummary } = await gql(`query($a: String!, $b: String!, $partner: String, $sku: String) {
    channelSummary(periodFrom: $a, periodTo: $b, partnerCode: $partner, sku: $sku) {
    period sellIn sellThrough calculatedInventory reportedInventory } }`, { a: first, b: last, partner: v.partner || null, sku: v.sku || null });
  shown = channelSummary;
  const what = [v.partner, v.sku].filter(Boolean).join(" · ") || "all partners and SKUs";
  $("#chart").setAttribute("aria-label", `Channel of ${what}, ${first} to ${last}: the figures are in the table below.`);
  $("#chart-tip").textContent = "Point at or tab to a period for its values.";
  legend(); table(shown); draw(shown);
  if (!observer) {  // redrawn at the width it has, so that its text stays readable
    let width = $("#chart").getBoundingClientRect().width;
    observer = new ResizeObserver(() => {
      const now = $("#chart").getBoundingClientRect().width;
      if (Math.abs(now - width) > 20) { width = now; draw(shown); }
    });
    observer.observe($("#chart"));
  }
}
