#!/usr/bin/env python3
"""Database loss: while PostgreSQL is down the server answers 503 in bounded time, then recovers.

Starts a private PostgreSQL 15 instance (initdb into a temporary directory, a free loopback
port, its own socket directory; run as the `postgres` OS user when this script runs as
root) — the shared server on 5432 is not touched. Starts the muhan binary on it, sets up an
admin, an agency, an approved buyer, a verified enterprise and an approved product, and runs a
light load from a few threads: public catalog reads (GET /api/v1/products, /products/{id},
/enterprises), authenticated reads (GET /api/v1/me, /api/v1/orders) and order POSTs, while two
probes poll GET /health and GET /ready. Then, once with `pg_ctl stop -m immediate` and once
with `-m fast`, it stops the database under that load and proves:

- no request hangs: every request answers within 5 s (client timeout 6 s, measured;
  `--max-latency S` changes the bound);
- no request answers 500 (or any 5xx but 503), before, during or after the outage;
- while the database is down, requests that need it answer 503 `application/problem+json`
  with `code: service_unavailable` (order POSTs always; reads and public routes 503 unless
  served without the database); GET /ready answers 503, GET /health stays 200;
- after `pg_ctl start` the SAME server process (no restart) recovers within 10 s:
  /ready 200, an order is placed, catalog and authenticated reads work; 10 s after the
  database came back a burst of 40 concurrent requests (more than the pool's connections)
  all succeed, as does every request of the load from then on.

Prints the timings (max latency while down, time to recover) per stop mode. Everything is
bounded (alarm, request timeouts, subprocess timeouts) and cleaned up in `finally` (the
private PostgreSQL stopped, the server killed, the temporary directory removed).

    python3 scripts/db_loss_test.py --binary target/release/muhan

Prints `ok: ...` per check and ends with `N passed, N failed` (exit status 1 on failure).
"""
import argparse
import datetime
import os
import pwd
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid

from harness import Fatal, Tally, biz_no, free_port, http, parsed

PG_BIN = "/usr/lib/postgresql/15/bin"
ADMIN = ("dbloss-admin@muhan.test", "dbloss-admin-password")
PASSWORD = "dbloss-user-password-1"
SECRET = "dbloss-test-secret-0123456789abcdef0123456789"
TIME_LIMIT_S = 170
CLIENT_TIMEOUT_S = 6        # a request still unanswered after this is a hang
MAX_LATENCY_S = 5.0         # every request must answer within this, even with the db down (--max-latency)
DOWN_S = 12                 # how long the database stays down per mode
RECOVER_WITHIN_S = 10
BURST = 40                  # concurrent requests, more than the server's pool (16 connections)

tally = Tally()
check, require = tally.check, tally.require
last_db_up = []             # when the database last came back (monotonic), once it has


def call(base, method, path, body=None, token=None, headers=None, timeout=CLIENT_TIMEOUT_S):
    """One request -> (status, content type, parsed body). Raises OSError on connection
    failures and timeouts."""
    status, response_headers, raw = http(base, method, path, body, token, headers, timeout)
    return status, response_headers.get("Content-Type", ""), parsed(raw)

def expect(base, method, path, body=None, token=None, status=200, what=None):
    got, _, parsed = call(base, method, path, body, token, timeout=20)
    require(got == status, what or f"{method} {path} -> {status}", f"got {got}: {str(parsed)[:300]}")
    return parsed


def is_unavailable(status, ctype, body):
    return (status == 503 and ctype.startswith("application/problem+json")
            and isinstance(body, dict) and body.get("code") == "service_unavailable")


