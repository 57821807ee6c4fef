#!/usr/bin/env python3
"""The dashboard in a real browser: Debian's headless Chromium driven by Selenium.

Starts `muhan serve --demo` on a free loopback port with a fresh SQLite database, then, for the
admin, a buyer and an enterprise user, signs in through the page and checks what it shows
against the API. Elements are found only by the test hooks of API.md "Dashboard (web)"
(data-form, data-kpi/data-value, data-chart, data-queue/data-id/data-action, data-table,
named inputs), plus the download buttons' data-download, never by layout.

1. admin: 2019 revenue KPI 5,600,000,000 (raw and formatted), growth vs 2018 present
2. every chart drawn (Chart.js instance with data, pixels on the canvas) with a table alternative
3. attainment table: rows, missed targets highlighted, sortable by a header click
4. review queue: a pending product approved through its data-action button is public
5. buyer: only its agency in the attainment table, KPI = the API's summary, no admin queues
6. enterprise user: its own sales and overdue items, no admin queues, no errors
7. viewports 1280 px and 390x844: no horizontal overflow, key elements shown; Tab to the login
8. no console errors, no CSP violations, no request leaving the server's origin (each role)
9. CSV/XLSX download buttons on every table, pointing at the API's format=csv|xlsx

Needs /usr/bin/chromium and /usr/bin/chromedriver (Debian chromium, chromium-driver) and
selenium==4.27.1; nothing is downloaded. Screenshots go to target/browser-screenshots/.
Prints one `ok: ...` line per check, `N passed, 0 failed` at the end; exits 1 on a failure.
"""
import argparse
import base64
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import DEMO_ADMIN, DEMO_BUYER, DEMO_SELLER  # noqa: E402
from harness import DemoServer as Server  # noqa: E402
from harness import Fatal as Failure  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHOTS = os.path.join(ROOT, "target", "browser-screenshots")
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
TOTAL_SECONDS = 480
WAIT = 45
ADMIN, BUYER, SELLER = DEMO_ADMIN, DEMO_BUYER, DEMO_SELLER
CHARTS = ["monthly", "kind", "district", "category"]
KPIS = ["revenue_won", "growth_bp", "orders", "active_enterprises", "active_agencies"]
WIDTHS = [("desktop", 1280, 900), ("phone", 390, 844)]

# Selenium Manager must never fetch a driver or a browser.
os.environ["SE_OFFLINE"] = "true"

passed = 0


class Timeout(Exception):
    pass


def ok(what):
    global passed
    passed += 1
    print(f"ok: {what}", flush=True)


def check(condition, what, detail=""):
    if not condition:
        raise Failure(f"{what}{': ' + detail if detail else ''}")
    ok(what)


def call(method, url, body=None, token=None, timeout=15):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            raw = resp.read()
            return resp.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            return e.code, json.loads(raw)
        except ValueError:
            return e.code, raw


# Installed before any page script: collects CSP violations and uncaught errors.
PROBE = """
window.__csp = [];
window.__errors = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
window.addEventListener('error', (e) => { window.__errors.push(String(e.message)); });
window.addEventListener('unhandledrejection', (e) => { window.__errors.push(String(e.reason)); });
"""


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.path.exists(path):
            raise Failure(f"{path} missing: apt-get install chromium chromium-driver")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,900", "--lang=ko-KR", "--no-first-run",
                "--no-default-browser-check", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-extensions",
                "--disable-default-apps", "--metrics-recording-only", "--mute-audio",
                "--hide-scrollbars"]:
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    downloads = tempfile.mkdtemp(prefix="muhan-browser-dl-")
    opts.add_experimental_option("prefs", {"download.default_directory": downloads,
                                           "download.prompt_for_download": False})
    service = Service(executable_path=CHROMEDRIVER, log_output=subprocess.DEVNULL)
    driver = webdriver.Chrome(service=service, options=opts)
    driver.set_page_load_timeout(WAIT)
    driver.set_script_timeout(WAIT)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": PROBE})
    driver.downloads_dir = downloads
    return driver


def wait_for(driver, fn, what, seconds=WAIT):
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        return WebDriverWait(driver, seconds, poll_frequency=0.2).until(lambda d: fn(d))
    except TimeoutException:
        raise Failure(f"timed out after {seconds} s waiting for {what}")


