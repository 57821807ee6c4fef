#!/usr/bin/env python3
"""Contract check: openapi/openapi.json is linted, and the real server is fuzzed against it.

1. Tools, pinned and cached under target/ (re-installed only when a pin changes):
   Schemathesis in a venv (target/contract-venv), Spectral and the OWASP ruleset with npm
   (target/spectral). node/npm come from the machine, or from Debian (apt-get install
   nodejs npm) when missing.
2. Spectral lints openapi/openapi.json with openapi/.spectral.yaml (spectral:oas recommended
   + the OWASP API Security Top 10 2023 ruleset): any error or warning fails the step.
3. For each caller (anonymous, admin, an active buyer, a user of a verified enterprise) the
   binary is started on a fresh SQLite database in a temporary directory and seeded through
   the HTTP API (admin, agency and purchase plan, approved buyer, verified enterprise, an
   approved product in a leaf category, a placed order, the buyer's procurement requests and
   the enterprise's quotes on them, whose ids fill the procurement operations' path
   parameters: FIXED_PARAMETERS), then `schemathesis run` tests
   /openapi.json with every check, all four phases and a fixed seed. A fresh database per
   caller keeps the runs independent of each other (an admin run may suspend the buyer).

Usage (the whole step, installs cached, stays within about 8 minutes on 2 cores):

  python3 scripts/contract_check.py --binary target/release/muhan

Reports go to target/contract-report/: spectral.json, and per caller Schemathesis's JUnit and
JSON reports, its full output (schemathesis.txt), the failures grouped by check, answered
status and operation (failures.txt) and the server log.
Prints one ok/FAIL line for Spectral and one per caller, then "N passed, N failed" over the
callers; exits non-zero when Spectral or any caller fails.
"""
import argparse
import collections
import datetime
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
import xml.etree.ElementTree as ET

from harness import free_port, http

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPEC = os.path.join(ROOT, "openapi", "openapi.json")
RULESET = os.path.join(ROOT, "openapi", ".spectral.yaml")
VENV = os.path.join(ROOT, "target", "contract-venv")
NPM_DIR = os.path.join(ROOT, "target", "spectral")
REPORT_DIR = os.path.join(ROOT, "target", "contract-report")

# Pins (exact). Schemathesis: newest 4.x on PyPI when this was written.
SCHEMATHESIS = "4.32.5"
SPECTRAL_CLI = "6.16.3"
OWASP_RULESET = "2.0.1"

CALLERS = ("anonymous", "admin", "buyer", "enterprise")
PHASES = "examples,coverage,fuzzing,stateful"
SEED = 20261201
MAX_EXAMPLES = 25       # --max-examples: test cases per operation (about 35-55 s per caller here)
# One worker: Python 3.11's ast module is not thread-safe (cpython gh-106905), and with two
# workers Schemathesis now and then reports "AST constructor recursion depth mismatch".
WORKERS = 1
REQUEST_TIMEOUT = 10    # seconds per request Schemathesis sends
BUDGET = 480            # seconds for the whole step; each caller gets a hard share of the rest

ADMIN = ("contract-admin@muhan.test", "contract-admin-password")
PASSWORD = "contract-check-pass-1"
SECRET = "contract-check-secret-0123456789abcdef0123456789"
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback, no proxy
STARTED = time.monotonic()


class SetupError(Exception):
    pass


def log(line):
    print(line, flush=True)


def elapsed():
    return time.monotonic() - STARTED


def run(cmd, what, **kw):
    log("$ " + " ".join(cmd))
    result = subprocess.run(cmd, **kw)
    if result.returncode != 0:
        raise SetupError(f"{what} failed (exit {result.returncode})")
    return result


# ---------------------------------------------------------------------------------------------
# Tools


def node_ok():
    """node and npm are on PATH and node satisfies Spectral's engines (^18.18 || >= 20.17)."""
    if not (shutil.which("node") and shutil.which("npm")):
        return False
    out = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    try:
        major, minor = (int(x) for x in out.lstrip("v").split(".")[:2])
    except ValueError:
        return False
    return (major == 18 and minor >= 18) or (major == 20 and minor >= 17) or major >= 21


