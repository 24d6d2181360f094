// DOM helpers. Text always goes in as text nodes (never as HTML): ledger names cannot inject markup.
import { ApiError } from "./api.js";
import { t } from "./i18n.js";

/** An element: h("a", {href: "#/", class: "x", dataset: {key: "k"}, onclick: f}, "text", child, ...). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** 1234567 → "1,234,567" (the same in both languages). */
export function fmt(n) {
  if (n === null || n === undefined) return "–";
  return Number(n).toLocaleString("en-US", { maximumFractionDigits: 2 });
}

/** 0.8763 → "87.6%". */
export function pct(r) {
  return r === null || r === undefined ? "–" : `${(r * 100).toFixed(1)}%`;
}

/** A number the page shows, tagged with what it is (data-key) and its exact value (data-value): tests compare these
 * with the API's answers. */
export function num(value, key, text) {
  return h("span", { class: "num", dataset: key ? { key, value: value === null || value === undefined ? "" : String(value) } : {} },
    text ?? fmt(value));
}

export function link(href, text, attrs = {}) {
  return h("a", { href, ...attrs }, text);
}

/** A table: columns [{label, render(row) → node|text, n: numeric}], rows. */
export function table(columns, rows, attrs = {}) {
  return h("div", { class: "wrap" }, h("table", attrs,
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", { class: c.n ? "n" : null, scope: "col" }, c.label)))),
    h("tbody", {}, rows.map((r) => h("tr", {}, columns.map((c) => h("td", { class: c.n ? "n" : null }, c.render(r))))))));
}

export function card(label, value, sub, href) {
  const body = [h("div", { class: "k" }, label), h("div", { class: "v" }, value), sub ? h("div", { class: "s" }, sub) : null];
  return h("div", { class: "card" }, href ? h("a", { href }, body) : body);
}

export function section(title, ...children) {
  return h("section", {}, h("h2", {}, title), ...children);
}

/** What went wrong, in words: a problem+json answer's detail, never a stack trace. */
export function errorBox(err, extra) {
  let text;
  if (err instanceof ApiError) {
    if (err.status === 429) text = t("error.rate", { s: err.retryAfter || "60" });
    else if (err.status === 404) text = t("notfound.record", { detail: err.message });
    else text = err.message;
  } else {
    text = t("error.retry");
  }
  return h("div", { class: "error", role: "alert" }, h("strong", {}, `${t("error.title")}: `), text, extra || null);
}

/** "signin needed" box with a link to the sign-in page. */
export function needSignIn() {
  return h("div", { class: "error", role: "alert" }, t("signin.needed"), " ",
    link(`#/signin?next=${encodeURIComponent(location.hash)}`, t("signin.go")));
}

export function yesno(v) { return v === null || v === undefined ? "–" : v ? t("yes") : t("no"); }