def one(driver, css):
    from selenium.webdriver.common.by import By
    found = driver.find_elements(By.CSS_SELECTOR, css)
    if not found:
        raise Failure(f"no element {css}")
    return found[0]


def every(driver, css):
    from selenium.webdriver.common.by import By
    return driver.find_elements(By.CSS_SELECTOR, css)


def viewport(driver, width, height):
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
    time.sleep(0.3)


def screenshot(driver, name):
    os.makedirs(SHOTS, exist_ok=True)
    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    size = metrics.get("cssContentSize") or metrics["contentSize"]
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 12000),
                 "scale": 1}})
    path = os.path.join(SHOTS, f"{name}.png")
    with open(path, "wb") as f:
        f.write(base64.b64decode(shot["data"]))
    return path


def loaded(driver):
    return driver.execute_script("return document.body.getAttribute('data-loaded')") == "true"


def fresh_page(driver, server):
    """The dashboard signed out: the session is cleared on a page without scripts first."""
    driver.get(server.base + "/health")
    driver.execute_script("window.sessionStorage.clear()")
    driver.get_log("browser")  # the plain-text page's own /favicon.ico 404 is not the dashboard's
    driver.get(server.base + "/dashboard/")
    return wait_for(driver, lambda d: every(d, "form[data-form=login]"), "the login form")[0]


def sign_in(driver, server, who):
    """Sign in through the data-form login (Enter in the password field), wait for the load."""
    from selenium.webdriver.common.keys import Keys
    form = fresh_page(driver, server)
    form.find_element("css selector", "input[name=email]").send_keys(who[0])
    form.find_element("css selector", "input[name=password]").send_keys(who[1], Keys.ENTER)
    wait_for(driver, loaded, f"the dashboard of {who[0]} to load")
    wait_for(driver, lambda d: every(d, "[data-kpi=revenue_won]"), "the revenue KPI")


def choose_year(driver, year):
    from selenium.webdriver.support.ui import Select
    Select(one(driver, "select[name=year]")).select_by_value(str(year))
    wait_for(driver, loaded, f"the dashboard for {year} to load")


def kpi(driver, key):
    e = one(driver, f"[data-kpi={key}]")
    return e.get_attribute("data-value"), e.text


def alerts(driver):
    """Visible error messages the page shows (role=alert)."""
    return [t for t in driver.execute_script(
        "return [...document.querySelectorAll('[role=alert]')].map((e) => e.textContent.trim())") if t]


def browser_problems(driver, origin):
    """SEVERE console entries, CSP violations, uncaught errors, foreign requests since last call."""
    logs = driver.get_log("browser")
    severe = [f"{e['level']}: {e['message']}" for e in logs if e["level"] == "SEVERE"]
    csp_logs = [e["message"] for e in logs if "Content Security Policy" in e["message"]]
    csp = driver.execute_script("return window.__csp || []")
    errors = driver.execute_script("return window.__errors || []")
    names = driver.execute_script(
        "return performance.getEntriesByType('resource').map((e) => e.name)")
    foreign = [n for n in names if not (n == origin or n.startswith(origin + "/"))]
    return severe, csp_logs + csp, errors, foreign, len(names)


def check_clean(driver, server, role):
    severe, csp, errors, foreign, count = browser_problems(driver, server.base)
    check(not severe, f"{role}: no console errors", "; ".join(severe))
    check(not csp, f"{role}: no CSP violations", "; ".join(csp))
    check(not errors, f"{role}: no uncaught script errors", "; ".join(errors))
    check(count > 0 and not foreign, f"{role}: all {count} requests to the server's origin only",
          "; ".join(foreign))


def check_layout(driver, role, key_css):
    for name, width, height in WIDTHS:
        viewport(driver, width, height)
        m = driver.execute_script("""
            const d = document.documentElement, b = document.body;
            return {inner: window.innerWidth, doc: d.scrollWidth, body: b.scrollWidth, client: d.clientWidth};""")
        check(m["doc"] <= m["client"] and m["body"] <= m["client"],
              f"{role} {name} {width}px: no horizontal overflow", json.dumps(m))
        hidden = [css for css in key_css if not one(driver, css).is_displayed()]
        check(not hidden, f"{role} {name}: {len(key_css)} key elements displayed", ", ".join(hidden))
        path = screenshot(driver, f"{role}-{name}-{width}")
        check(os.path.getsize(path) > 1000, f"{role} {name}: screenshot {os.path.basename(path)}")
    viewport(driver, 1280, 900)