def ensure_node():
    if node_ok():
        return
    log("node/npm missing or too old: installing Debian's nodejs and npm")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run(sudo + ["apt-get", "update", "-q"], "apt-get update", env=env)
    run(sudo + ["apt-get", "install", "-y", "-q", "--no-install-recommends", "nodejs", "npm"],
        "apt-get install nodejs npm", env=env)
    if not node_ok():
        raise SetupError("node >= 18.18 (or >= 20.17) and npm are needed for Spectral")


def installed_npm_version(package):
    path = os.path.join(NPM_DIR, "node_modules", *package.split("/"), "package.json")
    try:
        with open(path) as f:
            return json.load(f).get("version")
    except (OSError, ValueError):
        return None


def ensure_spectral():
    pins = {"@stoplight/spectral-cli": SPECTRAL_CLI, "@stoplight/spectral-owasp-ruleset": OWASP_RULESET}
    if all(installed_npm_version(p) == v for p, v in pins.items()):
        return
    ensure_node()
    os.makedirs(NPM_DIR, exist_ok=True)
    run(["npm", "install", "--prefix", NPM_DIR, "--save-exact", "--no-audit", "--no-fund",
         "--loglevel=error"] + [f"{p}@{v}" for p, v in pins.items()], "npm install (Spectral)")


def ensure_schemathesis():
    exe = os.path.join(VENV, "bin", "schemathesis")
    if os.path.exists(exe):
        out = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout
        if out.strip().endswith(SCHEMATHESIS):
            return exe
    if not os.path.exists(os.path.join(VENV, "bin", "python")):
        run([sys.executable, "-m", "venv", VENV], "python -m venv")
    run([os.path.join(VENV, "bin", "pip"), "install", "--quiet", "--disable-pip-version-check",
         f"schemathesis=={SCHEMATHESIS}"], "pip install schemathesis")
    return exe


# ---------------------------------------------------------------------------------------------
# Spectral


def spectral():
    """Lints the document; returns True when there is no error and no warning."""
    exe = os.path.join(NPM_DIR, "node_modules", ".bin", "spectral")
    out = os.path.join(REPORT_DIR, "spectral.json")
    # The ruleset extends the OWASP package by name; Spectral resolves package names from the
    # ruleset's directory, so NODE_PATH points it at our local node_modules.
    env = dict(os.environ, NODE_PATH=os.path.join(NPM_DIR, "node_modules"))
    cmd = [exe, "lint", os.path.relpath(SPEC, ROOT), "--ruleset", os.path.relpath(RULESET, ROOT),
           "--fail-severity", "warn", "--format", "json", "--output", out]
    log("$ " + " ".join(cmd))
    started = time.monotonic()
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    took = time.monotonic() - started
    try:
        with open(out) as f:
            problems = json.load(f)
    except (OSError, ValueError):
        problems = None
    if result.returncode not in (0, 1) or problems is None:
        log(result.stdout + result.stderr)
        log(f"FAIL: spectral did not run (exit {result.returncode})")
        return False
    names = {0: "error", 1: "warning", 2: "info", 3: "hint"}
    by_rule = collections.OrderedDict()
    for p in sorted(problems, key=lambda p: (p.get("severity", 9), p.get("code", ""))):
        by_rule.setdefault((p.get("severity"), p.get("code")), []).append(p)
    for (severity, code), items in by_rule.items():
        paths = list(collections.OrderedDict.fromkeys(
            ".".join(str(x) for x in p.get("path", [])) or "(document)" for p in items))
        ops = list(collections.OrderedDict.fromkeys(
            f"{p['path'][2].upper()} {p['path'][1]}" for p in items
            if len(p.get("path", [])) > 2 and p["path"][0] == "paths"))
        where = f"{len(paths)} places, {len(ops)} operations" if ops else f"{len(paths)} places"
        log(f"  {names.get(severity, severity)} {code}: {where} — {items[0].get('message', '')}")
        if ops and len(ops) <= 10:
            log(f"      operations: {', '.join(ops)}")
        for path in paths[:3]:
            log(f"      {path}")
    counts = collections.Counter(names.get(p.get("severity")) for p in problems)
    summary = ", ".join(f"{counts.get(k, 0)} {k}s" for k in ("error", "warning", "info", "hint"))
    ok = result.returncode == 0 and not counts.get("error") and not counts.get("warning")
    log(f"{'ok' if ok else 'FAIL'}: spectral — {summary} in {len(by_rule)} rules ({took:.0f} s, {out})")
    return ok


