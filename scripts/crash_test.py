#!/usr/bin/env python3
"""Crash durability of orders: SIGKILL the server under an order load, restart, audit.

For each backend (SQLite always, PostgreSQL with --pg-url: a fresh database, dropped at the
end) the script builds a small marketplace through the HTTP API (admin, agency, an approved
buyer, three verified enterprises of different kinds, six approved products with known stock,
one of them scarce so that it sells out), then three times (killing at different moments):

1. several threads place orders (POST /api/v1/orders, 1-3 lines over products of different
   enterprises, a fresh Idempotency-Key each, the key also sent as the order's `note`), and
   the server is killed with SIGKILL while requests are in flight;
2. the server is restarted on the same database, and
   - every order acknowledged with 201 exists (GET /api/v1/orders/{id} as the buyer) with the
     same order_no, total and lines;
   - replaying acknowledged keys answers the stored 201 with the same body (the idempotency
     store is durable), and re-sending the requests left unanswered by the kill places each
     at most once (201, a replay or a fresh placement, or 409 insufficient_stock), and those
     already written before the kill answer with that same order;
   - in the admin's full order list (paged): every order comes from a request we sent, no
     key made two orders, no request answered with an error made one; per order
     total_won = sum of fulfillment subtotal_won, subtotal_won = sum of line_total_won,
     line_total_won = unit_price_won * quantity;
   - per product: current stock + units sold (over all existing orders, excluding
     cancelled/rejected fulfillments) = initial stock.

Loopback only; every request has a timeout, the whole run is bounded (alarm), and every child
process is killed and the temporary data removed at exit.

    python3 scripts/crash_test.py --binary target/release/muhan \
        [--pg-url postgres://postgres@127.0.0.1:5432/postgres]

Prints `ok: ...` per check and ends with `N passed, N failed` (exit status 1 on failure).
"""
import argparse
import datetime
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid

from harness import Fatal, Tally, biz_no, free_port, http, parsed

ADMIN = ("crash-admin@muhan.test", "crash-admin-password")
PASSWORD = "crash-user-password-1"
SECRET = "crash-test-secret-0123456789abcdef0123456789"
TIME_LIMIT_S = 175          # the whole run, both backends
REQUEST_TIMEOUT_S = 15      # every HTTP request
LOAD_THREADS = 6
KILL_AFTER_S = (1.0, 1.5, 2.0)  # one load round per entry, on each backend (+ up to 0.25 s)
SCARCE_STOCK = 60           # one product sells out during the load
STOCK = 100_000

tally = Tally()
check, require = tally.check, tally.require
children = []               # every Popen we started, killed at exit


def call(base, method, path, body=None, token=None, headers=None, timeout=REQUEST_TIMEOUT_S):
    """One request; returns (status, parsed body or raw bytes, raw bytes). Raises OSError on
    connection failures and timeouts."""
    status, _, raw = http(base, method, path, body, token, headers, timeout)
    return status, parsed(raw), raw

def expect(base, method, path, body=None, token=None, status=200, what=None, quiet=False):
    """A request that must answer `status`; counted as a check unless quiet (then only a
    failure is reported)."""
    got, parsed, raw = call(base, method, path, body, token)
    what = what or f"{method} {path} -> {status}"
    if quiet and got == status:
        return parsed
    require(got == status, what, f"got {got}: {raw[:300]!r}")
    return parsed


def code_of(response):
    return response.get("code") if isinstance(response, dict) else None


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=30, **kw)