def check_downloads(driver, server, role, tables):
    """Every table (and chart) has CSV and XLSX buttons pointing at its API path."""
    from selenium.webdriver.common.by import By
    boxes = [f"[data-chart={c}]" for c in CHARTS] + [f"table[data-table={t}]" for t in tables]
    missing = []
    for css in boxes:
        e = one(driver, css)
        # The buttons follow the table in the same container.
        container = e if css.startswith("[data-chart") else e.find_element(By.XPATH, "..")
        for f in ("csv", "xlsx"):
            b = container.find_elements(By.CSS_SELECTOR, f"button[data-download={f}]")
            href = b[0].get_attribute("data-href") if b else None
            if not b or not href or not href.startswith("/api/v1/stats/") or f"format={f}" not in href:
                missing.append(f"{css} {f}: {href}")
    check(not missing, f"{role}: CSV and XLSX download buttons on {len(boxes)} tables and charts",
          "; ".join(missing))


def check_admin(driver, server):
    token = server.token(ADMIN)
    sign_in(driver, server, ADMIN)
    ok("admin: signed in through form[data-form=login]")
    choose_year(driver, 2019)
    value, text = kpi(driver, "revenue_won")
    digits = "".join(ch for ch in text if ch.isdigit())
    check(value == "5600000000" and "5,600,000,000" in text and digits == "5600000000",
          "admin: 2019 revenue KPI 5,600,000,000 (data-value and formatted text)", f"{value!r} {text!r}")
    _, summary = call("GET", server.api + "/stats/summary?year=2019", token=token)
    gvalue, gtext = kpi(driver, "growth_bp")
    check(gvalue == str(summary["growth_bp"]) and gtext.strip() != "" and "%" in gtext,
          f"admin: growth vs 2018 shown ({gtext})", f"{gvalue!r} {gtext!r} api {summary['growth_bp']}")
    for key in KPIS:
        v, t = kpi(driver, key)
        if v != str(summary[key]) or not t.strip():
            raise Failure(f"admin: KPI {key} shows {v!r} {t!r}, API {summary[key]}")
    ok(f"admin: all {len(KPIS)} KPIs equal GET /stats/summary?year=2019")

    # 2. charts
    for name in CHARTS:
        info = driver.execute_script("""
            const box = document.querySelector(`[data-chart=${arguments[0]}]`);
            const canvas = box && box.querySelector('canvas');
            if (!canvas) return {canvas: false};
            const chart = window.Chart && window.Chart.getChart(canvas);
            const data = chart ? chart.data.datasets.flatMap((d) => d.data) : [];
            const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
            let painted = 0;
            for (let i = 3; i < px.length; i += 4) if (px[i] !== 0) painted += 1;
            const table = box.querySelector('table');
            return {canvas: true, chart: !!chart, points: data.length, sum: data.reduce((a, b) => a + b, 0),
                    painted, width: canvas.width, height: canvas.height,
                    rows: table ? table.tBodies[0].rows.length : -1};""", name)
        check(info.get("chart") and info["points"] > 0 and info["sum"] > 0 and info["painted"] > 100,
              f"chart {name}: drawn ({info.get('points')} bars, {info.get('painted')} painted pixels)",
              json.dumps(info))
        check(info["rows"] == info["points"],
              f"chart {name}: table alternative with {info['rows']} rows", json.dumps(info))

    # 3. attainment
    _, pp = call("GET", server.api + "/stats/priority-purchase?year=2019", token=token)
    rows = every(driver, "table[data-table=attainment] tbody tr")
    check(len(rows) == len(pp["rows"]) and len(rows) > 1,
          f"attainment: {len(rows)} rows, one per agency", f"API {len(pp['rows'])}")
    missed = {r["agency_name"] for r in pp["rows"] if not r["attained"]}
    check(missed, f"attainment: {len(missed)} agencies missed their 2019 target (demo data)")
    colours = driver.execute_script("""
        return [...document.querySelectorAll('table[data-table=attainment] tbody tr')].map((tr) =>
            [tr.cells[0].textContent, getComputedStyle(tr).backgroundColor, tr.textContent]);""")
    missed_bg = {bg for name, bg, _ in colours if name in missed}
    met_bg = {bg for name, bg, _ in colours if name not in missed}
    check(len(missed_bg) == 1 and not (missed_bg & met_bg),
          "attainment: missed targets highlighted (own background colour)",
          f"missed {missed_bg} met {met_bg}")
    before = [tr[0] for tr in colours]
    headers = every(driver, "table[data-table=attainment] thead th button")
    check(len(headers) >= 5, f"attainment: {len(headers)} sortable column headers")
    # Sort by the ratio column: the one whose cells carry each row's ratio_bp as data-value.
    cells = driver.execute_script("""
        return [...document.querySelectorAll('table[data-table=attainment] tbody tr')].map((tr) =>
            [...tr.cells].map((td) => td.getAttribute('data-value')));""")
    want = [str(r["ratio_bp"]) for r in pp["rows"]]
    cols = [j for j in range(len(cells[0])) if [row[j] for row in cells] == want]
    check(cols, "attainment: a column of ratio_bp values (data-value)")
    ratio_col = cols[0]
    headers[ratio_col].click()
    after = driver.execute_script("""
        return [...document.querySelectorAll('table[data-table=attainment] tbody tr')].map((tr) =>
            [tr.cells[0].textContent, Number(tr.cells[arguments[0]].getAttribute('data-value'))]);""",
                                  ratio_col)
    values = [v for _, v in after]
    check([n for n, _ in after] != before and values == sorted(values),
          "attainment: a header click sorts (ascending by ratio, order changed)", str(values[:8]))
    headers = every(driver, "table[data-table=attainment] thead th button")
    headers[ratio_col].click()
    values = driver.execute_script("""
        return [...document.querySelectorAll('table[data-table=attainment] tbody tr')].map((tr) =>
            Number(tr.cells[arguments[0]].getAttribute('data-value')));""", ratio_col)
    check(values == sorted(values, reverse=True), "attainment: a second click sorts descending")

    # 4. review queue
    items = every(driver, "[data-queue=products] [data-id]")
    check(items, f"review queue: {len(items)} products waiting", "empty queue")
    chosen = None
    for item in items:
        pid = item.get_attribute("data-id")
        status, product = call("GET", f"{server.api}/products/{pid}", token=token)
        if status != 200 or product["status"] != "pending_review":
            continue
        if call("GET", f"{server.api}/enterprises/{product['enterprise_id']}")[0] == 200:
            chosen = (item, pid, product)
            break
    check(chosen, "review queue: a pending product of a verified enterprise listed")
    item, pid, product = chosen
    check(product["name"] in item.text, f"review queue: item {pid} names the product ({product['name']})")
    status, _ = call("GET", f"{server.api}/products/{pid}")
    check(status == 404, f"product {pid} not public before approval", str(status))
    item.find_element("css selector", "[data-action=approve]").click()
    wait_for(driver, lambda d: not every(d, f"[data-queue=products] [data-id='{pid}']"),
             f"product {pid} to leave the review queue")
    status, public = call("GET", f"{server.api}/products/{pid}")
    check(status == 200 and public["status"] == "approved",
          f"review queue: product {pid} approved via data-action=approve is public (GET /products/{pid})",
          f"{status} {public}")
    deadline = time.monotonic() + 10
    while True:
        _, found = call("GET", f"{server.api}/products?enterprise_id={product['enterprise_id']}&limit=100")
        if any(str(p["id"]) == pid for p in found["items"]):
            break
        if time.monotonic() > deadline:
            raise Failure(f"approved product {pid} not in the catalog search")
        time.sleep(0.5)
    ok(f"review queue: product {pid} in the public catalog search")
    check(every(driver, "[data-queue=enterprises] [data-id] [data-action=verify]"),
          "admin: enterprise verification queue with data-action=verify")
    check(every(driver, "[data-queue=products] [data-id] [data-action=reject]"),
          "admin: review queue items have data-action=reject")
    check(not alerts(driver), "admin: no error messages on the page", "; ".join(alerts(driver)))
    check_downloads(driver, server, "admin", ["attainment", "enterprise", "agency"])
    check_layout(driver, "admin", ["[data-kpi=revenue_won]", "[data-chart=monthly] canvas",
                                   "table[data-table=attainment]", "[data-queue=products]",
                                   "select[name=year]"])
    check_clean(driver, server, "admin")