# ---------------------------------------------------------------------------------------------
# The server and its seed


class Reply:
    def __init__(self, status, raw):
        self.status, self.raw = status, raw
        try:
            self.json = json.loads(raw) if raw else None
        except ValueError:
            self.json = None

    def __str__(self):
        return f"{self.status} {self.raw[:300].decode('utf-8', 'replace')}"


def call(base, method, path, body=None, token=None, headers=None):
    status, _, raw = http(base, method, path, body, token, headers, timeout=30, opener=OPENER)
    return Reply(status, raw)


def must(reply, status, what):
    if reply.status != status:
        raise SetupError(f"seed: {what}: expected {status}, got {reply}")
    return reply.json


class Server:
    def __init__(self, binary, caller):
        self.workdir = tempfile.mkdtemp(prefix=f"muhan-contract-{caller}-")
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = os.path.join(REPORT_DIR, caller, "server.log")
        env = {k: v for k, v in os.environ.items() if not k.startswith("MUHAN_") and k != "DATABASE_URL"}
        env.update({
            "DATABASE_URL": "sqlite://" + os.path.join(self.workdir, "muhan.db"),
            "MUHAN_BIND": f"127.0.0.1:{self.port}",
            "MUHAN_DATA_DIR": self.workdir,
            "MUHAN_JWT_SECRET": SECRET,
            "MUHAN_ADMIN_EMAIL": ADMIN[0],
            "MUHAN_ADMIN_PASSWORD": ADMIN[1],
            # Tokens outlive the run, and the fuzzer's failed logins are not throttled (the
            # throttle is tested elsewhere; here it would turn every later login into a 429).
            "MUHAN_ACCESS_TOKEN_TTL_SECS": "7200",
            "MUHAN_LOGIN_MAX_FAILURES_PER_EMAIL": "1000000",
            "MUHAN_LOGIN_MAX_FAILURES_PER_CLIENT": "1000000",
            "MUHAN_LOG_FORMAT": "json",
        })
        os.makedirs(os.path.dirname(self.log_path), exist_ok=True)
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen([binary, "serve"], cwd=self.workdir, env=env,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        for _ in range(300):
            try:
                if call(self.base, "GET", "/health").status == 200:
                    return
            except OSError:
                pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        self.stop()
        with open(self.log_path) as f:
            log(f.read()[-3000:])
        raise SetupError(f"the server did not start on port {self.port}")

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.workdir, ignore_errors=True)


def biz_reg_no(first9):
    weights = (1, 3, 7, 1, 3, 7, 1, 3, 5)
    s = sum(d * w for d, w in zip(first9, weights)) + first9[8] * 5 // 10
    digits = "".join(map(str, first9)) + str((10 - s % 10) % 10)
    return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"


def leaf_category(nodes):
    """The first leaf of the tree, depth first."""
    for node in nodes:
        if not node.get("children"):
            return node
        found = leaf_category(node["children"])
        if found:
            return found
    return None


