#!/usr/bin/env python3
"""Sales statistics benchmark on PostgreSQL (issue #12): yearly reports over 1M order lines.

Seeds a fresh database with `muhan seed bench` (timed; 100,000 products and 1,000,000 order
lines by default) and runs VACUUM ANALYZE (what autovacuum does on a production server),
starts the release binary on it, then for each year times sequential
GET /api/v1/stats/sales?from=Y-01-01&to=Y-12-31&group_by=month|enterprise as the admin, as a
buyer (its agency's orders) and as an enterprise user (its enterprise's fulfillments), and
the admin's reports at a few concurrencies. A baseline measured in the same run
(GET /api/v1/me: the bearer check and one read) gives every figure also as a ratio to it,
since this machine's speed varies between days. Finally it captures the report's SQL as the
server sent it (log_statement = all on the bench database) and prints EXPLAIN (ANALYZE,
BUFFERS) of each statement with the planner's defaults and with hash and merge joins off.

    cargo build --release
    python3 bench/stats_load.py --pg-url postgres://postgres@127.0.0.1:5432/postgres

The database is dropped afterwards (`--keep` keeps it; `--db NAME` reuses a database seeded
before, skipping the seeding). Accounts are the seed's: admin@demo.muhan.kr, buyer01@…,
seller0001@… (see README, "Demo data").
"""
import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ACCOUNTS = {
    "admin": ("admin@demo.muhan.kr", "demo-admin-2017"),
    "buyer": ("buyer01@demo.muhan.kr", "demo-buyer-2017"),
    "enterprise": ("seller0001@demo.muhan.kr", "demo-seller-2017"),
}
PG_LOG = "/var/log/postgresql/postgresql-15-main.log"


def psql(url, sql):
    return subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-qAtc", sql], check=True,
                          capture_output=True, text=True).stdout


def call(base, method, path, body=None, token=None):
    req = urllib.request.Request(base + path, method=method,
                                 data=json.dumps(body).encode() if body is not None else None)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=60) as r:
        text = r.read()
        return json.loads(text) if text else None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(db_url, workdir):
    env = dict(os.environ, DATABASE_URL=db_url + "?sslmode=disable",
               MUHAN_JWT_SECRET="bench-secret-0123456789abcdef0123456789", MUHAN_LOG_LEVEL="warn",
               MUHAN_DATA_DIR=workdir, MUHAN_LOGIN_MAX_FAILURES_PER_CLIENT="100000")
    env.pop("RUST_LOG", None)
    return env