def check_buyer(driver, server):
    token = server.token(BUYER)
    _, me = call("GET", server.api + "/me", token=token)
    _, agency = call("GET", f"{server.api}/agencies/{me['agency_id']}")
    _, summary = call("GET", server.api + "/stats/summary?year=2019", token=token)
    sign_in(driver, server, BUYER)
    choose_year(driver, 2019)
    rows = driver.execute_script("""
        return [...document.querySelectorAll('table[data-table=attainment] tbody tr')].map((tr) => tr.cells[0].textContent);""")
    check(rows == [agency["name"]], f"buyer: attainment table has exactly its agency ({agency['name']})",
          str(rows))
    value, text = kpi(driver, "revenue_won")
    check(value == str(summary["revenue_won"]) and f"{summary['revenue_won']:,}" in text,
          f"buyer: revenue KPI {text} = GET /stats/summary?year=2019 for its token",
          f"{value!r} {text!r} API {summary['revenue_won']}")
    check(kpi(driver, "active_agencies")[0] == "1", "buyer: one active agency (its own)")
    for q in ("enterprises", "products"):
        shown = [e for e in every(driver, f"[data-queue={q}]") if e.is_displayed()]
        check(not shown and not every(driver, f"[data-queue={q}] [data-id]"),
              f"buyer: admin queue {q} absent")
    check(not every(driver, "[data-action=verify], [data-action=approve], [data-action=reject]"),
          "buyer: no admin action buttons")
    check(not alerts(driver), "buyer: no error messages on the page", "; ".join(alerts(driver)))
    check_downloads(driver, server, "buyer", ["attainment", "enterprise", "agency"])
    check_layout(driver, "buyer", ["[data-kpi=revenue_won]", "[data-chart=monthly] canvas",
                                   "table[data-table=attainment]", "[data-queue=overdue]"])
    check_clean(driver, server, "buyer")