def seed(base):
    """Creates one object of each kind through the API; returns ({caller: token or None},
    {object name: id} for the path parameters of FIXED_PARAMETERS)."""
    def login(email, password):
        return must(call(base, "POST", "/api/v1/auth/login", {"email": email, "password": password}),
                    200, f"log in {email}")["access_token"]

    admin = login(*ADMIN)
    leaf = leaf_category(must(call(base, "GET", "/api/v1/categories"), 200, "category tree"))
    if leaf is None:
        raise SetupError("seed: the category tree has no leaf")
    agency = must(call(base, "POST", "/api/v1/agencies",
                       {"name": "대구광역시 계약검사청", "kind": "local_government", "district": "27110"},
                       admin), 201, "create an agency")["id"]
    year = datetime.date.today().year
    must(call(base, "PUT", f"/api/v1/agencies/{agency}/purchase-plans/{year}",
              {"total_purchase_won": 1_000_000_000, "social_target_bp": 1000}, admin), 200,
         "a purchase plan")

    buyer_email = "contract-buyer@muhan.test"
    user = must(call(base, "POST", "/api/v1/auth/signup/buyer",
                     {"email": buyer_email, "password": PASSWORD, "display_name": "구매 담당자",
                      "agency_id": agency}), 201, "buyer signup")["user"]["id"]
    must(call(base, "POST", f"/api/v1/admin/users/{user}/approve", None, admin), 200, "approve the buyer")
    buyer = login(buyer_email, PASSWORD)

    owner_email = "contract-owner@muhan.test"
    created = must(call(base, "POST", "/api/v1/auth/signup/enterprise", {
        "email": owner_email, "password": PASSWORD, "display_name": "기업 대표",
        "enterprise": {"name": "계약검사 사회적협동조합", "biz_reg_no": biz_reg_no([1, 2, 3, 4, 5, 6, 7, 8, 9]),
                       "kind": "social_cooperative", "district": "27110", "representative": "홍길동",
                       "phone": "053-000-0000", "address": "대구광역시 중구 공평로 88",
                       "description": "계약 검사용 기업", "employees": 10, "vulnerable_employees": 4}}),
        201, "enterprise signup")
    must(call(base, "POST", f"/api/v1/enterprises/{created['enterprise']['id']}/verify", None, admin),
         200, "verify the enterprise")
    owner = login(owner_email, PASSWORD)

    product = must(call(base, "POST", "/api/v1/products", {
        "category_id": leaf["id"], "name": "유기농 커피 선물세트", "description": "공정무역 원두 200 g × 2",
        "unit": "EA", "price_won": 25000, "min_order_qty": 1, "stock": 100000, "lead_time_days": 3},
        owner), 201, "create a product")["id"]
    must(call(base, "POST", f"/api/v1/products/{product}/approve", None, admin), 200, "approve the product")

    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    must(call(base, "POST", "/api/v1/orders", {
        "lines": [{"product_id": product, "quantity": 2}],
        "delivery": {"address": "대구광역시 중구 공평로 88", "district": "27110", "requested_date": tomorrow},
        "note": "계약 검사 주문"}, buyer, {"Idempotency-Key": f"contract-{uuid.uuid4().hex}"}),
        201, "place an order")

    # Procurement: the buyer's agency's open requests, one per kind of use, so that a fixed
    # id exercises each operation (a cancel or an award spoils only its own request).
    deliver_by = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()

    def request(title):
        return must(call(base, "POST", "/api/v1/procurement-requests", {
            "title": title, "category_id": leaf["id"], "description": "공공기관 행사용 커피 선물세트",
            "quantity": 100, "unit": "EA", "budget_won": 3_000_000, "delivery_district": "27110",
            "deliver_by": deliver_by, "allow_consortium": True,
            "delivery_address": "대구광역시 중구 공평로 88"}, buyer), 201, f"open request {title}")["id"]

    def quote(request_id):
        return must(call(base, "POST", f"/api/v1/procurement-requests/{request_id}/quotes", {
            "product_id": product, "unit_price_won": 24000, "quantity": 50, "lead_time_days": 3,
            "note": "계약 검사 견적"}, owner), 201, f"quote on request {request_id}")["id"]

    objects = {"request": request("계약검사 견적 요청 (조회)")}
    objects["quote"] = quote(objects["request"])
    objects["request_to_quote"] = request("계약검사 견적 요청 (견적 제출)")
    objects["request_to_cancel"] = request("계약검사 견적 요청 (취소)")
    objects["request_to_close"] = request("계약검사 견적 요청 (마감)")
    objects["request_to_award"] = request("계약검사 견적 요청 (낙찰)")
    objects["quote_to_award"] = quote(objects["request_to_award"])
    objects["quote_to_withdraw"] = quote(request("계약검사 견적 요청 (견적 철회)"))
    return {"anonymous": None, "admin": admin, "buyer": buyer, "enterprise": owner}, objects


# ---------------------------------------------------------------------------------------------
# Schemathesis


