// Gap lists: filters (division, kind, page size), paging by cursor, downloads as XLSX and CSV (streamed by the server).
import { ApiError, get, url } from "../api.js";
import { L, t } from "../i18n.js";
import { fmt, h, link, needSignIn, num, table } from "../ui.js";

export const KINDS = ["cooperatives_without_org", "demo_points_without_org", "poor_households_not_driven",
  "bases_without_member", "members_driving_nobody", "poor_households_chain_incomplete"];
const LIMITS = ["50", "100", "200"];
const stacks = new Map(); // list -> cursors of the pages before the current one

function recordLink(item) {
  const page = { Household: "household", PartyMember: "member", Cooperative: "cooperative" }[item._label];
  return page ? link(`#/${page}/${encodeURIComponent(item.id)}`, item.id) : item.id;
}

function go(code, kind, params) {
  const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v));
  location.hash = `#/gaps/${code}/${kind}${q.toString() ? `?${q}` : ""}`;
}

export async function render({ code, kind, query }, ctx) {
  kind = KINDS.includes(kind) ? kind : KINDS[0];
  const county = code.slice(0, Math.min(code.length, 6));
  const nodes = [h("h1", { tabindex: "-1" }, t("gaps.title"), h("span", { class: "muted" }, ` · ${L(`gap.${kind}`)}`))];
  if (!ctx.session.signed_in) {
    return [...nodes, needSignIn()];
  }
  const limit = LIMITS.includes(query.get("limit")) ? query.get("limit") : "50";
  const cursor = query.get("cursor") || "";
  const listKey = `${code}/${kind}/${limit}`;
  const stack = stacks.get(listKey) || [];
  if (!cursor) stacks.set(listKey, []);

  const town = code.length >= 9 ? code.slice(0, 9) : "";
  const [towns, villages, page] = await Promise.all([
    get("/divisions", { scope: county, level: "town", limit: 1000 }),
    town ? get("/divisions", { scope: town, level: "village", limit: 1000 }) : null,
    get("/gaps", { scope: code, kind, limit, cursor }),
  ]);

  const kindSelect = h("select", { id: "gap-kind" }, KINDS.map((k) => h("option", { value: k, selected: k === kind }, L(`gap.${k}`))));
  const townSelect = h("select", { id: "gap-town" },
    h("option", { value: county }, `${t("gaps.all")} (${county})`),
    towns.items.map((d) => h("option", { value: d.code, selected: d.code === town }, d.name || d.code)));
  const villageSelect = h("select", { id: "gap-village", disabled: !town },
    h("option", { value: town || county }, t("gaps.all")),
    (villages?.items || []).map((d) => h("option", { value: d.code, selected: d.code === code }, d.name || d.code)));
  const limitSelect = h("select", { id: "gap-limit" }, LIMITS.map((n) => h("option", { value: n, selected: n === limit }, n)));
  kindSelect.addEventListener("change", () => go(code, kindSelect.value, { limit }));
  townSelect.addEventListener("change", () => go(townSelect.value, kind, { limit }));
  villageSelect.addEventListener("change", () => go(villageSelect.value, kind, { limit }));
  limitSelect.addEventListener("change", () => go(code, kind, { limit: limitSelect.value }));

  nodes.push(h("div", { class: "controls" },
    h("label", { for: "gap-kind" }, t("gaps.kind"), kindSelect),
    h("label", { for: "gap-town" }, t("gaps.town"), townSelect),
    h("label", { for: "gap-village" }, t("gaps.village"), villageSelect),
    h("label", { for: "gap-limit" }, t("gaps.limit"), limitSelect)));

  const offset = Number(query.get("offset") || 0);
  nodes.push(h("p", {}, h("strong", {}, num(page.total, "gaps.total", t("gaps.total", { n: fmt(page.total) }))),
    page.items.length ? ` · ${t("gaps.page", { from: fmt(offset + 1), to: fmt(offset + page.items.length) })}` : ""));
  nodes.push(h("div", { class: "downloads" },
    h("a", { href: url("/gaps/export", { scope: code, kind, format: "xlsx" }), download: `gaps-${code}-${kind}.xlsx`, id: "download-xlsx" },
      t("gaps.xlsx", { n: fmt(page.total) })),
    h("a", { href: url("/gaps/export", { scope: code, kind, format: "csv" }), download: `gaps-${code}-${kind}.csv`, id: "download-csv" },
      t("gaps.csv", { n: fmt(page.total) }))));
  if (["poor_households_not_driven", "members_driving_nobody", "poor_households_chain_incomplete"].includes(kind)) {
    nodes.push(h("p", { class: "note" }, t("gaps.masked")));
  }
  if (!page.items.length) {
    nodes.push(h("p", { class: "muted" }, t("gaps.empty")));
  } else {
    const hasName = page.items.some((i) => "name" in i);
    const person = page.items[0]._label === "Household" || page.items[0]._label === "PartyMember";
    nodes.push(table([
      { label: L("col.id"), render: (i) => h("span", { dataset: { key: "row.id", value: i.id } }, recordLink(i)) },
      ...(hasName ? [{ label: person ? L(`col.person_name.${page.items[0]._label}`) : L("col.name"),
        render: (i) => h("span", { dataset: { key: "row.name", value: i.name ?? "" } }, i.name ?? "–") }] : []),
      { label: L("col.village_name"), render: (i) => link(`#/scope/${i.village_code}`, i.village_name || i.village_code) },
      ...(kind === "poor_households_chain_incomplete"
        ? [{ label: L("col.breaks_at"), render: (i) => L(`breaks_at.${i.breaks_at}`) }] : []),
    ], page.items, { id: "gap-table" }));
  }
  const prev = h("button", { type: "button", id: "gap-prev", disabled: !cursor }, t("gaps.prev"));
  const next = h("button", { type: "button", id: "gap-next", disabled: !page.next_cursor }, t("gaps.next"));
  prev.addEventListener("click", () => {
    const before = stack.slice(0, -1);
    const back = stack[stack.length - 1] || "";
    stacks.set(listKey, before);
    go(code, kind, { limit, cursor: back, offset: back ? Math.max(0, offset - Number(limit)) : 0 });
  });
  next.addEventListener("click", () => {
    stacks.set(listKey, [...stack, cursor]);
    go(code, kind, { limit, cursor: page.next_cursor, offset: offset + page.items.length });
  });
  nodes.push(h("div", { class: "pager" }, prev, next));
  return nodes;
}

export { ApiError };
