// Charts with Apache ECharts (vendored: /assets/vendor/echarts.min.js, 1.1 MB, loaded only by pages that draw).
// Each chart resolves when ECharts has finished drawing, so a page can say when it is rendered.
import { h } from "./ui.js";

let loading = null;

/** Load ECharts once (a page with charts starts this beside its data requests). */
export function loadECharts() {
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const s = document.createElement("script");
      s.src = "/assets/vendor/echarts.min.js";
      s.onload = () => resolve(window.echarts);
      s.onerror = () => { loading = null; reject(new Error("ECharts could not be loaded")); };
      document.head.append(s);
    });
  }
  return loading;
}

const live = new Set();

/** Dispose the charts of the previous page. */
export function disposeAll() {
  for (const c of live) c.dispose();
  live.clear();
}

window.addEventListener("resize", () => { for (const c of live) c.resize(); });

/** A chart in a new element; resolves to the element once drawn. */
export function chart(option, { height = 360, label = "" } = {}) {
  const el = h("div", { class: "chart", role: "img", "aria-label": label, style: `height:${height}px` });
  const drawn = loadECharts().then((echarts) => new Promise((resolve) => {
    requestAnimationFrame(() => {
      const c = echarts.init(el, null, { renderer: "canvas" });
      live.add(c);
      c.on("finished", () => resolve(el));
      c.setOption({ animation: false, textStyle: { fontFamily: getComputedStyle(document.body).fontFamily }, ...option });
    });
  }));
  return { el, drawn };
}

/** Horizontal bars: one per category (a town, a village), values 0–1 shown as percent. */
export function shareBars(categories, values, { title = "", height } = {}) {
  return chart({
    grid: { left: 8, right: 48, top: 8, bottom: 24, containLabel: true },
    tooltip: { trigger: "axis", valueFormatter: (v) => (v === null ? "–" : `${(v * 100).toFixed(1)}%`) },
    xAxis: { type: "value", min: 0, max: 1, axisLabel: { formatter: (v) => `${Math.round(v * 100)}%` } },
    yAxis: { type: "category", data: categories, inverse: true, axisLabel: { interval: 0 } },
    series: [{ type: "bar", data: values, name: title, itemStyle: { color: "#b3261e" },
      label: { show: true, position: "right", formatter: (p) => (p.value === null ? "–" : `${(p.value * 100).toFixed(1)}%`) } }],
  }, { height: height || Math.max(200, 22 * categories.length + 40), label: title });
}

/** Collective income by year: bars of the sum. */
export function incomeBars(rows, { title = "" } = {}) {
  return chart({
    grid: { left: 8, right: 16, top: 24, bottom: 24, containLabel: true },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: rows.map((r) => String(r.year)) },
    yAxis: { type: "value", name: "元 / yuan" },
    series: [{ type: "bar", name: title, data: rows.map((r) => r.yuan), itemStyle: { color: "#b3261e" } }],
  }, { height: 280, label: title });
}

/** The pairing network: strong → weak, laid out by force once (no animation), edges coloured by income change. */
export function network(nodes, edges, { title = "", names = {} } = {}) {
  const colour = { strong: "#b3261e", weak: "#1a73e8", both: "#7b1fa2" };
  return chart({
    tooltip: {},
    series: [{
      type: "graph", layout: "force", roam: true, draggable: false, zoom: 0.8,
      force: { repulsion: 50, edgeLength: 36, gravity: 0.15, layoutAnimation: false },
      edgeSymbol: ["none", "arrow"], edgeSymbolSize: 6,
      label: { show: false },
      data: nodes.map((n) => ({ id: n.code, name: n.name || n.code, symbolSize: n.role === "weak" ? 7 : 11,
        itemStyle: { color: colour[n.role], opacity: n.in_scope ? 1 : 0.4 }, tooltip: { formatter: `${n.name || n.code}<br>${n.town_name || ""}` } })),
      links: edges.map((e) => ({ source: e.strong, target: e.weak,
        lineStyle: { width: 1.2, color: e.weak_income_change === null ? "#9aa0a6" : e.weak_income_change >= 0 ? "#1e7b34" : "#b3261e" },
        tooltip: { formatter: `${names[e.strong] || e.strong} → ${names[e.weak] || e.weak}` } })),
    }],
  }, { height: 560, label: title });
}
