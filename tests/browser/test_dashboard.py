"""The dashboard in headless Chromium on the Songtao sample, served by the README's first command.

* the printed sign-in link opens the dashboard signed in, once;
* every page renders with no console error and shows exactly the numbers the API answers (each number
  the page shows is tagged ``data-key``/``data-value``; every tag is compared with the API's answer, and
  every number the API gives for the page must be shown);
* keyboard navigation (Tab) reaches every control of every page;
* an anonymous browser sees aggregates and no name, ID number or phone of the ledger; a researcher sees
  them masked exactly as the API masks them;
* downloads (gap lists as XLSX and CSV, the report) open with openpyxl and equal the API's answers;
* bad input: a wrong key, a used link, an unknown division code.
"""

from __future__ import annotations

import csv
import io
import re
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pandas as pd
import pytest

from bench import browser as chromium
from partychain import services
from partychain.labels import label

from .conftest import Served, _wait, clean_env, free_port

METRICS = services.COVERAGE_METRICS
_used_link: list[str] = []


# --- signing in ------------------------------------------------------------------------------------


def sign_in(page: Any, served: Served, key: str | None = None) -> None:
    """Sign ``page``'s browser in as the run's officer: through the printed link the first time, else the form."""
    page.context.clear_cookies()
    if key is None and not _used_link:
        _used_link.append(served.signin_url)
        page.goto("about:blank")
        page.goto(served.signin_url)
    else:
        page.goto("about:blank")
        page.goto(served.base + "/#/signin")
        page.wait_for_selector("#signin-key")
        page.fill("#signin-key", key or served.key)
        page.click("#signin-submit")
        until(page, "document.body.dataset.ready === 'overview'")
    page.wait_for_selector("body[data-ready]")