class PrivatePg:
    """A throw-away PostgreSQL 15 cluster on a free loopback port."""

    def __init__(self):
        owner, self.prefix = None, []
        if os.geteuid() == 0:       # PostgreSQL refuses to run as root
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                raise Fatal("running as root but there is no `postgres` OS user to run PostgreSQL as")
            self.prefix = ["runuser", "-u", "postgres", "--"]
        self.dir = tempfile.mkdtemp(prefix="muhan-dbloss-")
        if owner:
            os.chown(self.dir, owner.pw_uid, owner.pw_gid)
        self.data, self.log = os.path.join(self.dir, "pgdata"), os.path.join(self.dir, "postgres.log")
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args, timeout=60):
        r = subprocess.run(self.prefix + list(args), cwd=self.dir, capture_output=True, text=True, timeout=timeout)
        return r.returncode == 0, (r.stdout + r.stderr).strip()

    def init(self):
        return self._run(f"{PG_BIN}/initdb", "-D", self.data, "-U", "postgres", "--auth=trust",
                         "-E", "UTF8", "--no-locale", "--no-sync")

    def start(self):
        opts = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        return self._run(f"{PG_BIN}/pg_ctl", "-D", self.data, "-o", opts, "-l", self.log, "-w", "-t", "30", "start")

    def stop(self, mode):
        return self._run(f"{PG_BIN}/pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", "30", "stop")

    def cleanup(self):
        if os.path.exists(os.path.join(self.data, "postmaster.pid")):
            ok, _ = self.stop("immediate")
            if not ok:                  # our own postmaster, by the pid it wrote
                try:
                    with open(os.path.join(self.data, "postmaster.pid")) as f:
                        os.kill(int(f.readline()), signal.SIGKILL)
                except (OSError, ValueError):
                    pass
        shutil.rmtree(self.dir, ignore_errors=True)