# positive_data_acceptance stays on everywhere; these operations may also answer the statuses
# named for schema-valid data, because a rule no schema can express refuses some of it. Keep
# this minimal: a rule that a schema can express belongs in the schema. One reason each.
POSITIVE_ALSO = {
    # cursors: only a cursor the server issued (for this list and sort) is accepted
    "GET /api/v1/admin/users": (["422"], "cursor must be one the server issued"),
    "GET /api/v1/agencies": (["422"], "cursor must be one the server issued"),
    "GET /api/v1/enterprises": (["422"], "cursor must be one the server issued"),
    "GET /api/v1/fulfillments": (["422"], "cursor must be one the server issued"),
    "GET /api/v1/orders": (["422"], "cursor must be one the server issued"),
    "GET /api/v1/products": (["422"], "cursor the server issued for this sort; min_price_won <= max_price_won"),
    "GET /api/v1/settlements": (["422"], "from <= to"),
    "GET /api/v1/stats/sales": (["422"], "from <= to"),
    "POST /api/v1/auth/signup/enterprise": (["422"], "biz_reg_no check digit; district in the table; vulnerable_employees <= employees; e-mail script mixing"),
    "POST /api/v1/auth/signup/buyer": (["422"], "agency_id must name an agency; e-mail script mixing (UTS #39)"),
    "POST /api/v1/agencies": (["422"], "district in the table; parent_id must name an agency"),
    "PATCH /api/v1/agencies/{id}": (["422"], "district in the table; parent_id an agency, not a descendant"),
    "PATCH /api/v1/enterprises/{id}": (["422"], "district in the table; vulnerable_employees <= employees"),
    "POST /api/v1/categories": (["422"], "code one level below the parent's code; parent must exist"),
    "POST /api/v1/products": (["422"], "category_id must name a category"),
    "PATCH /api/v1/products/{id}": (["412", "422"], "If-Match must name the current version; category_id must name a category"),
    "POST /api/v1/orders": (["422"], "products approved and ordered once, quantity >= min_order_qty, date not in the past, district in the table, private-contract limit"),
    "GET /api/v1/procurement-requests": (["422"], "cursor must be one the server issued"),
    "POST /api/v1/procurement-requests": (["422"], "category_id must name a category; district in the table; deliver_by after today; quotes_due in the future, before deliver_by"),
    "POST /api/v1/procurement-requests/{id}/quotes": (["422"], "quantity <= the request's; lead time meets deliver_by; product_id one of the caller's approved products in the request's category"),
    "POST /api/v1/procurement-requests/{id}/award": (["422"], "quote_ids live quotes of this request within its quantity and the private-contract limit; a generated Idempotency-Key may repeat an earlier one with another body"),
}
# negative_data_rejection likewise: statuses that also refuse schema-violating data here.
NEGATIVE_ALSO = {
    "PATCH /api/v1/products/{id}": (["412"], "an If-Match the server cannot read fails the precondition: 412"),
}
NEGATIVE_DEFAULT = ["400", "401", "403", "404", "405", "406", "409", "415", "422", "428", "429", "5xx"]
POSITIVE_DEFAULT = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]


# Path parameters fixed to seeded objects (names from seed()), so that the operation reaches
# a real object instead of answering 404 to every generated id; one object per destructive
# operation. Body fields named here take a seeded id in half the generated bodies.
FIXED_PARAMETERS = {
    "GET /api/v1/procurement-requests/{id}": {"path.id": "request"},
    "GET /api/v1/procurement-requests/{id}/events": {"path.id": "request"},
    "GET /api/v1/procurement-requests/{id}/matches": {"path.id": "request"},
    "GET /api/v1/procurement-requests/{id}/quotes": {"path.id": "request"},
    "POST /api/v1/procurement-requests/{id}/quotes": {"path.id": "request_to_quote"},
    "POST /api/v1/procurement-requests/{id}/cancel": {"path.id": "request_to_cancel"},
    "POST /api/v1/procurement-requests/{id}/close": {"path.id": "request_to_close"},
    "POST /api/v1/procurement-requests/{id}/award": {"path.id": "request_to_award"},
    "POST /api/v1/quotes/{id}/withdraw": {"path.id": "quote_to_withdraw"},
}
BODY_DICTIONARIES = {
    "POST /api/v1/procurement-requests/{id}/award": {"body.quote_ids[*]": "quote_to_award"},
}


