// The dashboard: hash routes, the header (navigation, search, language, sign-in), and the pages.
// A page is rendered when its data is shown and its charts are drawn: the body then carries
// data-ready="<route>" and window.partychain.rendered[<route>] the milliseconds since navigation.
import { ApiError, clearCache, del, get, post } from "./api.js";
import { disposeAll } from "./charts.js";
import { L, language, loadLabels, setLanguage, t } from "./i18n.js";
import { errorBox, h, link } from "./ui.js";
import * as division from "./pages/division.js";
import * as gaps from "./pages/gaps.js";
import * as orgs from "./pages/orgs.js";
import * as records from "./pages/records.js";
import * as pairings from "./pages/pairings.js";
import * as search from "./pages/search.js";

const state = { session: { role: "anonymous", signed_in: false }, home: null, notice: null };
window.partychain = { rendered: {}, state };

const ROUTES = [
  [/^$/, "overview", (m, q) => division.render({ code: state.home, home: true }, ctx())],
  [/^scope\/(\d{1,32})$/, "scorecard", (m) => division.render({ code: m[1] }, ctx())],
  [/^gaps\/(\d{1,32})\/(\w+)$/, "gaps", (m, q) => gaps.render({ code: m[1], kind: m[2], query: q }, ctx())],
  [/^gaps$/, "gaps", (m, q) => gaps.render({ code: state.home, kind: null, query: q }, ctx())],
  [/^orgs\/(\d{1,32})$/, "orgs", (m, q) => orgs.renderList({ code: m[1], query: q }, ctx())],
  [/^orgs$/, "orgs", (m, q) => orgs.renderList({ code: state.home, query: q }, ctx())],
  [/^org\/([^/]{1,64})$/, "org", (m) => orgs.renderOrg({ id: decodeURIComponent(m[1]) }, ctx())],
  [/^household$/, "household", (m, q) => records.renderHousehold({ id: null, query: q }, ctx())],
  [/^household\/([^/]{1,64})$/, "household", (m, q) => records.renderHousehold({ id: decodeURIComponent(m[1]), query: q }, ctx())],
  [/^member\/([^/]{1,64})$/, "member", (m) => records.renderMember({ id: decodeURIComponent(m[1]) }, ctx())],
  [/^cooperative\/([^/]{1,64})$/, "cooperative", (m) => records.renderCooperative({ id: decodeURIComponent(m[1]) }, ctx())],
  [/^pairings\/(\d{1,32})$/, "pairings", (m) => pairings.render({ code: m[1] }, ctx())],
  [/^pairings$/, "pairings", () => pairings.render({ code: state.home }, ctx())],
  [/^search$/, "search", (m, q) => search.render({ q: q.get("q") || "" }, ctx())],
  [/^signin$/, "signin", (m, q) => renderSignIn(q)],
];

const NAV = [["overview", "#/"], ["gaps", "#/gaps"], ["orgs", "#/orgs"], ["households", "#/household"],
  ["pairings", "#/pairings"]];
const NAV_OF = { overview: "overview", scorecard: "overview", gaps: "gaps", orgs: "orgs", org: "orgs",
  household: "households", member: "households", cooperative: "orgs", pairings: "pairings" };

function ctx() { return { session: state.session, home: state.home, main: document.getElementById("main") }; }

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, "");
  const [path, qs] = raw.split("?");
  return { path, query: new URLSearchParams(qs || "") };
}

let navStart = 0; // the first page: from navigation start (performance's time origin)
let generation = 0;

async function route() {
  const gen = ++generation;
  const started = navStart;
  const { path, query } = parseHash();
  const main = document.getElementById("main");
  delete document.body.dataset.ready;
  disposeAll();
  main.replaceChildren(h("p", { class: "muted" }, t("loading")));
  let name = "notfound";
  let content;
  try {
    const found = ROUTES.find(([re]) => re.test(path));
    if (!found) {
      content = [h("h1", { tabindex: "-1" }, t("notfound.page")), link("#/", t("nav.overview"))];
    } else {
      name = found[1];
      content = await found[2](path.match(found[0]), query);
    }
  } catch (err) {
    content = [h("h1", { tabindex: "-1" }, t("error.title")), errorBox(err)];
    if (err instanceof ApiError && err.status === 401) await refreshSession();
  }
  if (gen !== generation) return; // a newer navigation took over
  const { nodes, drawn } = Array.isArray(content) || content instanceof Node ? { nodes: content, drawn: [] } : content;
  main.replaceChildren(...[nodes].flat());
  markNav(NAV_OF[name]);
  document.title = `${(main.querySelector("h1")?.textContent || "").trim()} · ${t("app.title")}`;
  await Promise.all(drawn || []);
  if (gen !== generation) return;
  window.partychain.rendered[name] = performance.now() - started;
  document.body.dataset.ready = name;
  if (!footShown) {
    footShown = true;
    renderFoot();
  }
  if (focusOnRender) main.querySelector("h1")?.focus({ preventScroll: true });
}

let focusOnRender = false;
window.addEventListener("hashchange", () => {
  navStart = performance.now();
  focusOnRender = true;
  route();
});