def start_server(binary, db_url, workdir):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MUHAN_") and k != "DATABASE_URL"}
    env.pop("RUST_LOG", None)
    env.update({"DATABASE_URL": db_url, "MUHAN_BIND": f"127.0.0.1:{port}", "MUHAN_DATA_DIR": workdir,
                "MUHAN_JWT_SECRET": SECRET, "MUHAN_ADMIN_EMAIL": ADMIN[0], "MUHAN_ADMIN_PASSWORD": ADMIN[1],
                "MUHAN_LOG_LEVEL": "warn"})
    log = os.path.join(workdir, "server.log")
    with open(log, "w") as f:
        proc = subprocess.Popen([binary, "serve"], env=env, cwd=workdir, stdout=f, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if call(base, "GET", "/ready", timeout=2)[0] == 200:
                return proc, base, log
        except OSError:
            pass
        time.sleep(0.1)
    with open(log) as f:
        print(f.read()[-3000:])
    proc.kill()
    raise Fatal("the server did not become ready")


def leaf_category(tree):
    node = tree[0]
    while node.get("children"):
        node = node["children"][0]
    return node["id"]


def set_up(base):
    tag = uuid.uuid4().hex[:8]
    admin = expect(base, "POST", "/api/v1/auth/login", {"email": ADMIN[0], "password": ADMIN[1]},
                   what="admin logs in")["access_token"]
    agency = expect(base, "POST", "/api/v1/agencies", {"name": f"대구광역시 수성구청 {tag}",
                    "kind": "local_government", "district": "27260"}, admin, 201, "admin creates an agency")
    signup = expect(base, "POST", "/api/v1/auth/signup/buyer", {"email": f"buyer-{tag}@dbloss.test",
                    "password": PASSWORD, "display_name": "구매담당", "agency_id": agency["id"]},
                    status=201, what="buyer signs up")
    expect(base, "POST", f"/api/v1/admin/users/{signup['user']['id']}/approve", {}, admin,
           what="admin approves the buyer")
    buyer = expect(base, "POST", "/api/v1/auth/login", {"email": f"buyer-{tag}@dbloss.test", "password": PASSWORD},
                   what="buyer logs in")["access_token"]
    s = expect(base, "POST", "/api/v1/auth/signup/enterprise", {
        "email": f"seller-{tag}@dbloss.test", "password": PASSWORD, "display_name": "대표",
        "enterprise": {"name": f"장애시험 협동조합 {tag}", "biz_reg_no": biz_no(random.randrange(10**8)),
                       "kind": "social_cooperative", "district": "27260", "representative": "홍길동",
                       "phone": "053-000-0000", "address": "대구광역시 수성구"}},
        status=201, what="enterprise signs up")
    expect(base, "POST", f"/api/v1/enterprises/{s['enterprise']['id']}/verify", {}, admin,
           what="admin verifies the enterprise")
    if s["user"].get("status") == "pending":
        expect(base, "POST", f"/api/v1/admin/users/{s['user']['id']}/approve", {}, admin,
               what="admin approves the enterprise user")
    seller = expect(base, "POST", "/api/v1/auth/login", {"email": f"seller-{tag}@dbloss.test", "password": PASSWORD},
                    what="enterprise user logs in")["access_token"]
    category = leaf_category(expect(base, "GET", "/api/v1/categories", what="categories tree"))
    product = expect(base, "POST", "/api/v1/products", {
        "category_id": category, "name": "장애시험 두부", "description": "", "unit": "모", "price_won": 2500,
        "min_order_qty": 1, "stock": 1_000_000, "lead_time_days": 2}, seller, 201, "enterprise creates a product")
    expect(base, "POST", f"/api/v1/products/{product['id']}/approve", {}, admin, what="admin approves the product")
    public = ["/api/v1/districts", "/api/v1/categories", "/api/v1/products", f"/api/v1/products/{product['id']}",
              "/api/v1/enterprises", f"/api/v1/enterprises/{s['enterprise']['id']}", "/api/v1/agencies",
              f"/api/v1/agencies/{agency['id']}"]
    refused = [(path, got[0]) for path in public for got in [call(base, "GET", path)] if got[0] != 200]
    check(not refused, "the public reads of the contract answer 200 without a token", f"refused: {refused}")
    return buyer, product["id"]


def order_body(product_id):
    date = (datetime.date.today() + datetime.timedelta(days=7)).isoformat()
    return {"lines": [{"product_id": product_id, "quantity": 1}],
            "delivery": {"address": "대구광역시 수성구 무학로 227", "district": "27260", "requested_date": date}}


class Load:
    """One thread per request kind (so every kind is always in flight) and two probes
    (/health, /ready); every request is recorded as (kind, started, ended, status, content
    type, body), status None for a client-side error (timeout, connection lost)."""

    def __init__(self, base, buyer, product_id):
        self.base, self.buyer, self.product_id = base, buyer, product_id
        self.records, self.lock, self.stop = [], threading.Lock(), threading.Event()
        self.kinds = {
            "GET /products": ("GET", "/api/v1/products?limit=5", None, None),
            "GET /products/{id}": ("GET", f"/api/v1/products/{product_id}", None, None),
            "GET /enterprises": ("GET", "/api/v1/enterprises?limit=5", None, None),
            "GET /me": ("GET", "/api/v1/me", None, buyer),
            "GET /orders": ("GET", "/api/v1/orders?limit=5", None, buyer),
            "POST /orders": ("POST", "/api/v1/orders", order_body(product_id), buyer),
        }
        self.threads = [threading.Thread(target=self.worker, args=(kind,), daemon=True) for kind in self.kinds]
        self.threads += [threading.Thread(target=self.probe, args=(p,), daemon=True) for p in ("/health", "/ready")]

    def one(self, kind, method, path, body=None, token=None):
        headers = {"Idempotency-Key": "dbloss-" + uuid.uuid4().hex} if method == "POST" else None
        t0 = time.monotonic()
        try:
            status, ctype, parsed = call(self.base, method, path, body, token, headers)
        except OSError as e:
            status, ctype, parsed = None, "", f"{type(e).__name__}: {e}"
        rec = (kind, t0, time.monotonic(), status, ctype, parsed)
        with self.lock:
            self.records.append(rec)
        return rec

    def worker(self, kind):
        while not self.stop.is_set():
            self.one(kind, *self.kinds[kind])
            time.sleep(0.02)

    def probe(self, path):
        while not self.stop.is_set():
            self.one(f"GET {path}", "GET", path)
            time.sleep(0.25)

    def burst(self, n):
        """n requests at once, cycling through the kinds; returns their records."""
        names, out = sorted(self.kinds), [None] * n

        def go(i):
            out[i] = self.one(names[i % len(names)], *self.kinds[names[i % len(names)]])
        threads = [threading.Thread(target=go, args=(i,), daemon=True) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=CLIENT_TIMEOUT_S + 2)
        return [r for r in out if r]

    def start(self):
        for t in self.threads:
            t.start()

    def finish(self):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=CLIENT_TIMEOUT_S + 2)

    def between(self, t_from, t_to):
        """The requests started in [t_from, t_to)."""
        with self.lock:
            return [r for r in self.records if t_from <= r[1] < t_to]

    def within(self, t_from, t_to):
        """The requests started and answered in [t_from, t_to]."""
        with self.lock:
            return [r for r in self.records if t_from <= r[1] and r[2] <= t_to]