def seller_with_overdue_work(server, year):
    """A demo seller whose enterprise has overdue items today and sales in `year`.

    The demo's open lifecycles are relative to today, so no fixed account is sure to have
    overdue work; the demo gives enterprise n (ids in order from 1) the account sellerNNNN.
    """
    admin = server.token(ADMIN)
    ids = set()
    for kind in ("inspection", "payment"):
        _, page = call("GET", f"{server.api}/fulfillments?overdue={kind}&limit=100", token=admin)
        ids |= {f["enterprise_id"] for f in page["items"]}
    for enterprise_id in sorted(ids):
        who = (f"seller{enterprise_id:04}@demo.muhan.kr", SELLER[1])
        status, _ = server.login(who)
        if status != 200:
            continue
        token = server.token(who)
        _, me = call("GET", server.api + "/me", token=token)
        _, summary = call("GET", f"{server.api}/stats/summary?year={year}", token=token)
        if me.get("enterprise_id") == enterprise_id and summary["revenue_won"] > 0:
            return who
    check(False, f"demo data: a seller with overdue work and {year} sales", str(sorted(ids)))
    return SELLER


def check_enterprise(driver, server):
    seller = seller_with_overdue_work(server, 2019)
    token = server.token(seller)
    _, me = call("GET", server.api + "/me", token=token)
    _, ent = call("GET", f"{server.api}/enterprises/{me['enterprise_id']}")
    overdue = []
    for kind in ("inspection", "payment"):
        _, page = call("GET", f"{server.api}/fulfillments?overdue={kind}&limit=100", token=token)
        overdue += [str(f["id"]) for f in page["items"]]
    year = 2019
    _, summary = call("GET", f"{server.api}/stats/summary?year={year}", token=token)
    sign_in(driver, server, seller)
    choose_year(driver, year)
    value, text = kpi(driver, "revenue_won")
    check(value == str(summary["revenue_won"]) and int(value) > 0,
          f"enterprise {seller[0]}: its own {year} revenue KPI {text} = GET /stats/summary",
          f"{value!r} API {summary['revenue_won']}")
    top = driver.execute_script("""
        return [...document.querySelectorAll('table[data-table=enterprise] tbody tr')].map((tr) => tr.cells[0].textContent);""")
    check(top == [ent["name"]], f"enterprise: sales by enterprise shows only itself ({ent['name']})", str(top))
    shown = [e.get_attribute("data-id") for e in every(driver, "[data-queue=overdue] [data-id]")]
    check(overdue and sorted(shown) == sorted(overdue),
          f"enterprise: {len(shown)} overdue items = GET /fulfillments?overdue=", f"{shown} API {overdue}")
    for q in ("enterprises", "products"):
        shown = [e for e in every(driver, f"[data-queue={q}]") if e.is_displayed()]
        check(not shown and not every(driver, f"[data-queue={q}] [data-id]"),
              f"enterprise: admin queue {q} absent")
    check(not every(driver, "table[data-table=attainment]"),
          "enterprise: no agency attainment table (not its figure)")
    check(not alerts(driver), "enterprise: no error messages on the page", "; ".join(alerts(driver)))
    check_downloads(driver, server, "enterprise", ["enterprise", "agency"])
    check_layout(driver, "enterprise", ["[data-kpi=revenue_won]", "[data-chart=monthly] canvas",
                                        "[data-queue=overdue]", "table[data-table=enterprise]"])
    check_clean(driver, server, "enterprise")