class Server:
    """The muhan binary on one database; start() may be called again after kill()."""

    def __init__(self, binary, db_url, workdir):
        self.binary, self.db_url, self.workdir = binary, db_url, workdir
        self.proc, self.base, self.starts = None, None, 0

    def start(self):
        self.starts += 1
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("MUHAN_") and k != "DATABASE_URL"}
        env.pop("RUST_LOG", None)
        env.update({"DATABASE_URL": self.db_url, "MUHAN_BIND": f"127.0.0.1:{port}",
                    "MUHAN_DATA_DIR": self.workdir, "MUHAN_JWT_SECRET": SECRET,
                    "MUHAN_ADMIN_EMAIL": ADMIN[0], "MUHAN_ADMIN_PASSWORD": ADMIN[1],
                    "MUHAN_LOG_LEVEL": "warn"})
        self.log = os.path.join(self.workdir, f"server-{self.starts}.log")
        with open(self.log, "w") as log:
            self.proc = subprocess.Popen([self.binary, "serve"], env=env, cwd=self.workdir,
                                         stdout=log, stderr=subprocess.STDOUT)
        children.append(self.proc)
        self.base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                if call(self.base, "GET", "/ready", timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        with open(self.log) as f:
            print(f.read()[-3000:])
        raise Fatal(f"server start #{self.starts} ({self.db_url.split(':')[0]}) did not become ready")

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


def leaf_categories(tree):
    leaves = []

    def walk(nodes):
        for n in nodes:
            if n.get("children"):
                walk(n["children"])
            else:
                leaves.append(n["id"])
    walk(tree)
    return leaves


def login(base, email, password):
    return expect(base, "POST", "/api/v1/auth/login", {"email": email, "password": password},
                  what=f"{email} logs in")["access_token"]


def set_up(base, tag):
    """Admin, agency, approved buyer, 3 verified enterprises, 6 approved products."""
    admin = login(base, *ADMIN)
    agency = expect(base, "POST", "/api/v1/agencies",
                    {"name": f"대구광역시 중구청 {tag}", "kind": "local_government", "district": "27110"},
                    admin, 201, "admin creates an agency")
    buyer_email = f"buyer-{tag}@crash.test"
    signup = expect(base, "POST", "/api/v1/auth/signup/buyer",
                    {"email": buyer_email, "password": PASSWORD, "display_name": "구매담당",
                     "agency_id": agency["id"]}, status=201, what="buyer signs up")
    expect(base, "POST", f"/api/v1/admin/users/{signup['user']['id']}/approve", {}, admin,
           what="admin approves the buyer")
    buyer = login(base, buyer_email, PASSWORD)
    leaves = leaf_categories(expect(base, "GET", "/api/v1/categories", what="categories tree"))
    require(len(leaves) >= 3, "the category tree has leaves")

    kinds = ["social_enterprise", "cooperative", "village_enterprise"]
    enterprises, errors = [None] * len(kinds), []

    def enterprise(i):     # in threads: password hashing is the slow part of set-up
        try:
            email = f"seller{i}-{tag}@crash.test"
            s = expect(base, "POST", "/api/v1/auth/signup/enterprise", {
                "email": email, "password": PASSWORD, "display_name": "대표",
                "enterprise": {"name": f"충돌시험 기업 {i} {tag}", "biz_reg_no": biz_no(random.randrange(10**8)),
                               "kind": kinds[i], "district": "27140", "representative": "홍길동",
                               "phone": "053-000-0000", "address": "대구광역시 동구"}},
                status=201, what=f"enterprise {i} ({kinds[i]}) signs up")
            expect(base, "POST", f"/api/v1/enterprises/{s['enterprise']['id']}/verify", {}, admin,
                   what=f"admin verifies enterprise {i}")
            if s["user"].get("status") == "pending":
                expect(base, "POST", f"/api/v1/admin/users/{s['user']['id']}/approve", {}, admin,
                       what=f"admin approves enterprise user {i}")
            enterprises[i] = (s["enterprise"]["id"], login(base, email, PASSWORD))
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)
    threads = [threading.Thread(target=enterprise, args=(i,)) for i in range(len(kinds))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    require(not errors and all(enterprises), "three enterprises are set up", repr(errors))

    products = {}     # id -> {enterprise, price, min_qty, stock}
    for i, (ent_id, token) in enumerate(enterprises):
        for j in range(2):
            stock = SCARCE_STOCK if (i, j) == (0, 0) else STOCK
            min_qty = [1, 2, 3][(i + j) % 3]
            price = 1000 + 700 * i + 130 * j
            p = expect(base, "POST", "/api/v1/products", {
                "category_id": leaves[(i * 2 + j) % len(leaves)], "name": f"시험 상품 {i}-{j}",
                "description": "충돌 시험용", "unit": "EA", "price_won": price, "min_order_qty": min_qty,
                "stock": stock, "lead_time_days": 3}, token, 201, f"enterprise {i} creates product {j}")
            expect(base, "POST", f"/api/v1/products/{p['id']}/approve", {}, admin,
                   what=f"admin approves product {i}-{j} (id {p['id']}, stock {stock}, min_order_qty {min_qty})")
            products[p["id"]] = {"enterprise": ent_id, "price": price, "min_qty": min_qty, "stock": stock}
    return admin, buyer, products


class Ledger:
    """Every order request we sent: key -> {body, status, response}; status None = unknown."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests = {}

    def add(self, key, body):
        with self.lock:
            self.requests[key] = {"body": body, "status": None, "response": None}

    def answer(self, key, status, response):
        with self.lock:
            self.requests[key].update(status=status, response=response)

    def with_status(self, pred):
        with self.lock:
            return {k: v for k, v in self.requests.items() if pred(v["status"])}


def order_body(products, key, rng):
    by_enterprise = {}
    for pid, p in products.items():
        by_enterprise.setdefault(p["enterprise"], []).append(pid)
    chosen = rng.sample(sorted(by_enterprise), rng.randint(1, min(3, len(by_enterprise))))
    lines = []
    for ent in chosen:
        pid = rng.choice(by_enterprise[ent])
        lines.append({"product_id": pid, "quantity": products[pid]["min_qty"] + rng.randint(0, 2)})
    date = (datetime.date.today() + datetime.timedelta(days=7)).isoformat()
    return {"lines": lines, "note": key,
            "delivery": {"address": "대구광역시 중구 공평로 88", "district": "27110", "requested_date": date}}


def place(base, buyer, ledger, key, body):
    """POST the order; record the answer in the ledger (or leave it unknown)."""
    try:
        status, parsed, _ = call(base, "POST", "/api/v1/orders", body, buyer, {"Idempotency-Key": key})
    except OSError:
        return None
    ledger.answer(key, status, parsed)
    return status


def load_round(server, buyer, products, ledger, kill_after, label):
    """Order load from several threads; SIGKILL the server after kill_after seconds."""
    stop = threading.Event()
    in_flight = [0]
    lock = threading.Lock()
    base = server.base

    def worker(n):
        rng = random.Random(f"{label}-{n}")
        while not stop.is_set():
            key = f"crash-{label}-{n}-{uuid.uuid4().hex[:12]}"
            body = order_body(products, key, rng)
            ledger.add(key, body)
            with lock:
                in_flight[0] += 1
            try:
                if place(base, buyer, ledger, key, body) is None:
                    return          # the server is gone
            finally:
                with lock:
                    in_flight[0] -= 1

    before = len(ledger.with_status(lambda s: s == 201))
    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(LOAD_THREADS)]
    for t in threads:
        t.start()
    time.sleep(kill_after)
    with lock:
        flying = in_flight[0]
    server.kill()
    stop.set()
    for t in threads:
        t.join(timeout=REQUEST_TIMEOUT_S + 5)
    acked = len(ledger.with_status(lambda s: s == 201)) - before
    print(f"   {label}: SIGKILL after {kill_after} s, {acked} orders acknowledged in this round, "
          f"{flying} requests in flight at the kill", flush=True)
    check(acked > 0, f"{label}: orders were acknowledged before the kill")
    check(flying > 0, f"{label}: requests were in flight at the kill")
    odd = {k: v["status"] for k, v in ledger.with_status(lambda s: s not in (None, 201, 409)).items()}
    odd409 = {k: v["response"] for k, v in ledger.with_status(lambda s: s == 409).items()
              if code_of(v["response"]) != "insufficient_stock"}
    check(not odd and not odd409, f"{label}: every answer before the kill was 201 or 409 insufficient_stock",
          f"other answers: {dict(list(odd.items())[:5])} {dict(list(odd409.items())[:5])}")


def all_orders(base, admin):
    orders, cursor, pages = [], None, 0
    while pages < 1000:
        path = "/api/v1/orders?limit=100" + (f"&cursor={urllib.parse.quote(cursor)}" if cursor else "")
        page = expect(base, "GET", path, token=admin, quiet=True)
        orders.extend(page["items"])
        cursor, pages = page.get("next_cursor"), pages + 1
        if not cursor:
            break
    return orders


def lines_of(order):
    return sorted((ln["product_id"], ln["quantity"], ln["line_total_won"])
                  for f in order["fulfillments"] for ln in f["lines"])


def audit(server, admin, buyer, products, ledger, label):
    base = server.base
    # Requests the kill left unanswered: the same key and body again. Each was placed at most
    # once, before the kill (-> the stored answer is replayed) or now.
    unknown = ledger.with_status(lambda s: s is None)
    existing = {o.get("note"): o["id"] for o in all_orders(base, admin)}
    committed = {k: existing[k] for k in unknown if k in existing}
    print(f"   {label}: {len(committed)} of the {len(unknown)} unanswered requests had been written "
          f"before the kill", flush=True)
    for key, req in unknown.items():
        status = None
        for _ in range(10):   # an `idempotency_key_in_use` left behind by the crash must clear
            status = place(base, buyer, ledger, key, req["body"])
            if status != 409 or code_of(ledger.requests[key]["response"]) != "idempotency_key_in_use":
                break
            time.sleep(0.3)
    resent = {k: ledger.requests[k] for k in unknown}
    bad = {k: (v["status"], v["response"]) for k, v in resent.items()
           if not (v["status"] == 201 or (v["status"] == 409 and code_of(v["response"]) == "insufficient_stock"))}
    check(not bad, f"{label}: the {len(unknown)} requests left unanswered, re-sent with their keys, "
                   f"answer 201 or 409 insufficient_stock", f"{dict(list(bad.items())[:3])}")
    not_replayed = {k: (oid, resent[k]["status"], code_of(resent[k]["response"]) or resent[k]["response"].get("id"))
                    for k, oid in committed.items()
                    if resent[k]["status"] != 201 or resent[k]["response"].get("id") != oid}
    check(not not_replayed, f"{label}: those written before the kill answer their stored order ({len(committed)})",
          f"key: (written order id, status, code or id now): {dict(list(not_replayed.items())[:3])}")

    acked = ledger.with_status(lambda s: s == 201)
    # Acknowledged orders exist, as the buyer sees them.
    missing, different = [], []
    for key, req in acked.items():
        ack = req["response"]
        status, got, _ = call(base, "GET", f"/api/v1/orders/{ack['id']}", token=buyer)
        if status != 200:
            missing.append((ack["id"], status))
        elif (got["order_no"], got["total_won"], lines_of(got)) != (ack["order_no"], ack["total_won"], lines_of(ack)):
            different.append((ack["id"], ack["total_won"], got["total_won"]))
    check(not missing, f"{label}: all {len(acked)} acknowledged orders exist after the restart", f"missing: {missing[:5]}")
    check(not different, f"{label}: they have the same order_no, total and lines", f"{different[:5]}")

    # Replays of acknowledged keys answer the stored 201.
    sample = random.sample(sorted(acked), min(30, len(acked)))
    replay_bad = []
    for key in sample:
        req = acked[key]
        status, got, _ = call(base, "POST", "/api/v1/orders", req["body"], buyer, {"Idempotency-Key": key})
        if status != 201 or got != req["response"]:
            replay_bad.append((key, status, got if status != 201 else "different body"))
    check(not replay_bad, f"{label}: {len(sample)} acknowledged keys replay their stored 201 body", f"{replay_bad[:3]}")

    # The admin's full list against the ledger and the stock.
    orders = all_orders(base, admin)
    by_key = {}
    for o in orders:
        by_key.setdefault(o.get("note"), []).append(o)
    ids = [o["id"] for o in orders]
    check(len(ids) == len(set(ids)), f"{label}: the order list has no duplicate ids ({len(ids)} orders)")
    strangers = [o["id"] for o in orders if o.get("note") not in ledger.requests]
    check(not strangers, f"{label}: every order comes from a request we sent", f"unknown orders: {strangers[:5]}")
    twice = {k: [o["id"] for o in v] for k, v in by_key.items() if len(v) > 1}
    check(not twice, f"{label}: no idempotency key made two orders", f"{dict(list(twice.items())[:3])}")
    refused = [k for k, v in ledger.requests.items() if v["status"] not in (None, 201) and k in by_key]
    check(not refused, f"{label}: no request answered with an error made an order", f"{refused[:5]}")
    acked_ids = {v["response"]["id"] for v in acked.values()}
    check(acked_ids <= set(ids), f"{label}: the admin's list holds every acknowledged order")
    check(set(ids) == acked_ids,
          f"{label}: every existing order was acknowledged (now that unanswered requests were re-sent)",
          f"unacknowledged orders: {sorted(set(ids) - acked_ids)[:5]}")

    sums_bad, sold = [], {pid: 0 for pid in products}
    for o in orders:
        subtotals = 0
        for f in o["fulfillments"]:
            line_sum = sum(ln["line_total_won"] for ln in f["lines"])
            if f["subtotal_won"] != line_sum or any(ln["line_total_won"] != ln["unit_price_won"] * ln["quantity"] for ln in f["lines"]):
                sums_bad.append((o["id"], f["id"], f["subtotal_won"], line_sum))
            subtotals += f["subtotal_won"]
            if f["status"] not in ("cancelled", "rejected"):
                for ln in f["lines"]:
                    sold[ln["product_id"]] = sold.get(ln["product_id"], 0) + ln["quantity"]
        if o["total_won"] != subtotals:
            sums_bad.append((o["id"], "total", o["total_won"], subtotals))
    check(not sums_bad, f"{label}: per order total_won = Σ subtotal_won = Σ line_total_won", f"{sums_bad[:5]}")

    stock_bad = []
    for pid, p in products.items():
        now = expect(base, "GET", f"/api/v1/products/{pid}", token=admin, quiet=True)["stock"]
        if now + sold[pid] != p["stock"]:
            stock_bad.append(f"product {pid}: stock {now} + sold {sold[pid]} != initial {p['stock']}")
    check(not stock_bad, f"{label}: per product stock + units sold = initial stock "
                         f"({', '.join(f'{pid}: {sold[pid]} sold' for pid in products)})", "; ".join(stock_bad))
    scarce = [pid for pid, p in products.items() if p["stock"] == SCARCE_STOCK]
    return scarce and sold[scarce[0]] == SCARCE_STOCK


def backend(binary, name, db_url, workdir):
    print(f"== {name}", flush=True)
    server = Server(binary, db_url, workdir)
    try:
        t0 = time.monotonic()
        server.start()
        admin, buyer, products = set_up(server.base, uuid.uuid4().hex[:8])
        print(f"   set-up took {time.monotonic() - t0:.1f} s", flush=True)
        ledger = Ledger()
        sold_out = False
        for n, kill_after in enumerate(KILL_AFTER_S, 1):
            label = f"{name} round {n}"
            load_round(server, buyer, products, ledger, round(kill_after + random.uniform(0, 0.25), 2), label)
            server.start()
            check(True, f"{label}: the server restarts on the same database after SIGKILL")
            sold_out = audit(server, admin, buyer, products, ledger, label) or sold_out
        print(f"   the scarce product {'sold out' if sold_out else 'did not sell out'}", flush=True)
    finally:
        server.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True)
    parser.add_argument("--pg-url", help="a PostgreSQL server to create (and drop) a database on")
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)

    def out_of_time(*_):
        raise Fatal(f"the run exceeded {TIME_LIMIT_S} s")
    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(TIME_LIMIT_S)

    workdirs, pg_db = [], None
    try:
        wd = tempfile.mkdtemp(prefix="muhan-crash-sqlite-")
        workdirs.append(wd)
        backend(binary, "sqlite", f"sqlite://{wd}/muhan.db", wd)
        if args.pg_url:
            url = urllib.parse.urlsplit(args.pg_url)
            require(url.hostname in ("127.0.0.1", "localhost", "::1"), "the PostgreSQL server is on loopback")
            pg_db = "muhan_crash_" + uuid.uuid4().hex[:12]
            r = run(["psql", args.pg_url, "-v", "ON_ERROR_STOP=1", "-qc", f"CREATE DATABASE {pg_db}"])
            require(r.returncode == 0, f"database {pg_db} created", r.stderr)
            db_url = urllib.parse.urlunsplit(url._replace(path="/" + pg_db))
            wd = tempfile.mkdtemp(prefix="muhan-crash-pg-")
            workdirs.append(wd)
            backend(binary, "postgres", db_url, wd)
    except Fatal as e:
        check(False, f"stopped: {e}")
    except Exception as e:  # noqa: BLE001 - any crash of the script is a failure, still cleaned up
        check(False, f"the test script crashed: {type(e).__name__}: {e}")
        import traceback
        traceback.print_exc()
    finally:
        signal.alarm(0)
        for p in children:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=10)
        if pg_db:
            run(["psql", args.pg_url, "-qc", f"DROP DATABASE IF EXISTS {pg_db} WITH (FORCE)"])
        if tally.failed:
            for wd in workdirs:
                print(f"   (server logs kept in {wd})")
        else:
            for wd in workdirs:
                shutil.rmtree(wd, ignore_errors=True)
    print(tally.summary())
    sys.exit(1 if tally.failed else 0)


if __name__ == "__main__":
    main()