def failures_since(records, t0):
    """The unsuccessful ones, with when they started relative to t0."""
    return "; ".join(f"{r[0]} {r[3]} {r[5].get('code') if isinstance(r[5], dict) else r[5]} "
                     f"at +{r[1] - t0:.2f} s" for r in records if r[3] not in (200, 201))


def summarise(records):
    counts = {}
    for kind, _, _, status, _, body in records:
        code = body.get("code") if isinstance(body, dict) and status and status >= 400 else None
        key = f"{status}" + (f" {code}" if code else "")
        counts.setdefault(kind, {}).setdefault(key, 0)
        counts[kind][key] += 1
    return "; ".join(f"{k}: " + ", ".join(f"{s}×{n}" for s, n in sorted(v.items())) for k, v in sorted(counts.items()))


def recover(base, buyer, product_id, t_up):
    """Poll until /ready, an order, a catalog read and /me all succeed; seconds since t_up."""
    steps = [("GET /ready", "GET", "/ready", None, None, 200),
             ("POST /orders", "POST", "/api/v1/orders", order_body(product_id), buyer, 201),
             ("GET /products", "GET", "/api/v1/products?limit=5", None, None, 200),
             ("GET /me", "GET", "/api/v1/me", None, buyer, 200)]
    done, last = {}, {}
    while time.monotonic() - t_up < RECOVER_WITHIN_S + 10 and len(done) < len(steps):
        for name, method, path, body, token, want in steps:
            if name in done:
                continue
            headers = {"Idempotency-Key": "dbloss-recover-" + uuid.uuid4().hex} if method == "POST" else None
            try:
                status = call(base, method, path, body, token, headers)[0]
            except OSError as e:
                status = f"{type(e).__name__}"
            last[name] = status
            if status == want:
                done[name] = time.monotonic() - t_up
            else:
                break           # in order: /ready first
        time.sleep(0.1)
    return done, last


