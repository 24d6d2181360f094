// The county overview and the scorecards of towns and villages: GET /scorecards/{code}, its children, /figures.
import { ApiError, all, get, url } from "../api.js";
import { incomeBars, loadECharts, shareBars } from "../charts.js";
import { L, t } from "../i18n.js";
import { card, errorBox, fmt, h, link, num, pct, section, table } from "../ui.js";

const METRICS = ["cooperative_party_org", "demo_point_party_org", "poor_households_driven", "households_driven",
  "bases_linked", "poor_chain_complete", "poor_chain_joint_committee"];
const GAP_OF = { cooperative_party_org: "cooperatives_without_org", demo_point_party_org: "demo_points_without_org",
  poor_households_driven: "poor_households_not_driven", bases_linked: "bases_without_member",
  poor_chain_complete: "poor_households_chain_incomplete" };

function notFound(code) {
  return [h("h1", { tabindex: "-1" }, t("notfound.scope", { code })),
    h("p", {}, t("notfound.search")),
    h("form", { class: "search", role: "search", onsubmit: (ev) => {
      ev.preventDefault();
      location.hash = `#/search?q=${encodeURIComponent(ev.target.q.value.trim())}`;
    } }, h("label", { for: "notfound-q", class: "visually-hidden" }, t("search.label")),
    h("input", { id: "notfound-q", name: "q", type: "search", maxlength: "50" }),
    h("button", { type: "submit" }, t("search.button")))];
}

