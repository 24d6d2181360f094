// The JSON API under /api/v1. The browser authenticates with the session cookie (HttpOnly, SameSite=Strict);
// every request carries X-Partychain-Request, which the server asks of cookie-authenticated writes.

export const PREFIX = "/api/v1";
const HEADERS = { "X-Partychain-Request": "1", Accept: "application/json" };

export class ApiError extends Error {
  constructor(status, problem, retryAfter) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
    this.retryAfter = retryAfter;
  }
}

const cache = new Map();

/** Forget cached answers (after signing in or out: what a caller may see changes). */
export function clearCache() { cache.clear(); }

export function url(path, params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") q.set(k, v);
  const s = q.toString();
  return PREFIX + path + (s ? `?${s}` : "");
}

async function send(method, path, params, body) {
  const init = { method, headers: { ...HEADERS }, credentials: "same-origin" };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const r = await fetch(url(path, params), init);
  const text = await r.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = { detail: text.slice(0, 200) }; }
  if (!r.ok) throw new ApiError(r.status, data, r.headers.get("Retry-After"));
  return data;
}

/** GET, cached for the page's life (a graph version never changes; a new load shows after a reload). */
export function get(path, params = {}) {
  const key = url(path, params);
  if (!cache.has(key)) {
    const p = send("GET", path, params);
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return cache.get(key);
}

/** Every page of a list (``next_cursor``), concatenated. */
export async function all(path, params = {}) {
  let page = await get(path, { ...params, limit: 1000 });
  const items = [...page.items];
  while (page.next_cursor) {
    page = await get(path, { ...params, limit: 1000, cursor: page.next_cursor });
    items.push(...page.items);
  }
  return items;
}

export function post(path, body) { return send("POST", path, {}, body); }
export function del(path) { return send("DELETE", path, {}); }