def outage(pg, proc, base, buyer, product_id, mode):
    print(f"== pg_ctl stop -m {mode} under load", flush=True)
    load = Load(base, buyer, product_id)
    load.start()
    time.sleep(1.5)
    t_stop = time.monotonic()
    ok, out = pg.stop(mode)
    t_down = time.monotonic()
    require(ok, f"{mode}: the private PostgreSQL stopped ({t_down - t_stop:.2f} s)", out)
    time.sleep(DOWN_S)
    t_start = time.monotonic()
    ok, out = pg.start()
    t_up = time.monotonic()
    require(ok, f"{mode}: the private PostgreSQL started again ({t_up - t_start:.2f} s)", out)
    done, last = recover(base, buyer, product_id, t_up)
    recovered = max(done.values()) if len(done) == 4 else None
    t_recovered = t_up + (recovered or 0)
    # RECOVER_WITHIN_S after the database is back: a burst of more concurrent requests than
    # the pool has connections, so that every pooled connection is used, then more load.
    time.sleep(max(0.0, t_up + RECOVER_WITHIN_S - time.monotonic()))
    t_burst = time.monotonic()
    burst = load.burst(BURST)
    time.sleep(1.5)
    load.finish()
    t_end = time.monotonic()

    before = load.within(0, t_stop)            # started and answered before the stop began
    around = load.between(t_stop, t_down)
    down = load.within(t_down, t_start)        # started and answered while the db was down
    all_recs = load.between(0, t_end + 100)
    print(f"   before the stop: {summarise(before)}", flush=True)
    print(f"   while stopping:  {summarise(around)}", flush=True)
    print(f"   while down:      {summarise(down)}", flush=True)
    waits = sorted(r[2] - r[1] for r in down if r[0] not in ("GET /health", "GET /ready"))
    if waits:
        print(f"   latency of the API requests while down: min {waits[0]:.3f} s, "
              f"median {waits[len(waits) // 2]:.3f} s, max {waits[-1]:.3f} s", flush=True)

    check(before and all(r[3] in (200, 201) for r in before), f"{mode}: before the stop every request succeeds",
          summarise([r for r in before if r[3] not in (200, 201)]) +
          (f" ({failures_since(before, last_db_up[0])} after the database last came back)" if last_db_up else ""))
    hung = [r for r in all_recs if r[3] is None]
    check(not hung, f"{mode}: no request hung or lost its connection (client timeout {CLIENT_TIMEOUT_S} s)",
          "; ".join(f"{r[0]} after {r[2] - r[1]:.2f} s: {r[5]}" for r in hung[:5]))
    slow = [r for r in all_recs if r[2] - r[1] > MAX_LATENCY_S]
    max_down = max((r[2] - r[1] for r in down), default=0)
    max_all = max((r[2] - r[1] for r in all_recs), default=0)
    check(not slow, f"{mode}: every request answered within {MAX_LATENCY_S} s "
                    f"(max {max_all:.2f} s overall, {max_down:.2f} s while down)",
          "; ".join(f"{r[0]} {r[3]} in {r[2] - r[1]:.2f} s" for r in slow[:5]))
    errors = [r for r in all_recs if r[3] is not None and r[3] >= 500 and r[3] != 503]
    check(not errors, f"{mode}: no request answered 500 (or any 5xx but 503)",
          "; ".join(f"{r[0]} {r[3]} {str(r[5])[:200]}" for r in errors[:5]))
    bad503 = [r for r in all_recs if r[3] == 503 and not is_unavailable(r[3], r[4], r[5])]
    check(not bad503, f"{mode}: every 503 is application/problem+json with code service_unavailable",
          "; ".join(f"{r[0]} {r[4]} {str(r[5])[:200]}" for r in bad503[:5]))

    api_down = [r for r in down if r[0] not in ("GET /health", "GET /ready")]
    missing = set(load.kinds) - {r[0] for r in api_down}
    check(not missing, f"{mode}: every kind of request was made while the database was down "
                       f"({len(api_down)} requests)", f"none of {sorted(missing)}")
    odd = [r for r in api_down if not (is_unavailable(*r[3:]) or r[3] == 200)]
    check(not odd, f"{mode}: while down, every API request answers 503 service_unavailable (or 200 without the db)",
          summarise(odd))
    orders_down = [r for r in api_down if r[0] == "POST /orders"]
    check(orders_down and all(is_unavailable(*r[3:]) for r in orders_down),
          f"{mode}: while down, order POSTs answer 503 service_unavailable ({len(orders_down)})", summarise(orders_down))
    for kind in ("GET /products", "GET /products/{id}", "GET /enterprises", "GET /me", "GET /orders"):
        got = [r for r in api_down if r[0] == kind]
        served = sum(1 for r in got if r[3] == 200)
        if got and served:
            print(f"   note: {kind} answered 200 {served} of {len(got)} times while the database was down", flush=True)
    ready_down = [r for r in down if r[0] == "GET /ready"]
    check(ready_down and all(is_unavailable(*r[3:]) for r in ready_down),
          f"{mode}: while down, GET /ready answers 503 service_unavailable ({len(ready_down)} probes)",
          summarise(ready_down))
    health = [r for r in all_recs if r[0] == "GET /health"]
    check(health and all(r[3] == 200 for r in health),
          f"{mode}: GET /health stays 200 throughout ({len(health)} probes, max "
          f"{max((r[2] - r[1] for r in health), default=0):.2f} s)", summarise([r for r in health if r[3] != 200]))

    check(proc.poll() is None, f"{mode}: the same server process (pid {proc.pid}) is still running")
    check(recovered is not None and recovered <= RECOVER_WITHIN_S,
          f"{mode}: recovered without a restart in {recovered if recovered is None else round(recovered, 2)} s "
          f"after pg_ctl start returned (≤ {RECOVER_WITHIN_S} s; /ready {done.get('GET /ready', 0):.2f} s, "
          f"first order {done.get('POST /orders', 0):.2f} s)", f"done: {done}, last answers: {last}")
    window = [r for r in load.between(t_recovered, t_burst) if r[3] not in (200, 201)]
    if window:
        print(f"   note: between the recovery and {RECOVER_WITHIN_S} s after the database came back, "
              f"{len(window)} requests failed: {failures_since(window, t_up)}", flush=True)
    check(burst and all(r[3] in (200, 201) for r in burst),
          f"{mode}: {RECOVER_WITHIN_S} s after the database came back, a burst of {len(burst)} concurrent "
          f"requests all succeed (no dead pooled connection left)", failures_since(burst, t_up))
    after = load.between(t_burst, t_end)
    check(recovered is not None and after and all(r[3] in (200, 201) for r in after),
          f"{mode}: every request from then on succeeds ({len(after)})", failures_since(after, t_up))
    last_db_up[:] = [t_up]
    return {"mode": mode, "max_latency_down_s": round(max_down, 2), "recovered_s": recovered and round(recovered, 2),
            "recovered_since_start_cmd_s": recovered and round(recovered + t_up - t_start, 2)}