def check_login_page(driver, server):
    from selenium.webdriver.common.keys import Keys
    fresh_page(driver, server)
    for name, width, height in WIDTHS:
        viewport(driver, width, height)
        m = driver.execute_script(
            "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        check(m[0] <= m[1], f"login {name} {width}px: no horizontal overflow", str(m))
        check(one(driver, "form[data-form=login] input[name=email]").is_displayed(),
              f"login {name}: the form is displayed")
        screenshot(driver, f"login-{name}-{width}")
    viewport(driver, 1280, 900)
    driver.execute_script("document.activeElement && document.activeElement.blur()")
    reached = []
    body = one(driver, "body")
    body.send_keys(Keys.TAB)
    for _ in range(10):
        name = driver.execute_script(
            "const a = document.activeElement; return a && a.closest('form[data-form=login]') ? "
            "(a.name || a.type || a.tagName) : null")
        if name:
            reached.append(name)
        if name == "password":
            break
        driver.switch_to.active_element.send_keys(Keys.TAB)
    check(reached[:2] == ["email", "password"], "keyboard: Tab reaches email, then password",
          str(reached))
    active = driver.switch_to.active_element
    active.send_keys(ADMIN[1])
    active.send_keys(Keys.SHIFT, Keys.TAB)
    driver.switch_to.active_element.send_keys(ADMIN[0])
    driver.switch_to.active_element.send_keys(Keys.TAB)
    driver.switch_to.active_element.send_keys(Keys.TAB)
    kind = driver.execute_script(
        "const a = document.activeElement; return a.closest('form[data-form=login]') ? a.type : null")
    check(kind == "submit", "keyboard: Tab then reaches the sign-in button", str(kind))
    driver.switch_to.active_element.send_keys(Keys.ENTER)
    wait_for(driver, loaded, "the dashboard after a keyboard-only sign-in")
    ok("keyboard: signed in with the keyboard only (Tab, Enter)")
    check_clean(driver, server, "login page")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "muhan"))
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    started = time.monotonic()

    def on_alarm(signum, frame):
        raise Timeout(f"the browser test took over {TOTAL_SECONDS} s")

    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(TOTAL_SECONDS)
    if not os.access(binary, os.X_OK):
        print(f"FAIL: no executable {binary}")
        return 1
    shutil.rmtree(SHOTS, ignore_errors=True)
    server = Server(binary, prefix="muhan-browser-")
    driver = None
    failed = None
    try:
        server.wait_ready()
        ok(f"server with demo data at {server.base} ({time.monotonic() - started:.1f} s)")
        driver = browser()
        ok("headless Chromium via /usr/bin/chromedriver: "
           + driver.capabilities.get("browserVersion", "?"))
        check_login_page(driver, server)
        check_admin(driver, server)
        check_buyer(driver, server)
        check_enterprise(driver, server)
    except (Failure, Timeout) as e:
        failed = str(e)
    except Exception as e:  # a Selenium error is a failure too, with its type
        failed = f"{type(e).__name__}: {e}"
    finally:
        signal.alarm(0)
        if driver is not None:
            if failed:
                try:
                    screenshot(driver, "failure")
                except Exception:
                    pass
            try:
                driver.quit()
            except Exception:
                pass
            shutil.rmtree(getattr(driver, "downloads_dir", ""), ignore_errors=True)
        log = server.tail()
        server.stop()
    elapsed = time.monotonic() - started
    print(f"screenshots: {SHOTS}")
    if failed:
        print(f"FAIL: {failed}")
        print(f"server log (tail):\n{log}")
        print(f"{passed} passed, 1 failed in {elapsed:.0f} s")
        return 1
    print(f"{passed} passed, 0 failed in {elapsed:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