def toml_key(key):
    return json.dumps(key) if not re.fullmatch(r"[A-Za-z0-9_-]+", key) else key


def schemathesis_config(objects):
    """The Schemathesis configuration: no cache, the seeded objects of FIXED_PARAMETERS and
    BODY_DICTIONARIES, and the per-operation statuses above."""
    lines = ["# written by scripts/contract_check.py", "[cache]", "enabled = false", ""]
    for name, fields in BODY_DICTIONARIES.items():
        for field, obj in fields.items():
            lines += [f"[dictionaries.{obj}]", f"values = [{objects[obj]}]", ""]
    for name in list(dict.fromkeys([*POSITIVE_ALSO, *NEGATIVE_ALSO, *FIXED_PARAMETERS, *BODY_DICTIONARIES])):
        lines += ["[[operations]]", f'include-name = "{name}"']
        params = [f"{toml_key(k)} = {objects[v]}" for k, v in FIXED_PARAMETERS.get(name, {}).items()]
        params += [f'{toml_key(k)} = {{ dictionary = "{v}", probability = 0.5 }}'
                   for k, v in BODY_DICTIONARIES.get(name, {}).items()]
        if params:
            lines.append(f"parameters = {{ {', '.join(params)} }}")
        for check, table, default in (("positive_data_acceptance", POSITIVE_ALSO, POSITIVE_DEFAULT),
                                      ("negative_data_rejection", NEGATIVE_ALSO, NEGATIVE_DEFAULT)):
            if name in table:
                extra, reason = table[name]
                statuses = ", ".join(f'"{s}"' for s in default + extra)
                lines += [f"# {check}: {reason}",
                          f"checks.{check}.expected-statuses = [{statuses}]"]
        lines.append("")
    return "\n".join(lines)


CHECKS = {  # Schemathesis failure code -> the check that raises it
    "ST101": "not_a_server_error", "ST102": "not_a_server_error",
    "ST103": "status_code_conformance", "ST104": "content_type_conformance",
    "ST105": "content_type_conformance", "ST106": "content_type_conformance",
    "ST107": "response_headers_conformance", "ST108": "response_schema_conformance",
    "ST109": "response_schema_conformance", "ST110": "response_schema_conformance",
    "ST111": "response_schema_conformance", "ST112": "max_response_time",
    "ST201": "negative_data_rejection", "ST202": "positive_data_acceptance",
    "ST203": "missing_required_header", "ST204": "unsupported_method",
    "ST205": "allow_header_conformance", "ST301": "use_after_free",
    "ST302": "ensure_resource_availability", "ST401": "ignored_auth",
    "ST402": "object_level_authorization",
}


def failures_from_junit(path):
    """[{operation, case, code, title, status, detail, curl}] from Schemathesis's JUnit report,
    one entry per (test case, failed check)."""
    found = []
    try:
        tree = ET.parse(path)
    except (OSError, ET.ParseError):
        return found
    for testcase in tree.iter("testcase"):
        operation = testcase.get("name", "?")
        for node in list(testcase.findall("failure")) + list(testcase.findall("error")):
            text = node.text or node.get("message") or ""
            blocks = re.split(r"^\d+\. Test Case ID: ", text, flags=re.M)
            if len(blocks) == 1 and node.tag == "error":
                found.append({"operation": operation, "case": "", "code": "error", "title": "error",
                              "status": "", "detail": text.strip()[:300], "curl": ""})
                continue
            for block in blocks[1:]:
                case = block.split("\n", 1)[0].strip()
                status = re.search(r"^\[(\d{3})\]", block, re.M)
                detail = re.search(r'"detail":"((?:[^"\\]|\\.)*)"', block)
                curl = re.search(r"^\s+(curl .+)$", block, re.M)
                for code, title in re.findall(r"^- (ST\d{3}) (.+)$", block, re.M) or [("?", "?")]:
                    found.append({"operation": operation, "case": case, "code": code, "title": title.strip(),
                                  "status": status.group(1) if status else "",
                                  "detail": detail.group(1) if detail else "",
                                  "curl": curl.group(1) if curl else ""})
    return found


