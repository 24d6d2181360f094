// Records: a household's leadership chains, a party member, a cooperative; officers also search people by name.
// Personal fields are shown exactly as the API answers them: masked for researchers, unmasked for officers.
import { get } from "../api.js";
import { t } from "../i18n.js";
import { fmt, h, link, needSignIn, num, section, table, yesno } from "../ui.js";

// The five links of a complete chain (household ← member ← base ← owner ← organization), then what the
// organization sits under; the last three may be absent without breaking the chain.
const CHAIN = ["member_id", "base_id", "owner_id", "org_id", "general_branch_id", "joint_committee_id", "town_committee_id"];
const STEP = { member_id: "member", base_id: "base", owner_id: "owner", org_id: "org",
  general_branch_id: "general_branch", joint_committee_id: "joint_committee", town_committee_id: "town_committee" };
const ABOVE = ["general_branch_id", "joint_committee_id", "town_committee_id"];
const ORG_STEPS = ["org_id", ...ABOVE];

function rec(pairs) {
  return h("dl", { class: "record" }, pairs.flatMap(([k, v, key]) => [h("dt", {}, k),
    h("dd", key ? { dataset: { key, value: v === null || v === undefined ? "" : String(v) } } : {}, v === null || v === undefined || v === "" ? "–" : v)]));
}

function idLink(kind, id) {
  return id ? link(`#/${kind}/${encodeURIComponent(id)}`, id) : "–";
}

function lookupForm(value) {
  const input = h("input", { id: "household-id", name: "id", value: value || "", maxlength: "64", required: true });
  return h("form", { class: "controls", id: "household-form", onsubmit: (ev) => {
    ev.preventDefault();
    location.hash = `#/household/${encodeURIComponent(input.value.trim())}`;
  } }, h("label", { for: "household-id" }, t("household.id"), input),
  h("button", { type: "submit", class: "primary" }, t("household.go")));
}

function peopleForm(q) {
  const input = h("input", { id: "people-q", name: "q", value: q || "", minlength: "2", maxlength: "32", required: true });
  return h("form", { class: "controls", id: "people-form", onsubmit: (ev) => {
    ev.preventDefault();
    location.hash = `#/household?people=${encodeURIComponent(input.value.trim())}`;
  } }, h("label", { for: "people-q" }, t("people.q"), input), h("button", { type: "submit" }, t("people.go")));
}

export async function renderHousehold({ id, query }, ctx) {
  const nodes = [h("h1", { tabindex: "-1" }, t("household.title")), h("p", { class: "lead" }, t("household.lead"))];
  if (!ctx.session.signed_in) return [...nodes, needSignIn()];
  nodes.push(lookupForm(id));
  if (ctx.session.role === "officer") {
    const q = query?.get("people") || "";
    const box = section(t("people.title"), h("p", { class: "note" }, t("people.audit")), peopleForm(q));
    if (q.length >= 2) {
      const found = await get("/people", { q, limit: 50 });
      box.append(h("p", {}, t("gaps.total", { n: fmt(found.total) })), table([
        { label: t("field.id"), render: (p) => idLink(p._label === "Household" ? "household" : "member", p.id) },
        { label: t("field.name"), render: (p) => p.head_name || p.name || "–" },
        { label: t("field.id_number"), render: (p) => p.id_number || "–" },
        { label: t("field.phone"), render: (p) => p.phone || "–" },
      ], found.items, { id: "people-table" }));
    }
    nodes.push(box);
  }
  if (!id) return nodes;
  const enc = encodeURIComponent(id);
  const [hh, chains] = await Promise.all([get(`/households/${enc}`), get(`/households/${enc}/chains`, { limit: 1000 })]);
  nodes.push(section(t("household.record"), rec([
    [t("field.id"), hh.id, "household.id"],
    [t("field.head_name"), hh.head_name, "household.head_name"],
    [t("field.id_number"), hh.id_number, "household.id_number"],
    [t("field.phone"), hh.phone, "household.phone"],
    [t("field.size"), hh.size, "household.size"],
    [t("field.poor"), yesno(hh.poor)],
    [t("field.poverty_exit_year"), hh.poverty_exit_year],
    [t("field.village"), hh.village_code ? link(`#/scope/${hh.village_code}`, hh.village_name || hh.village_code) : null],
    [t("field.driven_by"), (hh.driven_by || []).length ? hh.driven_by.flatMap((m, i) => [i ? ", " : "", idLink("member", m)]) : null],
    [t("field.cooperatives"), (hh.cooperatives || []).length ? hh.cooperatives.flatMap((c, i) => [i ? ", " : "", idLink("cooperative", c)]) : null],
  ])));
  const chainBox = section(t("household.chains"), h("p", {}, num(chains.total, "chains.total", t("gaps.total", { n: fmt(chains.total) }))));
  if (!chains.chains.length) chainBox.append(h("p", { class: "muted" }, t("household.none")));
  for (const c of chains.chains) {
    const steps = [];
    let broken = false;
    let last = null;
    for (const k of CHAIN) {
      const v = c[k];
      if (v === null && ABOVE.includes(k)) continue; // not every organization sits under each of these
      if (v !== null && v === last) continue; // a joint committee leading the owner is the organization itself
      last = v;
      if (v === null) {
        if (!broken) steps.push(h("span", { class: "step broken" }, `${t(`chain.${STEP[k]}`)}: ${t("chain.breaks")}`));
        broken = true;
        continue;
      }
      const kind = k === "member_id" ? "member"
        : ORG_STEPS.includes(k) ? "org" : null;
      steps.push(h("span", { class: "step", dataset: { key: `chain.${k}`, value: v } }, `${t(`chain.${STEP[k]}`)}: `,
        kind ? idLink(kind, v) : v));
    }
    chainBox.append(h("div", { class: "chain panel" }, steps.flatMap((s, i) => (i ? [" ← ", s] : [s]))));
  }
  nodes.push(chainBox);
  return nodes;
}