def until(page: Any, js: str, *, timeout_s: float = 30.0) -> None:
    """Wait until ``js`` is true in the page (polled through ``evaluate``: the page's CSP refuses the eval behind
    Playwright's ``wait_for_function``, as it should)."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(js):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {js}")
        time.sleep(0.05)


def session_role(page: Any) -> str:
    return str(page.evaluate("fetch('/api/v1/session').then(r => r.json()).then(s => s.role)"))


@pytest.fixture(scope="module")
def page(browser: chromium.Browser) -> Iterator[Any]:
    p = browser.page()
    yield p
    p.close()


@pytest.fixture(scope="module")
def ids(served: Served) -> dict[str, str]:
    """Records to show, found through the API: a joint committee, a household it reaches, its member, a cooperative."""
    jc = served.api("/orgs", scope="520628", roots="true", limit=1)["items"][0]
    household = served.api(f"/orgs/{jc['id']}/downstream/households", limit=1)["items"][0]["id"]
    member = served.api(f"/households/{household}/chains")["chains"][0]["member_id"]
    coop = served.api("/cooperatives", scope="520628", limit=1)["items"][0]["id"]
    town = served.api("/scorecards/520628/children", limit=1)["items"][0]["code"]
    village = served.api("/divisions", scope=town, level="village", limit=1)["items"][0]["code"]
    return {"org": jc["id"], "household": household, "member": member, "cooperative": coop, "town": town,
            "village": village}


PAGES: dict[str, Callable[[dict[str, str]], str]] = {
    "overview": lambda i: "#/",
    "town": lambda i: f"#/scope/{i['town']}",
    "village": lambda i: f"#/scope/{i['village']}",
    "gaps": lambda i: "#/gaps/520628/poor_households_chain_incomplete",
    "orgs": lambda i: "#/orgs",
    "org": lambda i: f"#/org/{i['org']}",
    "household": lambda i: f"#/household/{i['household']}",
    "member": lambda i: f"#/member/{i['member']}",
    "cooperative": lambda i: f"#/cooperative/{i['cooperative']}",
    "pairings": lambda i: "#/pairings",
    "search": lambda i: "#/search?q=盘信",
    "signin": lambda i: "#/signin",
}


# --- what the API says each page must show -----------------------------------------------------------


def division_numbers(served: Served, code: str) -> dict[str, Any]:
    sc = served.api(f"/scorecards/{code}")
    out: dict[str, Any] = {}
    for m, v in sc["coverage"].items():
        out |= {f"coverage.{m}.{k}": v[k] for k in ("covered", "total", "ratio")}
    out |= {f"gaps.{k}": v for k, v in sc["gaps"].items()}
    out |= {f"counts.{k}": v for k, v in sc["counts"].items()}
    out |= {f"models.{k}": v for k, v in sc["models"].items()}
    out |= {f"pairings.{k}": v for k, v in sc["pairings"].items()}
    for r in sc["incomes"]:
        out |= {f"incomes.{r['year']}.{k}": r[k] for k in ("villages", "yuan", "min_yuan", "max_yuan")}
    if sc["child_level"]:
        for c in served.all(f"/scorecards/{code}/children"):
            out |= {f"children.{c['code']}.counts.households": c["counts"]["households"],
                    f"children.{c['code']}.counts.poor": c["counts"]["poor"],
                    f"children.{c['code']}.gaps.poor_households_not_driven": c["gaps"]["poor_households_not_driven"]}
            out |= {f"children.{c['code']}.coverage.{m}.ratio": c["coverage"][m]["ratio"] for m in METRICS}
    if len(code) <= 6:
        for f in served.all("/figures", scope=code):
            key = f"figures.{f['metric']}@{f['scope_code']}"
            out |= {f"{key}.reported": f["reported"], f"{key}.computed": f.get("computed"),
                    f"{key}.status": f["status"]}
    return out


def expected(served: Served, name: str, ids: dict[str, str]) -> dict[str, Any] | list[tuple[str, Any]]:
    """The numbers the API gives for a page, by data-key (a list of pairs where a key repeats: table rows)."""
    if name in ("overview", "town", "village"):
        return division_numbers(served, {"overview": "520628", "town": ids["town"], "village": ids["village"]}[name])
    if name == "gaps":
        page = served.api("/gaps", scope="520628", kind="poor_households_chain_incomplete", limit=50)
        return [("gaps.total", page["total"]), *((k, i[k.split(".")[1]]) for i in page["items"]
                                                  for k in ("row.id", "row.name"))]
    if name == "orgs":
        page = served.api("/orgs", scope="520628", roots="true", limit=50)
        return {"orgs.total": page["total"], **{f"orgs.{o['id']}.{k}": o[k] for o in page["items"]
                                                 for k in ("orgs", "cooperatives", "companies", "bases",
                                                           "party_members")}}
    if name == "org":
        org, down = served.api(f"/orgs/{ids['org']}"), served.api(f"/orgs/{ids['org']}/downstream")["counts"]
        want: dict[str, Any] = {"org.covers": len(org["covers"]), **{f"downstream.{k}": v for k, v in down.items()}}
        under = {n["id"] for n in served.all(f"/orgs/{ids['org']}/tree")}
        counted = {o["id"]: o for o in served.all("/orgs", scope="520628") if o["id"] in under}  # each with its counts
        assert len(counted) == len(under)
        want |= {f"tree.{i}.{k}": o[k] for i, o in counted.items() for k in ("orgs", "cooperatives", "bases")}
        return want | {f"tree.{ids['org']}.{k}": down[k] for k in ("orgs", "cooperatives", "bases")}
    if name == "household":
        rec = served.api(f"/households/{ids['household']}")
        chains = served.api(f"/households/{ids['household']}/chains")
        pairs: list[tuple[str, Any]] = [(f"household.{k}", rec.get(k)) for k in ("id", "head_name", "id_number",
                                                                                 "phone", "size")]
        pairs.append(("chains.total", chains["total"]))
        for c in chains["chains"]:
            pairs += [(f"chain.{k}", v) for k, v in c.items() if v is not None]
        return pairs
    if name == "member":
        rec = served.api(f"/members/{ids['member']}")
        return {f"member.{k}": rec.get(k) for k in ("id", "name", "phone", "households", "poor_households")}
    if name == "cooperative":
        rec = served.api(f"/cooperatives/{ids['cooperative']}")
        return {f"cooperative.{k}": rec.get(k) for k in ("id", "households", "poor_households")}
    if name == "pairings":
        net = served.api("/pairings/network", scope="520628")
        out = {"pairing.edges": len(net["edges"])}
        for e in net["edges"]:
            key = f"pairing.{e['strong']}>{e['weak']}"
            out |= {f"{key}.before": e["weak_income_before"], f"{key}.latest": e["weak_income_latest"],
                    f"{key}.change": e["weak_income_change"]}
        return out
    return {}


def shown(page: Any) -> list[tuple[str, str, str]]:
    return [tuple(x) for x in page.evaluate(
        "[...document.querySelectorAll('[data-key]')].map(e => [e.dataset.key, e.dataset.value, e.textContent])")]


def same(value: str, want: Any) -> bool:
    if want is None:
        return value == ""
    if isinstance(want, bool) or not isinstance(want, int | float):
        return value == str(want)
    try:
        return float(value) == float(want)
    except ValueError:
        return False


def pct(ratio: float) -> str:
    """A share as the page shows it: one decimal, halves rounded up (as JavaScript's toFixed rounds the exact value)."""
    return f"{Decimal(ratio * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def check_numbers(page: Any, want: dict[str, Any] | list[tuple[str, Any]]) -> None:
    got = shown(page)
    if isinstance(want, dict):
        keys = [k for k, _, _ in got]
        assert sorted(set(keys)) == sorted(want), f"shown but not asked {set(keys) - set(want)}; " \
                                                  f"missing {set(want) - set(keys)}"
        for key, value, text in got:
            assert same(value, want[key]), (key, value, want[key])
            w = want[key]
            if isinstance(w, int) and not isinstance(w, bool):
                assert f"{w:,}" in text, (key, text, w)
            if key.endswith(".ratio") and w is not None:
                assert text == pct(w), (key, text, w)
    else:
        pairs = [(k, v) for k, v, _ in got]
        assert len(pairs) == len(want), (pairs[:5], want[:5])
        for (key, value), (wkey, wvalue) in zip(pairs, want, strict=True):
            assert key == wkey and same(value, wvalue), (key, value, wkey, wvalue)


# --- the tests -----------------------------------------------------------------------------------------


def test_the_printed_link_opens_the_dashboard_signed_in_once(page: Any, served: Served, browser: Any) -> None:
    sign_in(page, served)
    assert session_role(page) == "officer"
    assert "token" not in page.url  # taken out of the address bar
    assert page.inner_text("#who") == "组织部门（官员）" and page.evaluate("document.body.dataset.ready") == "overview"
    other = browser.page()
    other.context.clear_cookies()
    other.goto(served.signin_url)  # the same link again: refused, said so, no stack trace
    other.wait_for_selector("body[data-ready]")
    banner = other.inner_text("#banner")
    assert "登录链接无效" in banner and "Traceback" not in other.content()
    assert session_role(other) == "anonymous"
    other.close()


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_renders_and_shows_the_apis_numbers(name: str, page: Any, served: Served, browser: Any,
                                                       ids: dict[str, str]) -> None:
    if session_role(page) != "officer":
        sign_in(page, served, served.key)
    before = len(browser.console)
    ms = chromium.render(page, served.base + "/" + PAGES[name](ids))
    assert ms > 0
    assert browser.console[before:] == [], browser.console[before:]
    assert page.evaluate("document.body.dataset.ready") in (name, {"town": "scorecard", "village": "scorecard",
                                                                   "overview": "overview"}.get(name, name))
    assert page.inner_text("h1").strip()
    check_numbers(page, expected(served, name, ids))
    if name in ("overview", "town", "pairings"):
        assert page.locator("canvas").count() >= 1  # the charts were drawn


CONTROLS = ("a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), "
            "summary, [tabindex]:not([tabindex='-1'])")


@pytest.mark.parametrize("name", list(PAGES))
def test_the_keyboard_reaches_every_control(name: str, page: Any, served: Served, ids: dict[str, str]) -> None:
    if session_role(page) != "officer":
        sign_in(page, served, served.key)
    chromium.render(page, served.base + "/" + PAGES[name](ids))
    n = page.evaluate(f"""() => {{
        const els = [...document.querySelectorAll("{CONTROLS}")].filter(e => e.checkVisibility());
        els.forEach((e, i) => e.dataset.kbd = String(i));
        document.activeElement && document.activeElement.blur();
        return els.length; }}""")
    assert n > 5
    reached: set[str] = set()
    for _ in range(2 * n + 10):
        page.keyboard.press("Tab")
        k = page.evaluate("document.activeElement && document.activeElement.dataset.kbd")
        if k is not None:
            reached.add(k)
        if len(reached) == n:
            break
    missing = page.evaluate("missing => missing.map(i => document.querySelector(`[data-kbd='${i}']`).outerHTML"
                            ".slice(0, 120))", sorted(set(map(str, range(n))) - reached, key=int))
    assert not missing, missing


def personal_values(served: Served) -> set[str]:
    """The ledger's names, ID numbers and phones (those that are not also part of a public name)."""
    ledger = served.workdir / "var" / "songtao"
    hh = pd.read_csv(ledger / "households.csv", dtype=str, keep_default_na=False)
    members = pd.read_csv(ledger / "members.csv", dtype=str, keep_default_na=False)
    values = set(hh["head_name"]) | set(hh["id_number"]) | set(hh["phone"]) | set(members["name"]) | \
        set(members["phone"])
    public: set[str] = set()
    for table in ("divisions", "party_orgs", "cooperatives", "companies", "bases", "industries", "dam_areas"):
        frame = pd.read_csv(ledger / f"{table}.csv", dtype=str, keep_default_na=False)
        public |= set(frame["name"])
    values = {v for v in values if len(v) >= 2}
    return values - set(leaks("\n".join(public), values))


def leaks(text: str, values: set[str]) -> list[str]:
    """The personal values that occur in ``text``: names among its runs of Chinese characters, numbers among its
    runs of digits (a scan of every value over the whole page would take minutes)."""
    runs = re.findall(r"[\u3400-\u9fff]+", text)
    pieces = {r[i:i + k] for r in runs for k in range(2, 8) for i in range(len(r) - k + 1)}
    digits = " ".join(re.findall(r"[0-9Xx*]{5,}", text))
    return sorted(v for v in values if (v in pieces if not v[0].isdigit() else v in digits))


def test_an_anonymous_browser_sees_aggregates_and_no_personal_data(page: Any, served: Served, browser: Any,
                                                                  ids: dict[str, str]) -> None:
    page.context.clear_cookies()
    values = personal_values(served)
    assert len(values) > 10_000
    for name, route in PAGES.items():
        before = len(browser.console)
        chromium.render(page, served.base + "/" + route(ids))
        assert browser.console[before:] == [], (name, browser.console[before:])
        assert session_role(page) == "anonymous"
        text = page.evaluate("document.documentElement.outerHTML + document.body.innerText")
        leaked = leaks(text, values)
        assert not leaked, (name, leaked[:5])
        if name in ("gaps", "orgs", "org", "household", "member", "cooperative", "pairings"):
            assert "需要研究者或官员权限" in page.inner_text("main"), name  # records need a key
    chromium.render(page, served.base + "/#/")
    check_numbers(page, division_numbers(served, "520628"))  # the aggregates are all there


def test_downloads_open_and_equal_the_api(page: Any, served: Served, ids: dict[str, str]) -> None:
    sign_in(page, served, served.key)
    kind = "poor_households_chain_incomplete"
    chromium.render(page, f"{served.base}/#/gaps/{ids['town']}/{kind}")
    items = served.all("/gaps", scope=ids["town"], kind=kind)
    want = [[i["id"], i["name"], i["village_code"], i["village_name"], label(f"breaks_at.{i['breaks_at']}")]
            for i in items]
    assert f"（{len(items):,} 行）" in page.inner_text("#download-xlsx")
    with page.expect_download() as dl:
        page.click("#download-xlsx")
    assert dl.value.suggested_filename == f"gaps-{ids['town']}-{kind}.xlsx"
    wb = openpyxl.load_workbook(io.BytesIO(Path(dl.value.path()).read_bytes()))
    rows = [list(r) for r in wb["缺口清单"].iter_rows(min_row=2, values_only=True)]
    assert rows == want
    with page.expect_download() as dl:
        page.click("#download-csv")
    rows = list(csv.reader(io.StringIO(Path(dl.value.path()).read_text(encoding="utf-8-sig"))))[1:]
    assert rows == [[str(v) for v in w] for w in want]
    chromium.render(page, f"{served.base}/#/scope/{ids['town']}")
    with page.expect_download() as dl:
        page.click("#report-download")
    wb = openpyxl.load_workbook(io.BytesIO(Path(dl.value.path()).read_bytes()))
    card = served.api(f"/scorecards/{ids['town']}")
    over = {r[0]: r[1:4] for r in wb["概况"].iter_rows(values_only=True) if r[0]}
    for m in METRICS:
        v = card["coverage"][m]
        assert over[label(f"metric.{m}")] == (v["covered"], v["total"], v["ratio"])


def test_bad_input_is_said_plainly(page: Any, served: Served) -> None:
    page.context.clear_cookies()
    chromium.render(page, served.base + "/#/signin")
    page.fill("#signin-key", "not-a-key-1234")
    page.click("#signin-submit")
    until(page, "document.querySelector('#signin-message').textContent.length > 0")
    message = page.inner_text("#signin-message")
    assert "密钥无效" in message and "unknown API key" in message and "Traceback" not in page.content()
    chromium.render(page, served.base + "/#/scope/520628999")
    assert "520628999" in page.inner_text("h1") and page.locator("#notfound-q").count() == 1
    page.fill("#notfound-q", "盘信")
    page.press("#notfound-q", "Enter")
    until(page, "location.hash.startsWith('#/search')")
    page.wait_for_selector("body[data-ready='search']")
    assert page.locator("#search-divisions tbody tr").count() >= 1


def test_the_english_switch(page: Any, served: Served, ids: dict[str, str]) -> None:
    sign_in(page, served, served.key)
    chromium.render(page, served.base + "/#/")
    page.click("#lang-button")
    until(page, "document.documentElement.lang === 'en' && document.body.dataset.ready === 'overview'")
    assert page.inner_text("nav#nav").split()[0] == "Overview"
    assert label("metric.cooperative_party_org", "en") in page.inner_text("main")
    check_numbers(page, division_numbers(served, "520628"))
    page.click("#lang-button")  # back to Chinese for the other tests
    until(page, "document.documentElement.lang === 'zh-CN'")


@pytest.fixture(scope="module")
def researcher(served: Served, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A second server on the README's graph with a researcher key (the first run only makes an officer's)."""
    port, key = free_port(), "rk-browser-7d3f1b9e5a2c4608"
    env = clean_env(PARTYCHAIN_DB=str(served.workdir / "var" / "graph"), PARTYCHAIN_API_KEYS=f"{key}:researcher",
                    PARTYCHAIN_QUERY_WORKERS="0", PARTYCHAIN_AUDIT_LOG=str(tmp_path_factory.mktemp("audit") / "a"))
    log = tmp_path_factory.mktemp("researcher") / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([str(served.workdir / ".venv" / "bin" / "partychain"), "serve", "--port", str(port)],
                                env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait(proc, log, port, link=False)  # keys are configured: no sign-in link
        yield f"http://127.0.0.1:{port}", key
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)


def test_a_researcher_sees_personal_fields_masked_as_the_api_masks_them(page: Any, served: Served,
                                                                       researcher: tuple[str, str],
                                                                       ids: dict[str, str]) -> None:
    base, key = researcher
    page.context.clear_cookies()
    page.goto(base + "/#/signin")
    page.wait_for_selector("#signin-key")
    page.fill("#signin-key", key)
    page.click("#signin-submit")
    until(page, "document.body.dataset.ready === 'overview'")
    chromium.render(page, f"{base}/#/household/{ids['household']}")
    bearer = {"Authorization": f"Bearer {key}"}
    masked = httpx.get(f"{base}/api/v1/households/{ids['household']}", headers=bearer).json()
    values = dict((k, v) for k, v, _ in shown(page) if k.startswith("household."))
    assert values["household.head_name"] == masked["head_name"] and masked["head_name"].endswith("*")
    assert values["household.id_number"] == masked["id_number"] and "**********" in masked["id_number"]
    unmasked = served.api(f"/households/{ids['household']}")
    assert unmasked["head_name"] not in page.inner_text("main") and unmasked["id_number"] not in page.content()
    chromium.render(page, f"{base}/#/member/{ids['member']}")
    m = httpx.get(f"{base}/api/v1/members/{ids['member']}", headers=bearer).json()
    assert dict((k, v) for k, v, _ in shown(page))["member.name"] == m["name"] and m["name"].endswith("*")