export async function render({ code, home }, ctx) {
  loadECharts().catch(() => {}); // beside the data requests: every scorecard draws
  let sc;
  try {
    sc = await get(`/scorecards/${code}`);
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 400)) return notFound(code);
    throw err;
  }
  const signedIn = ctx.session.signed_in;
  const [children, figures] = await Promise.all([
    sc.child_level ? all(`/scorecards/${code}/children`) : [],
    code.length <= 6 ? all("/figures", { scope: code }).catch(() => []) : [],
  ]);
  const drawn = [];
  const name = sc.name || code;
  const levelName = L(`level.${sc.level}`);
  const nodes = [
    breadcrumb(sc),
    h("h1", { tabindex: "-1" }, `${name}`, h("span", { class: "muted" }, ` · ${levelName} ${code}`)),
    h("p", { class: "lead" }, home || sc.level === "county" || sc.level === "province" ? t("overview.lead", { name })
      : t("scorecard.lead", { level: levelName })),
  ];
  if (!signedIn) nodes.push(h("p", { class: "note" }, t("anon.note"), " ", link("#/signin", t("signin"))));

  nodes.push(section(t("coverage"), h("div", { class: "cards" }, METRICS.map((m) => {
    const v = sc.coverage[m];
    return card(L(`metric.${m}`), num(v.ratio, `coverage.${m}.ratio`, pct(v.ratio)),
      [num(v.covered, `coverage.${m}.covered`), " / ", num(v.total, `coverage.${m}.total`)],
      GAP_OF[m] ? `#/gaps/${code}/${GAP_OF[m]}` : null);
  }))));

  nodes.push(section(t("gaps"), h("div", { class: "cards" }, Object.entries(sc.gaps).map(([k, v]) =>
    card(L(`gap.${k}`), num(v, `gaps.${k}`), null, `#/gaps/${code}/${k}`)))));

  if (figures.length) {
    nodes.push(section(t("figures"), h("p", { class: "note" }, t("figures.note")), table([
      { label: L("col.metric"), render: (f) => L(`figure.${f.metric}`) },
      { label: L("col.scope_code"), render: (f) => f.scope_code },
      { label: L("col.as_of"), render: (f) => f.as_of || "–" },
      { label: L("col.wording"), render: (f) => f.wording || "" },
      { label: L("col.qualifier"), render: (f) => (f.qualifiers || []).map((q) => L(`qualifier.${q}`)).join("、") },
      { label: L("col.reported"), n: true, render: (f) => num(f.reported, `figures.${f.metric}@${f.scope_code}.reported`) },
      { label: L("col.computed"), n: true, render: (f) => num(f.computed, `figures.${f.metric}@${f.scope_code}.computed`) },
      { label: L("col.unit"), render: (f) => (f.unit ? L(`unit.${f.unit}`) : "") },
      { label: L("col.status"), render: (f) => h("span", { class: `status-${f.status}`, title: f.reason || "", dataset: { key: `figures.${f.metric}@${f.scope_code}.status`, value: f.status } }, L(`status.${f.status}`)) },
      { label: L("col.source_title"), render: (f) => [f.source_title || "", f.source_author ? ` (${f.source_author})` : ""] },
    ], figures, { id: "figures-table" })));
  } else if (sc.level === "county") {
    nodes.push(section(t("figures"), h("p", { class: "muted" }, t("figures.none"))));
  }

  if (children.length) {
    const childLevel = L(`level.${sc.child_level}`);
    const select = h("select", { id: "children-metric" }, METRICS.map((m) => h("option", { value: m }, L(`metric.${m}`))));
    const holder = h("div", {});
    const draw = () => {
      const m = select.value;
      const c = shareBars(children.map((r) => r.name || r.code), children.map((r) => r.coverage[m].ratio), { title: L(`metric.${m}`) });
      holder.replaceChildren(c.el);
      return c.drawn;
    };
    select.addEventListener("change", draw);
    drawn.push(draw());
    nodes.push(section(t("children.chart", { level: childLevel }),
      h("div", { class: "controls" }, h("label", { for: "children-metric" }, t("children.metric"), select)),
      h("div", { class: "panel" }, holder)));
    nodes.push(section(t("children.table", { level: childLevel }), table([
      { label: L("col.code"), render: (r) => r.code },
      { label: L("col.name"), render: (r) => link(`#/scope/${r.code}`, r.name || r.code) },
      { label: L("count.households"), n: true, render: (r) => num(r.counts.households, `children.${r.code}.counts.households`) },
      { label: L("count.poor"), n: true, render: (r) => num(r.counts.poor, `children.${r.code}.counts.poor`) },
      ...METRICS.map((m) => ({ label: L(`metric.${m}`), n: true,
        render: (r) => num(r.coverage[m].ratio, `children.${r.code}.coverage.${m}.ratio`, pct(r.coverage[m].ratio)) })),
      { label: L("gap.poor_households_not_driven"), n: true,
        render: (r) => num(r.gaps.poor_households_not_driven, `children.${r.code}.gaps.poor_households_not_driven`) },
    ], children, { id: "children-table" })));
  }

  nodes.push(section(t("counts"), h("div", { class: "cards" }, Object.entries(sc.counts).map(([k, v]) =>
    card(L(`count.${k}`), num(v, `counts.${k}`))))));

  nodes.push(section(t("models"), table([
    { label: L("col.model"), render: ([k]) => L(`model.${k}`) },
    { label: L("col.instances"), n: true, render: ([k, v]) => num(v, `models.${k}`) },
  ], Object.entries(sc.models))));

  const incomes = section(t("incomes"));
  if (sc.incomes.length) {
    const c = incomeBars(sc.incomes, { title: t("incomes") });
    drawn.push(c.drawn);
    incomes.append(h("div", { class: "panel" }, c.el), table([
      { label: L("col.year"), render: (r) => String(r.year) },
      { label: t("incomes.villages"), n: true, render: (r) => num(r.villages, `incomes.${r.year}.villages`) },
      { label: t("incomes.sum"), n: true, render: (r) => num(r.yuan, `incomes.${r.year}.yuan`) },
      { label: L("col.min_yuan"), n: true, render: (r) => num(r.min_yuan, `incomes.${r.year}.min_yuan`) },
      { label: L("col.max_yuan"), n: true, render: (r) => num(r.max_yuan, `incomes.${r.year}.max_yuan`) },
    ], sc.incomes));
  } else {
    incomes.append(h("p", { class: "muted" }, t("incomes.none")));
  }
  nodes.push(incomes);

  nodes.push(section(t("pairings"), h("div", { class: "cards" },
    card(t("pairings.count"), num(sc.pairings.pairings, "pairings.pairings"), null, signedIn ? `#/pairings/${code}` : null),
    card(t("pairings.strong"), num(sc.pairings.strong_villages, "pairings.strong_villages")),
    card(t("pairings.weak"), num(sc.pairings.weak_villages, "pairings.weak_villages")),
    card(t("pairings.crossing"), num(sc.pairings.crossing, "pairings.crossing")))));

  if (signedIn) {
    nodes.push(section(t("report.download"),
      h("p", { class: "note" }, t("report.note", { level: L(`level.${sc.child_level || "village"}`) })),
      h("div", { class: "downloads" }, h("a", { href: url("/report", { scope: code }), download: `report-${code}.xlsx`,
        id: "report-download" }, t("report.download")))));
  }
  return { nodes, drawn };
}

function breadcrumb(sc) {
  const parts = [];
  const code = sc.code;
  for (const n of [6, 9]) if (code.length > n) parts.push(link(`#/scope/${code.slice(0, n)}`, code.slice(0, n)));
  return parts.length ? h("nav", { class: "note", "aria-label": "breadcrumb" }, parts.flatMap((p, i) => (i ? [" › ", p] : [p]))) : "";
}

export { errorBox, fmt };