export async function renderMember({ id }, ctx) {
  if (!ctx.session.signed_in) return [h("h1", { tabindex: "-1" }, t("member.title")), needSignIn()];
  const m = await get(`/members/${encodeURIComponent(id)}`);
  return [h("h1", { tabindex: "-1" }, t("member.title"), h("span", { class: "muted" }, ` · ${m.id}`)), rec([
    [t("field.id"), m.id, "member.id"],
    [t("field.name"), m.name, "member.name"],
    [t("field.phone"), m.phone, "member.phone"],
    [t("field.gender"), m.gender],
    [t("field.birth_year"), m.birth_year],
    [t("field.joined_year"), m.joined_year],
    [t("field.roles"), (m.roles || []).join(", ")],
    [t("field.org"), m.org_id ? link(`#/org/${encodeURIComponent(m.org_id)}`, m.org_name || m.org_id) : null],
    [t("field.village"), m.village_code ? link(`#/scope/${m.village_code}`, m.village_name || m.village_code) : null],
    [t("field.bases"), (m.bases || []).join(", ")],
    [t("field.households"), num(m.households, "member.households")],
    [t("field.poor_households"), num(m.poor_households, "member.poor_households")],
  ])];
}

export async function renderCooperative({ id }, ctx) {
  if (!ctx.session.signed_in) return [h("h1", { tabindex: "-1" }, t("cooperative.title")), needSignIn()];
  const c = await get(`/cooperatives/${encodeURIComponent(id)}`);
  return [h("h1", { tabindex: "-1" }, c.name || id, h("span", { class: "muted" }, ` · ${t("cooperative.title")}`)), rec([
    [t("field.id"), c.id, "cooperative.id"],
    [t("field.kind"), c.kind],
    [t("field.demo_point"), yesno(c.demo_point)],
    [t("field.village"), c.village_code ? link(`#/scope/${c.village_code}`, c.village_name || c.village_code) : null],
    [t("field.branch"), c.branch_id ? link(`#/org/${encodeURIComponent(c.branch_id)}`, c.branch_name || c.branch_id) : null],
    [t("field.joint_committee"), c.joint_committee_id ? link(`#/org/${encodeURIComponent(c.joint_committee_id)}`, c.joint_committee_name || c.joint_committee_id) : null],
    [t("field.industry"), c.industry_name || c.industry_code],
    [t("field.chair"), c.chair_id ? idLink("member", c.chair_id) : null],
    [t("field.bases"), (c.bases || []).join(", ")],
    [t("field.companies"), (c.companies || []).join(", ")],
    [t("field.shareholders"), (c.shareholders || []).join(", ")],
    [t("field.households"), num(c.households, "cooperative.households")],
    [t("field.poor_households"), num(c.poor_households, "cooperative.poor_households")],
  ])];
}