function markNav(current) {
  for (const a of document.querySelectorAll("#nav a")) {
    if (a.dataset.nav === current) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
}

// --- the header ---------------------------------------------------------------------------------

function renderChrome() {
  document.getElementById("skip-link").textContent = t("app.skip");
  document.getElementById("brand-link").textContent = t("app.title");
  const nav = document.getElementById("nav");
  nav.setAttribute("aria-label", t("nav.label"));
  nav.replaceChildren(...NAV.map(([k, href]) => h("a", { href, dataset: { nav: k } }, t(`nav.${k}`))));
  document.getElementById("search-label").textContent = t("search.label");
  const input = document.getElementById("search-input");
  input.placeholder = t("search.placeholder");
  document.getElementById("search-button").textContent = t("search.button");
  const langButton = document.getElementById("lang-button");
  langButton.textContent = t("lang.switch");
  langButton.lang = language() === "zh" ? "en" : "zh-CN";
  const role = state.session.role;
  document.getElementById("who").textContent = t(`who.${role}`);
  document.getElementById("signin-button").textContent = state.session.signed_in ? t("signout") : t("signin");
  const banner = document.getElementById("banner");
  banner.hidden = !state.notice;
  banner.textContent = state.notice || "";
  if (footShown) renderFoot();
}

let footShown = false; // the footer's request is made once a page is shown, never before it

async function renderFoot() {
  const foot = document.getElementById("foot");
  try {
    const health = await get("/health"); // not /stats: counting a province's nodes costs seconds
    const version = health.dataset_version;
    foot.replaceChildren(h("p", {}, version ? t("foot.data", { version }) : t("foot.none")),
      h("p", {}, t("foot.offline")));
  } catch {
    foot.replaceChildren(h("p", {}, t("foot.offline")));
  }
}

async function refreshSession() {
  try {
    state.session = await get("/session");
  } catch {
    state.session = { role: "anonymous", signed_in: false };
  }
  if (state.session.expired) state.notice = t("signin.expired");
  clearCache();
  renderChrome();
}

async function homeScope() {
  // the county the graph holds (a province's prefix when it holds several), remembered for this tab
  const kept = sessionStorage.getItem("partychain.home");
  if (kept && /^\d{2,12}$/.test(kept)) return kept;
  const counties = await get("/divisions", { level: "county", limit: 2 });
  const home = counties.total === 1 ? counties.items[0].code : counties.total > 1 ? counties.items[0].code.slice(0, 2)
    : "52";
  sessionStorage.setItem("partychain.home", home);
  return home;
}

// --- sign-in --------------------------------------------------------------------------------------

function renderSignIn(query) {
  const msg = h("p", { role: "status", id: "signin-message" }, state.notice || "");
  const input = h("input", { id: "signin-key", type: "password", name: "key", autocomplete: "off", required: true,
    maxlength: "256" });
  const form = h("form", { class: "signin", id: "signin-form" },
    h("label", { for: "signin-key" }, t("signin.key")), input,
    h("button", { type: "submit", class: "primary", id: "signin-submit" }, t("signin.submit")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const s = await post("/session", { key: input.value });
      input.value = "";
      state.notice = null;
      await refreshSession();
      msg.textContent = t("signin.ok", { role: t(`who.${s.role}`) });
      location.hash = query.get("next") || "#/";
    } catch (err) {
      input.value = "";
      msg.textContent = err instanceof ApiError && err.status === 429
        ? t("signin.limited", { s: err.retryAfter || "60" })
        : t("signin.bad", { detail: err.message });
      msg.className = "error";
    }
  });
  return [h("h1", { tabindex: "-1" }, t("signin.title")), h("p", { class: "lead" }, t("signin.lead")), msg, form];
}

async function exchangeToken(token) {
  // the token came in the URL's fragment (never sent to a server); take it out of the address bar first
  history.replaceState(null, "", `${location.pathname}#/`);
  state.notice = t("signin.token");
  try {
    await post("/session", { token });
    state.notice = null;
  } catch (err) {
    state.notice = t("signin.token_bad", { detail: err.message });
  }
}

// --- start ----------------------------------------------------------------------------------------

async function start() {
  setLanguage(localStorage.getItem("partychain.lang") || "zh");
  const token = /^#token=([A-Za-z0-9_-]{1,128})$/.exec(location.hash);
  const signedIn = token ? exchangeToken(token[1]) : Promise.resolve();
  const [, , home] = await Promise.all([loadLabels(), signedIn.then(refreshSession),
    homeScope().catch(() => "52")]);
  state.home = home;
  document.getElementById("brand-link").href = "#/";
  document.getElementById("lang-button").addEventListener("click", () => {
    setLanguage(language() === "zh" ? "en" : "zh");
    localStorage.setItem("partychain.lang", language());
    renderChrome();
    navStart = performance.now();
    route();
  });
  document.getElementById("signin-button").addEventListener("click", async () => {
    if (state.session.signed_in && state.session.via === "cookie") {
      await del("/session");
      await refreshSession();
      route();
    } else if (!state.session.signed_in) {
      location.hash = "#/signin";
    }
  });
  document.getElementById("search-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const q = document.getElementById("search-input").value.trim();
    location.hash = `#/search?q=${encodeURIComponent(q)}`;
  });
  renderChrome();
  await route();
}

start();
export { L };
