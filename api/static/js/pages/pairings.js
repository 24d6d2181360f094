// The pairing network (强村带弱村): strong → weak villages, and each weak village's collective income before and since.
import { get } from "../api.js";
import { loadECharts, network } from "../charts.js";
import { t } from "../i18n.js";
import { fmt, h, link, needSignIn, num, section, table } from "../ui.js";

export async function render({ code }, ctx) {
  const nodes = [h("h1", { tabindex: "-1" }, t("pairing.title"))];
  if (!ctx.session.signed_in) return [...nodes, needSignIn()];
  const [division, net, echarts] = await Promise.all([get(`/scorecards/${code}`), get("/pairings/network", { scope: code }),
    loadECharts()]);
  nodes[0].append(h("span", { class: "muted" }, ` · ${division.name || code}`));
  nodes.push(h("p", { class: "lead" }, t("pairing.lead")));
  if (!net.edges.length) return { nodes: [...nodes, h("p", { class: "muted" }, t("pairing.none"))], drawn: [] };
  const names = Object.fromEntries(net.nodes.map((n) => [n.code, n.name || n.code]));
  const escaped = Object.fromEntries(Object.entries(names).map(([k, v]) => [k, echarts.format.encodeHTML(v)]));
  const safeNodes = net.nodes.map((n) => ({ ...n, name: escaped[n.code], town_name: echarts.format.encodeHTML(n.town_name || "") }));
  const chart = network(safeNodes, net.edges, { title: t("pairing.network"), names: escaped });
  nodes.push(section(t("pairing.network"), h("p", {}, num(net.edges.length, "pairing.edges", t("gaps.total", { n: fmt(net.edges.length) }))),
    h("p", { class: "note" }, t("pairing.legend")), h("div", { class: "panel" }, chart.el)));
  const village = (c) => link(`#/scope/${c}`, names[c]);
  nodes.push(section(t("pairing.table"), table([
    { label: t("pairings.strong"), render: (e) => village(e.strong) },
    { label: t("pairings.weak"), render: (e) => village(e.weak) },
    { label: t("pairing.since"), render: (e) => String(e.since ?? "–") },
    { label: t("pairing.before"), n: true, render: (e) => [num(e.weak_income_before, `pairing.${e.strong}>${e.weak}.before`), e.before_year ? ` (${e.before_year})` : ""] },
    { label: t("pairing.latest"), n: true, render: (e) => [num(e.weak_income_latest, `pairing.${e.strong}>${e.weak}.latest`), e.latest_year ? ` (${e.latest_year})` : ""] },
    { label: t("pairing.change"), n: true, render: (e) => num(e.weak_income_change, `pairing.${e.strong}>${e.weak}.change`) },
  ], net.edges, { id: "pairing-table" })));
  return { nodes, drawn: [chart.drawn] };
}