def main():
    global MAX_LATENCY_S
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True)
    parser.add_argument("--max-latency", type=float, default=MAX_LATENCY_S,
                        help=f"seconds every request must answer within (default {MAX_LATENCY_S})")
    args = parser.parse_args()
    MAX_LATENCY_S = args.max_latency
    binary = os.path.abspath(args.binary)

    def out_of_time(*_):
        raise Fatal(f"the run exceeded {TIME_LIMIT_S} s")
    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(TIME_LIMIT_S)

    pg, proc, workdir, timings = None, None, tempfile.mkdtemp(prefix="muhan-dbloss-server-"), []
    try:
        pg = PrivatePg()
        ok, out = pg.init()
        require(ok, f"initdb of a private cluster in {pg.dir}", out)
        ok, out = pg.start()
        require(ok, f"the private PostgreSQL listens on 127.0.0.1:{pg.port}", out)
        proc, base, _ = start_server(binary, pg.url, workdir)
        check(True, "the server is ready on the private PostgreSQL")
        buyer, product_id = set_up(base)
        for mode in ("immediate", "fast"):
            timings.append(outage(pg, proc, base, buyer, product_id, mode))
        for t in timings:
            print(f"   timings, -m {t['mode']}: max latency while down {t['max_latency_down_s']} s, "
                  f"recovered {t['recovered_s']} s after pg_ctl start returned "
                  f"({t['recovered_since_start_cmd_s']} s after it was run)", flush=True)
    except Fatal as e:
        check(False, f"stopped: {e}")
    except Exception as e:  # noqa: BLE001 - any crash of the script is a failure, still cleaned up
        check(False, f"the test script crashed: {type(e).__name__}: {e}")
        import traceback
        traceback.print_exc()
    finally:
        signal.alarm(0)
        if proc and proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        if pg:
            pg.cleanup()
        if tally.failed:
            print(f"   (server log kept in {workdir})")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(tally.summary())
    sys.exit(1 if tally.failed else 0)


if __name__ == "__main__":
    main()
