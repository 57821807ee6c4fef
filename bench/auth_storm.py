#!/usr/bin/env python3
"""Signup and login storm: does password work stay bounded, and does the catalog keep answering?

Starts the server (loopback only, a fresh SQLite database in a temporary directory, or a
fresh PostgreSQL database with --pg-url), lists a few approved products, then:
1. idle: GET /api/v1/products one after another for --idle seconds (latency baseline);
2. storm: --clients threads (default 200) loop for --seconds over a mix of
   - buyer signups that succeed (one argon2id hash each),
   - buyer signups for an unknown agency (422: refused before any hash),
   - logins with the right password (one check each),
   - logins with a wrong password for unknown addresses (one check against the dummy hash),
   while the catalog reader keeps going.
The server's resident memory is sampled every 50 ms (/proc/PID/status) and its peak read
from VmHWM. Prints the answers by status, RSS idle/peak, and the catalog's p50/p99 idle vs
storm with their ratios. Only the standard library; every request has a 30 s timeout.

    cargo build            # or --release, then --binary target/release/muhan
    python3 bench/auth_storm.py [--binary target/debug/muhan] [--clients 200] [--seconds 20]

Server settings come from the environment (e.g. MUHAN_PASSWORD_HASH_CONCURRENCY=1).
"""
import argparse
import collections
import json
import multiprocessing
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADMIN = ("storm-admin@muhan.test", "storm-admin-password")
PASSWORD = "storm-password-1"


def call(base, method, path, body=None, token=None):
    """(status, parsed body or None, headers); never raises for HTTP error statuses."""
    req = urllib.request.Request(base + path, method=method,
                                 data=json.dumps(body).encode() if body is not None else None)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            text = r.read()
            return r.status, (json.loads(text) if text else None), r.headers
    except urllib.error.HTTPError as e:
        text = e.read()
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            parsed = None
        return e.code, parsed, e.headers
    except (urllib.error.URLError, OSError) as e:
        return f"error:{type(e).__name__}", None, {}


def must(result, status):
    if result[0] != status:
        sys.exit(f"setup step answered {result[0]}: {result[1]}")
    return result[1]


