// One search box over villages (and towns, counties), party organizations and cooperatives.
import { get } from "../api.js";
import { L, t } from "../i18n.js";
import { fmt, h, link, section, table } from "../ui.js";

const SHOWN = 20;

function found(page, columns, id) {
  if (!page.items.length) return h("p", { class: "muted" }, t("search.none"));
  return [h("p", { class: "note" }, t("search.more", { n: fmt(page.total), k: fmt(page.items.length) })),
    table(columns, page.items, { id })];
}

export async function render({ q }, ctx) {
  const nodes = [h("h1", { tabindex: "-1" }, t("search.title"), q ? h("span", { class: "muted" }, ` · ${q}`) : "")];
  const input = h("input", { id: "search-page-q", type: "search", value: q, maxlength: "50" });
  nodes.push(h("form", { class: "controls", role: "search", onsubmit: (ev) => {
    ev.preventDefault();
    location.hash = `#/search?q=${encodeURIComponent(input.value.trim())}`;
  } }, h("label", { for: "search-page-q" }, t("search.label"), input), h("button", { type: "submit" }, t("search.button"))));
  if (!q) return nodes;
  const scope = ctx.home && ctx.home.length >= 2 ? ctx.home : "52";
  const signedIn = ctx.session.signed_in;
  const [divisions, orgs, coops] = await Promise.all([
    get("/divisions", { q, limit: SHOWN }),
    signedIn ? get("/orgs", { scope, q, limit: SHOWN }) : null,
    signedIn ? get("/cooperatives", { scope, q, limit: SHOWN }) : null,
  ]);
  nodes.push(section(t("search.divisions"), found(divisions, [
    { label: L("col.name"), render: (d) => link(`#/scope/${d.code}`, d.name || d.code) },
    { label: t("field.level"), render: (d) => L(`level.${d.level}`) },
    { label: t("field.parent"), render: (d) => d.parent_name || "–" },
    { label: L("col.code"), render: (d) => d.code },
  ], "search-divisions")));
  if (!signedIn) {
    nodes.push(h("p", { class: "note" }, t("search.signin"), " ", link("#/signin", t("signin"))));
    return nodes;
  }
  nodes.push(section(t("search.orgs"), found(orgs, [
    { label: L("col.name"), render: (o) => link(`#/org/${encodeURIComponent(o.id)}`, o.name || o.id) },
    { label: t("field.level"), render: (o) => L(`org_level.${o.level}`) },
    { label: t("field.seat"), render: (o) => o.seat_name || o.seat_code || "–" },
  ], "search-orgs")));
  nodes.push(section(t("search.coops"), found(coops, [
    { label: L("col.name"), render: (c) => link(`#/cooperative/${encodeURIComponent(c.id)}`, c.name || c.id) },
    { label: t("field.village"), render: (c) => c.village_name || c.village_code || "–" },
    { label: t("field.branch"), render: (c) => c.branch_name || c.joint_committee_name || "–" },
  ], "search-coops")));
  return nodes;
}