def start(binary, db_url, workdir):
    port = free_port()
    log = open(os.path.join(workdir, f"server-{port}.log"), "w")
    proc = subprocess.Popen([binary, "serve", "--bind", f"127.0.0.1:{port}"], env=server_env(db_url, workdir),
                            stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/ready", timeout=2)
            return proc, base
        except OSError:
            time.sleep(0.2)
    sys.exit("server did not start")


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def timed(base, path, token):
    t = time.perf_counter()
    call(base, "GET", path, token=token)
    return (time.perf_counter() - t) * 1000


def sequential(base, path, token, n):
    return [timed(base, path, token) for _ in range(n)]


def concurrent(base, paths, token, clients, per_client):
    """`clients` threads, each timing `per_client` requests cycling through `paths`."""
    out, lock = [], threading.Lock()

    def work(k):
        mine = [timed(base, paths[(k + i) % len(paths)], token) for i in range(per_client)]
        with lock:
            out.extend(mine)
    threads = [threading.Thread(target=work, args=(k,)) for k in range(clients)]
    t = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return out, time.perf_counter() - t


def report_path(year, group_by):
    return f"/api/v1/stats/sales?from={year}-01-01&to={year}-12-31&group_by={group_by}"


def capture_sql(db_url, base, token, paths):
    """The statements one report of each path sends, with their parameters substituted."""
    captured = {}
    for path in paths:
        start_marker, end_marker = f"muhan_sql_start_{uuid.uuid4().hex}", f"muhan_sql_end_{uuid.uuid4().hex}"
        psql(db_url, f"SELECT '{start_marker}'")
        call(base, "GET", path, token=token)
        psql(db_url, f"SELECT '{end_marker}'")
        time.sleep(0.5)
        log = open(PG_LOG, errors="replace").read()
        segment = log[log.find(start_marker):log.find(end_marker)]
        found = []
        for m in re.finditer(r"LOG:  (?:execute [^:]*|statement): (.*?)\n(?:[^\n]*DETAIL:  parameters: (.*?)\n)?",
                             segment):
            sql, params = m.group(1), m.group(2)
            if "COUNT(" not in sql or "muhan_sql" in sql:
                continue
            values = dict(re.findall(r"(\$\d+) = ('(?:[^']|'')*')", params or ""))
            for k in sorted(values, key=lambda k: -int(k[1:])):
                sql = sql.replace(k, values[k])
            found.append(sql)
        captured[path] = found
    return captured


def explain(db_url, sql, planner):
    sets = "".join(f"SET LOCAL {s}; " for s in planner)
    return psql(db_url, f"BEGIN; {sets}EXPLAIN (ANALYZE, BUFFERS) {sql}; ROLLBACK")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pg-url", required=True)
    ap.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "muhan"))
    ap.add_argument("--db", help="reuse this database (seeded by `muhan seed bench` before)")
    ap.add_argument("--products", type=int, default=100_000)
    ap.add_argument("--order-lines", type=int, default=1_000_000)
    ap.add_argument("--years", help="comma-separated; default the last four full years and this one")
    ap.add_argument("--requests", type=int, default=40, help="sequential requests per report and caller")
    ap.add_argument("--concurrency", default="2,4", help="clients for the admin's concurrent runs ('' for none)")
    ap.add_argument("--no-explain", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    args = ap.parse_args()
    name = args.db or "muhan_stats_bench_" + uuid.uuid4().hex[:8]
    db_url = args.pg_url.rsplit("/", 1)[0] + "/" + name
    workdir = tempfile.mkdtemp(prefix="muhan-stats-bench-")
    proc = None
    try:
        if not args.db:
            psql(args.pg_url, f"CREATE DATABASE {name}")
            env = server_env(db_url, workdir)
            t = time.time()
            out = subprocess.run([args.binary, "seed", "bench", "--products", str(args.products),
                                  "--order-lines", str(args.order_lines)], env=env, check=True,
                                 capture_output=True, text=True)
            print(out.stdout.strip())
            print(f"seed bench took {time.time() - t:.1f} s (wall, including start-up and migrations)", flush=True)
            # The steady state autovacuum keeps on a production server (it is off on the
            # development VM): planner statistics and a visibility map for index-only scans.
            t = time.time()
            psql(db_url, "VACUUM ANALYZE")
            print(f"VACUUM ANALYZE took {time.time() - t:.1f} s", flush=True)
        counts = psql(db_url, "SELECT (SELECT count(*) FROM orders), (SELECT count(*) FROM fulfillments), "
                              "(SELECT count(*) FROM order_lines), (SELECT count(*) FROM enterprises), "
                              "(SELECT count(*) FROM agencies), (SELECT count(*) FROM products)").strip().split("|")
        print("rows: orders {}, fulfillments {}, order lines {}, enterprises {}, agencies {}, products {}".format(*counts))
        per_year = psql(db_url, "SELECT extract(year FROM o.created_at)::int, count(DISTINCT o.id), count(*) "
                                "FROM orders o JOIN fulfillments f ON f.order_id = o.id "
                                "JOIN order_lines l ON l.fulfillment_id = f.id GROUP BY 1 ORDER BY 1")
        print("per year (orders, order lines): " + "; ".join(
            "{}: {}, {}".format(*r.split("|")) for r in per_year.split()))
        all_years = [int(r.split("|")[0]) for r in per_year.split()]
        years = [int(y) for y in args.years.split(",")] if args.years else all_years[-5:]

        psql(args.pg_url, f"ALTER DATABASE {name} SET log_statement = 'all'")
        proc, base = start(args.binary, db_url, workdir)
        tokens = {k: call(base, "POST", "/api/v1/auth/login", {"email": e, "password": p})["access_token"]
                  for k, (e, p) in ACCOUNTS.items()}
        captured = {}
        if not args.no_explain:
            try:
                captured = capture_sql(db_url, base, tokens["admin"],
                                       [report_path(years[-2] if len(years) > 1 else years[0], g)
                                        for g in ("month", "enterprise")])
            except OSError as e:
                print(f"SQL capture skipped: {e}")
        proc.terminate(); proc.wait(timeout=20)
        psql(args.pg_url, f"ALTER DATABASE {name} RESET log_statement")
        proc, base = start(args.binary, db_url, workdir)
        me = call(base, "GET", "/api/v1/me", token=tokens["enterprise"])
        buyer = call(base, "GET", "/api/v1/me", token=tokens["buyer"])
        print(f"buyer scope: agency {buyer.get('agency_id')}; enterprise scope: enterprise {me.get('enterprise_id')}")

        # Warm up: the pool's connections, their prepared statements and the page cache.
        for y in years:
            for g in ("month", "enterprise"):
                for who in tokens:
                    call(base, "GET", report_path(y, g), token=tokens[who])
        sequential(base, "/api/v1/me", tokens["admin"], 20)

        baseline = sequential(base, "/api/v1/me", tokens["admin"], max(args.requests * 2, 100))
        base_p50, base_p95 = pct(baseline, 50), pct(baseline, 95)
        head = f"{'request':44} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'p50/base':>9} {'p95/base':>9}"
        print("\n" + head)

        def row(label, xs):
            print(f"{label:44} {len(xs):4d} {pct(xs, 50):8.1f} {pct(xs, 95):8.1f} {max(xs):8.1f} "
                  f"{pct(xs, 50) / base_p50:9.1f} {pct(xs, 95) / base_p95:9.1f}", flush=True)
        row("baseline GET /api/v1/me (admin)", baseline)
        overall = {}
        for who in ("admin", "buyer", "enterprise"):
            for g in ("month", "enterprise"):
                for y in years:
                    xs = sequential(base, report_path(y, g), tokens[who], args.requests)
                    overall.setdefault((who, g), []).extend(xs)
                    row(f"{who} {y} group_by={g}", xs)
                row(f"{who} all years group_by={g}", overall[(who, g)])
        again = sequential(base, "/api/v1/me", tokens["admin"], max(args.requests * 2, 100))
        row("baseline again, after the reports", again)
        for c in filter(None, args.concurrency.split(",")):
            c = int(c)
            for g in ("month", "enterprise"):
                xs, wall = concurrent(base, [report_path(y, g) for y in years], tokens["admin"], c, args.requests)
                row(f"admin {c} clients group_by={g} ({len(xs) / wall:.0f}/s)", xs)

        for path, statements in captured.items():
            print(f"\n=== {path}: {len(statements)} statements ===")
            for sql in statements:
                print("\n--- " + sql)
                for label, planner in (("planner defaults", []),
                                       ("hash and merge joins off", ["enable_hashjoin = off", "enable_mergejoin = off"])):
                    plan = explain(db_url, sql, planner)
                    print(f"\n[{label}]\n{plan}")
    finally:
        if proc:
            proc.terminate()
            proc.wait(timeout=20)
        if args.keep or args.db:
            print(f"kept database {name}")
        else:
            psql(args.pg_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


if __name__ == "__main__":
    main()