def group_failures(failures, examples=3):
    """Lines: per failure code, per answered status, the operations and a few examples."""
    lines = []
    by_code = collections.OrderedDict()
    for f in sorted(failures, key=lambda f: (f["code"], f["status"], f["operation"])):
        by_code.setdefault((f["code"], f["title"]), collections.OrderedDict()).setdefault(
            f["status"], collections.OrderedDict()).setdefault(f["operation"], []).append(f)
    for (code, title), by_status in by_code.items():
        ops = {op for per_op in by_status.values() for op in per_op}
        lines.append(f"  {code} {CHECKS.get(code, '')} — {title}: {len(ops)} operations")
        for status, per_op in by_status.items():
            lines.append(f"    answered {status or '?'} on {len(per_op)}: {', '.join(per_op)}")
            for op, items in list(per_op.items())[:examples]:
                f = items[0]
                lines.append(f"      e.g. {op}: {f['detail'][:160]!r}  [{f['curl'][:200]}]")
    return lines


def schemathesis(exe, base, caller, token, objects, args, timeout):
    """Runs one caller; returns (ok, summary text)."""
    out_dir = os.path.join(REPORT_DIR, caller)
    # No state kept between runs: Schemathesis's project cache (.schemathesis/, replayed
    # crashes and learned feedback) is off, and it runs inside the report directory so
    # nothing (.hypothesis/ either) lands in the work tree.
    config = os.path.join(out_dir, "schemathesis.toml")
    with open(config, "w") as f:
        f.write(schemathesis_config(objects))
    cmd = [exe, "--config-file", config, "run", base + "/openapi.json",
           "--checks", "all",
           "--phases", PHASES,
           "--seed", str(args.seed),
           "--max-examples", str(args.max_examples),
           "--continue-on-failure",
           "--workers", str(args.workers),
           "--request-timeout", str(REQUEST_TIMEOUT),
           "--generation-database", "none",
           "--report", "junit,json",
           "--report-junit-path", os.path.join(out_dir, "junit.xml"),
           "--report-json-path", os.path.join(out_dir, "report.json"),
           "--no-color"]
    if token:
        cmd += ["-H", f"Authorization: Bearer {token}"]
    shown = [c if not c.startswith("Authorization:") else "Authorization: Bearer $TOKEN" for c in cmd]
    log("$ " + shlex.join(shown))
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["NO_PROXY"] = "127.0.0.1,localhost"
    started = time.monotonic()
    try:
        result = subprocess.run(cmd, cwd=out_dir, env=env, capture_output=True, text=True, timeout=timeout)
        code, output = result.returncode, result.stdout + result.stderr
    except subprocess.TimeoutExpired as e:
        code = None
        output = ((e.stdout or b"").decode("utf-8", "replace") if isinstance(e.stdout, bytes) else (e.stdout or ""))
    took = time.monotonic() - started
    with open(os.path.join(out_dir, "schemathesis.txt"), "w") as f:
        f.write(output)
    # Schemathesis's own summary (phases, failure counts, warnings); the full text is in the file.
    start = output.rfind("=== SUMMARY")
    log((output[output.rfind("\n", 0, start) + 1:] if start >= 0 else output[-4000:]).rstrip())
    failures = failures_from_junit(os.path.join(out_dir, "junit.xml"))
    grouped = group_failures(failures)
    with open(os.path.join(out_dir, "failures.txt"), "w") as f:
        f.write("\n".join(group_failures(failures, examples=1000)) + "\n")
    if grouped:
        log(f"failures of {caller}, by check and answered status:")
        log("\n".join(grouped))
    operations = len({f["operation"] for f in failures})
    try:
        with open(os.path.join(out_dir, "report.json")) as f:
            errors = len(json.load(f).get("errors") or [])
    except (OSError, ValueError):
        errors = 0
    if errors:
        log(f"{errors} Schemathesis errors (not failures of a check): see {out_dir}/schemathesis.txt")
    if code is None:
        return False, f"timed out after {took:.0f} s ({len(failures)} failures on {operations} operations so far)"
    if code == 0:
        return True, f"passed in {took:.0f} s"
    checks_failed = sum(1 for f in failures if f["code"] != "error")
    return False, (f"exit {code}: {len(failures)} failures on {operations} operations"
                   f" ({checks_failed} of failed checks)"
                   f"{f', {errors} errors' if errors else ''}, {took:.0f} s")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "muhan"))
    parser.add_argument("--callers", default=",".join(CALLERS), help="comma-separated subset")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--max-examples", type=int, default=MAX_EXAMPLES)
    parser.add_argument("--workers", type=int, default=WORKERS)
    parser.add_argument("--budget", type=int, default=BUDGET, help="seconds for the whole step")
    parser.add_argument("--skip-spectral", action="store_true")
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    callers = [c for c in args.callers.split(",") if c]
    unknown = [c for c in callers if c not in CALLERS]
    if unknown:
        parser.error(f"unknown callers {unknown}; known: {', '.join(CALLERS)}")

    shutil.rmtree(REPORT_DIR, ignore_errors=True)
    os.makedirs(REPORT_DIR)
    try:
        if not args.skip_spectral:
            ensure_spectral()
        exe = ensure_schemathesis()
    except SetupError as e:
        log(f"FAIL: tools: {e}")
        log(f"0 passed, {len(callers)} failed")
        sys.exit(1)
    log(f"tools ready after {elapsed():.0f} s: schemathesis {SCHEMATHESIS}, "
        f"@stoplight/spectral-cli {SPECTRAL_CLI}, @stoplight/spectral-owasp-ruleset {OWASP_RULESET}")

    spectral_ok = True if args.skip_spectral else spectral()

    results = []
    for i, caller in enumerate(callers):
        # Each caller's hard limit: an even share of what is left of the budget.
        share = max(30, (args.budget - elapsed()) / (len(callers) - i))
        # A run whose only problem is an error inside Schemathesis itself (no check failed, e.g.
        # a crash of its Python code generator) is tried once more on a fresh server; the first
        # attempt's error stays in the summary.
        for attempt in (1, 2):
            log(f"\n=== schemathesis as {caller} (limit {share:.0f} s) ===")
            server = None
            try:
                server = Server(binary, caller)
                tokens, objects = seed(server.base)
                if i == 0:
                    with open(SPEC) as f:
                        if json.loads(call(server.base, "GET", "/openapi.json").raw) != json.load(f):
                            log("note: the served /openapi.json differs from openapi/openapi.json (Spectral "
                                "linted the file, Schemathesis tests the served one; regenerate the file)")
                ok, summary = schemathesis(exe, server.base, caller, tokens[caller], objects, args, share)
                if tokens[caller] and call(server.base, "GET", "/api/v1/me", token=tokens[caller]).status != 200:
                    summary += "; note: the caller's own token no longer works at the end of the run"
                if not server.alive():
                    ok, summary = False, summary + "; the server died (see server.log)"
            except (SetupError, OSError) as e:
                ok, summary = False, f"{e} (see {os.path.join(REPORT_DIR, caller, 'server.log')})"
            finally:
                if server:
                    server.stop()
            tool_error_only = not ok and "(0 of failed checks), " in summary and " errors, " in summary
            if not tool_error_only or attempt == 2:
                break
            log(f"note: {caller}: only Schemathesis errors, no failed check ({summary}); trying once more")
            first_error = summary
        if attempt == 2:
            summary += f" (second attempt; the first: {first_error})"
        results.append((caller, ok, summary))

    log("\n=== summary ===")
    if not args.skip_spectral:
        log(f"{'ok' if spectral_ok else 'FAIL'}: spectral (report {os.path.join(REPORT_DIR, 'spectral.json')})")
    for caller, ok, summary in results:
        log(f"{'ok' if ok else 'FAIL'}: schemathesis as {caller}: {summary} "
            f"(report {os.path.join(REPORT_DIR, caller)})")
    passed = sum(1 for _, ok, _ in results if ok)
    log(f"step took {elapsed():.0f} s")
    log(f"{passed} passed, {len(results) - passed} failed")
    sys.exit(0 if spectral_ok and passed == len(results) else 1)


if __name__ == "__main__":
    main()
