// The organization tree: the roots seated in a division, then one organization's tree
// (committee → general branches → branches → cooperatives and companies → bases), with counts.
import { all, get } from "../api.js";
import { L, t } from "../i18n.js";
import { card, fmt, h, link, needSignIn, num, section, table } from "../ui.js";

export async function renderList({ code, query }, ctx) {
  const nodes = [h("h1", { tabindex: "-1" }, t("orgs.title"))];
  if (!ctx.session.signed_in) return [...nodes, needSignIn()];
  const county = code.slice(0, Math.min(code.length, 6));
  const cursor = query.get("cursor") || "";
  const [division, towns, page] = await Promise.all([
    get(`/scorecards/${code}`), get("/divisions", { scope: county, level: "town", limit: 1000 }),
    get("/orgs", { scope: code, roots: "true", limit: 50, cursor }),
  ]);
  nodes.push(h("p", { class: "lead" }, t("orgs.lead", { name: division.name || code })));
  const select = h("select", { id: "orgs-scope" },
    h("option", { value: county }, `${t("gaps.all")} (${county})`),
    towns.items.map((d) => h("option", { value: d.code, selected: d.code === code.slice(0, 9) }, d.name || d.code)));
  select.addEventListener("change", () => { location.hash = `#/orgs/${select.value}`; });
  nodes.push(h("div", { class: "controls" }, h("label", { for: "orgs-scope" }, t("gaps.scope"), select)));
  nodes.push(section(t("orgs.roots"), h("p", {}, num(page.total, "orgs.total", t("gaps.total", { n: fmt(page.total) }))),
    table([
      { label: L("col.name"), render: (o) => link(`#/org/${encodeURIComponent(o.id)}`, o.name || o.id) },
      { label: t("field.level"), render: (o) => L(`org_level.${o.level}`) },
      { label: t("field.seat"), render: (o) => o.seat_name || o.seat_code || "–" },
      { label: L("count.orgs"), n: true, render: (o) => num(o.orgs, `orgs.${o.id}.orgs`) },
      { label: L("count.cooperatives"), n: true, render: (o) => num(o.cooperatives, `orgs.${o.id}.cooperatives`) },
      { label: L("count.companies"), n: true, render: (o) => num(o.companies, `orgs.${o.id}.companies`) },
      { label: L("count.bases"), n: true, render: (o) => num(o.bases, `orgs.${o.id}.bases`) },
      { label: L("count.party_members"), n: true, render: (o) => num(o.party_members, `orgs.${o.id}.party_members`) },
    ], page.items, { id: "orgs-table" })));
  const pager = h("div", { class: "pager" });
  if (cursor) pager.append(h("button", { type: "button", id: "orgs-first", onclick: () => { location.hash = `#/orgs/${code}`; } }, t("gaps.prev")));
  if (page.next_cursor) {
    pager.append(h("button", { type: "button", id: "orgs-next", onclick: () => {
      location.hash = `#/orgs/${code}?cursor=${encodeURIComponent(page.next_cursor)}`;
    } }, t("gaps.next")));
  }
  nodes.push(pager);
  return nodes;
}

function counted(id, kids, unitsOf) {
  // organizations under id; distinct cooperatives, companies, bases of its tree (as /orgs/{id}/downstream counts them)
  const orgs = [];
  const walk = (x) => { for (const c of kids.get(x) || []) { orgs.push(c); walk(c.id); } };
  walk(id);
  const coops = new Set();
  const companies = new Set();
  const bases = new Set();
  for (const o of [{ id }, ...orgs]) {
    for (const u of unitsOf.get(o.id) || []) {
      (u.type === "company" ? companies : coops).add(u.id);
      for (const b of u.bases) bases.add(b.id);
    }
  }
  return { orgs: orgs.length, cooperatives: coops.size, companies: companies.size, bases: bases.size };
}

export async function renderOrg({ id }, ctx) {
  if (!ctx.session.signed_in) return [h("h1", { tabindex: "-1" }, t("orgs.title")), needSignIn()];
  const enc = encodeURIComponent(id);
  const [org, down, tree, units] = await Promise.all([
    get(`/orgs/${enc}`), get(`/orgs/${enc}/downstream`), all(`/orgs/${enc}/tree`), all(`/orgs/${enc}/units`)]);
  const kids = new Map();
  for (const n of tree) if (n.depth > 0) kids.set(n.parent_id, [...(kids.get(n.parent_id) || []), n]);
  const unitsOf = new Map();
  for (const u of units) unitsOf.set(u.org_id, [...(unitsOf.get(u.org_id) || []), u]);

  const nodeOf = (n, depth) => {
    const c = counted(n.id, kids, unitsOf);
    const summary = h("summary", {}, link(`#/org/${encodeURIComponent(n.id)}`, n.name || n.id), " · ",
      L(`org_level.${n.level}`), " · ",
      h("span", { class: "muted" }, `${L("count.orgs")} `, num(c.orgs, `tree.${n.id}.orgs`), ` · ${L("count.cooperatives")} `,
        num(c.cooperatives, `tree.${n.id}.cooperatives`), ` · ${L("count.bases")} `, num(c.bases, `tree.${n.id}.bases`)));
    const inner = [
      ...(unitsOf.get(n.id) || []).map((u) => h("details", { class: "unit" },
        h("summary", {}, u.type === "cooperative" ? link(`#/cooperative/${encodeURIComponent(u.id)}`, u.name || u.id) : (u.name || u.id),
          h("span", { class: "muted" }, ` · ${u.village_name || ""} · ${t("org.bases")} ${fmt(u.bases.length)}`)),
        u.bases.map((b) => h("div", { class: "base" }, `${b.name || b.id} · ${fmt(b.scale)} ${b.unit ? L(`unit.${b.unit}`) : ""} · ${t("org.members")} ${fmt(b.members)}`)))),
      ...(kids.get(n.id) || []).map((k) => nodeOf(k, depth + 1)),
    ];
    return h("details", { open: depth < 1 }, summary, inner);
  };
  const root = tree.find((n) => n.depth === 0) || { id, name: org.name, level: org.level };
  const nodes = [
    h("h1", { tabindex: "-1" }, org.name || id, h("span", { class: "muted" }, ` · ${L(`org_level.${org.level}`)}`)),
    h("dl", { class: "record" },
      h("dt", {}, t("field.id")), h("dd", {}, id),
      h("dt", {}, t("org.parent")), h("dd", {}, org.parent_id ? link(`#/org/${encodeURIComponent(org.parent_id)}`, org.parent_name || org.parent_id) : "–"),
      h("dt", {}, t("org.seat")), h("dd", {}, org.seat_code ? link(`#/scope/${org.seat_code}`, org.seat_name || org.seat_code) : "–"),
      h("dt", {}, t("org.secretary")), h("dd", {}, org.secretary_id ? link(`#/member/${encodeURIComponent(org.secretary_id)}`, org.secretary_id) : "–"),
      h("dt", {}, t("org.covers")), h("dd", {}, num((org.covers || []).length, "org.covers"))),
    section(t("org.downstream"), h("div", { class: "cards" }, Object.entries(down.counts).map(([k, v]) =>
      card(L(`count.${k}`), num(v, `downstream.${k}`))))),
    section(t("org.tree"), h("div", { class: "tree", id: "org-tree" }, nodeOf(root, 0))),
  ];
  return nodes;
}