def biz_no(seed):
    d = [int(c) for c in f"{100000000 + seed:09d}"]
    w = [1, 3, 7, 1, 3, 7, 1, 3, 5]
    s = sum(a * b for a, b in zip(d, w)) + d[8] * 5 // 10
    return "".join(map(str, d)) + str((10 - s % 10) % 10)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kib(pid, field="VmRSS"):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def percentile(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def setup(base, accounts_wanted):
    admin = must(call(base, "POST", "/api/v1/auth/login",
                      {"email": ADMIN[0], "password": ADMIN[1]}), 200)["access_token"]
    agency = must(call(base, "POST", "/api/v1/agencies",
                       {"name": "대구광역시청", "kind": "local_government", "district": "27110"},
                       admin), 201)["id"]
    tree = must(call(base, "GET", "/api/v1/categories"), 200)

    def find(nodes, code):
        for n in nodes:
            if n["code"] == code:
                return n["id"]
            found = find(n["children"], code)
            if found:
                return found
        return None

    category = find(tree, "50201706")
    owner = "owner@storm.test"
    created = must(call(base, "POST", "/api/v1/auth/signup/enterprise", {
        "email": owner, "password": PASSWORD, "display_name": "대표",
        "enterprise": {"name": "무한상사", "biz_reg_no": biz_no(1), "kind": "cooperative",
                       "district": "27110", "representative": "홍길동",
                       "phone": "053-000-0000", "address": "대구광역시"}}), 201)
    must(call(base, "POST", f"/api/v1/enterprises/{created['enterprise']['id']}/verify", {},
              admin), 200)
    seller = must(call(base, "POST", "/api/v1/auth/login",
                       {"email": owner, "password": PASSWORD}), 200)["access_token"]
    for i in range(20):
        product = must(call(base, "POST", "/api/v1/products", {
            "category_id": category, "name": f"유기농 커피 {i}", "description": "원두",
            "unit": "EA", "price_won": 10000 + i, "min_order_qty": 1, "stock": 100,
            "lead_time_days": 3}, seller), 201)
        must(call(base, "POST", f"/api/v1/products/{product['id']}/approve", {}, admin), 200)
    # Accounts to log in with (each login with the right password is one check).
    accounts = []
    for i in range(accounts_wanted):
        email = f"member{i}@storm.test"
        must(call(base, "POST", "/api/v1/auth/signup/buyer", {
            "email": email, "password": PASSWORD, "display_name": "구매담당",
            "agency_id": agency}), 201)
        accounts.append(email)
    return agency, accounts


def catalog_reader(base, stop, results):
    """Runs in its own process, so that the storm's threads do not delay it (the GIL)."""
    latencies, statuses = [], collections.Counter()
    while not stop.is_set():
        started = time.perf_counter()
        status, _, _ = call(base, "GET", "/api/v1/products?limit=20")
        latencies.append((time.perf_counter() - started) * 1000)
        statuses[status] += 1
        time.sleep(0.02)
    results.put((latencies, dict(statuses)))


def read_catalog_while(base, work):
    """Reads the catalog in another process while `work()` runs; (latencies ms, statuses)."""
    stop, results = multiprocessing.Event(), multiprocessing.Queue()
    reader = multiprocessing.Process(target=catalog_reader, args=(base, stop, results))
    reader.start()
    try:
        work()
    finally:
        stop.set()
    measured = results.get(timeout=60)
    reader.join(timeout=10)
    return measured


KINDS = ["signup", "signup_refused", "login", "login_wrong"]


def storm_client(base, stop, agency, accounts, answers, lock, kinds):
    rng = random.Random()
    while not stop.is_set():
        kind = rng.choice(kinds)
        if kind == "signup":
            body = {"email": f"s-{uuid.uuid4().hex}@storm.test", "password": PASSWORD,
                    "display_name": "구매담당", "agency_id": agency}
            status, _, headers = call(base, "POST", "/api/v1/auth/signup/buyer", body)
        elif kind == "signup_refused":
            body = {"email": f"r-{uuid.uuid4().hex}@storm.test", "password": PASSWORD,
                    "display_name": "구매담당", "agency_id": 999999}
            status, _, headers = call(base, "POST", "/api/v1/auth/signup/buyer", body)
        elif kind == "login":
            body = {"email": rng.choice(accounts), "password": PASSWORD}
            status, _, headers = call(base, "POST", "/api/v1/auth/login", body)
        else:
            body = {"email": f"w-{uuid.uuid4().hex}@storm.test", "password": "wrong-password-1"}
            status, _, headers = call(base, "POST", "/api/v1/auth/login", body)
        if status == 503 and not headers.get("Retry-After"):
            status = "503 without Retry-After"
        with lock:
            answers[(kind, status)] += 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", default=os.path.join(ROOT, "target", "debug", "muhan"))
    ap.add_argument("--pg-url", help="PostgreSQL server URL (a fresh database is created)")
    ap.add_argument("--clients", type=int, default=200)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--idle", type=float, default=5)
    ap.add_argument("--accounts", type=int, default=100,
                    help="accounts the right-password logins spread over (more than the "
                         "per-e-mail limit in flight for one account gets 429)")
    ap.add_argument("--mix", default=",".join(KINDS),
                    help="comma-separated request kinds of the storm, from " + ",".join(KINDS))
    args = ap.parse_args()
    kinds = args.mix.split(",")
    if not set(kinds) <= set(KINDS):
        sys.exit(f"--mix: kinds are {KINDS}")
    if not (1 <= args.clients <= 1000 and 0 < args.seconds <= 300 and 0 < args.idle <= 60
            and 1 <= args.accounts <= 1000):
        sys.exit("keep it bounded: 1-1000 clients and accounts, at most 300 s of storm, 60 s idle")

    workdir = tempfile.mkdtemp(prefix="muhan-storm-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    pg_db = None
    db_url = f"sqlite://{workdir}/muhan.db"
    if args.pg_url:
        pg_db = f"muhan_storm_{uuid.uuid4().hex[:12]}"
        subprocess.run(["psql", args.pg_url, "-qAtc", f"CREATE DATABASE {pg_db}"], check=True)
        db_url = args.pg_url.rsplit("/", 1)[0] + f"/{pg_db}?sslmode=disable"
    env = dict(os.environ, DATABASE_URL=db_url, MUHAN_BIND=f"127.0.0.1:{port}",
               MUHAN_JWT_SECRET="storm-secret-0123456789abcdef0123456789",
               MUHAN_ADMIN_EMAIL=ADMIN[0], MUHAN_ADMIN_PASSWORD=ADMIN[1],
               MUHAN_LOG_LEVEL="error", MUHAN_DATA_DIR=workdir,
               # Every client is 127.0.0.1: the per-client limit would otherwise stop the storm.
               MUHAN_LOGIN_MAX_FAILURES_PER_CLIENT="100000000")
    env.pop("RUST_LOG", None)
    log = open(os.path.join(workdir, "server.log"), "w")
    server = subprocess.Popen([args.binary, "serve"], env=env, stdout=log, stderr=log)
    try:
        for _ in range(300):
            if call(base, "GET", "/health")[0] == 200:
                break
            if server.poll() is not None:
                sys.exit(f"server exited: see {workdir}/server.log")
            time.sleep(0.1)
        agency, accounts = setup(base, args.accounts)
        pid = server.pid

        idle_lat, idle_status = read_catalog_while(base, lambda: time.sleep(args.idle))
        rss_idle = rss_kib(pid)
        hwm_before = rss_kib(pid, "VmHWM")

        stop = threading.Event()
        answers, lock = collections.Counter(), threading.Lock()
        samples, threads_seen = [], []

        def storm():
            threads = [threading.Thread(target=storm_client,
                                        args=(base, stop, agency, accounts, answers, lock, kinds))
                       for _ in range(args.clients)]
            for t in threads:
                t.start()
            deadline = time.time() + args.seconds
            while time.time() < deadline:
                samples.append(rss_kib(pid))
                threads_seen.append(rss_kib(pid, "Threads"))
                time.sleep(0.05)
            stop.set()
            for t in threads:
                t.join(timeout=40)

        storm_lat, storm_status = read_catalog_while(base, storm)
        hwm = rss_kib(pid, "VmHWM")

        mib = 1024
        print(f"binary: {args.binary}  database: {'PostgreSQL' if pg_db else 'SQLite'}  "
              f"clients: {args.clients}  storm: {args.seconds:.0f} s")
        print("answers during the storm (kind, status: count):")
        for (kind, status), n in sorted(answers.items(), key=lambda kv: (kv[0][0], str(kv[0][1]))):
            print(f"  {kind:15} {status!s:24} {n}")
        total = sum(answers.values())
        print(f"  total {total} ({total / args.seconds:.0f}/s)")
        print(f"RSS idle {rss_idle / mib:.1f} MiB; during the storm peak sample "
              f"{max(samples) / mib:.1f} MiB, VmHWM {hwm / mib:.1f} MiB "
              f"(before the storm {hwm_before / mib:.1f} MiB); server threads at most "
              f"{max(threads_seen)}")
        i50, i99 = percentile(idle_lat, 50), percentile(idle_lat, 99)
        s50, s99 = percentile(storm_lat, 50), percentile(storm_lat, 99)
        print(f"catalog GET /api/v1/products: idle n={len(idle_lat)} p50 {i50:.1f} ms p99 {i99:.1f} ms "
              f"{dict(idle_status)}")
        print(f"                              storm n={len(storm_lat)} p50 {s50:.1f} ms p99 {s99:.1f} ms "
              f"{dict(storm_status)}")
        print(f"ratios storm/idle: p50 x{s50 / i50:.1f}, p99 x{s99 / i99:.1f}; "
              f"RSS peak/idle x{hwm / max(rss_idle, 1):.2f}")
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        if pg_db:
            subprocess.run(["psql", args.pg_url, "-qAtc", f"DROP DATABASE IF EXISTS {pg_db}"])
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
