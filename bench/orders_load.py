#!/usr/bin/env python3
"""Order placement benchmark on PostgreSQL (issue #4): orders of 3 enterprises x 5 lines.

Builds a fresh database through the API (20 agencies in Daegu's districts with an active
buyer each, 30 verified enterprises with 20 approved products each, ample stock), then:
1. counts the SQL statements one order takes when it arrives alone (log_statement = all on
   the bench database, one order placed between two markers); under load, orders arriving
   together share the read and the write (a batch of n orders: n user checks + 2);
2. drives POST /api/v1/orders with wrk at several concurrencies; each request is placed by a
   random buyer, picks 3 random enterprises and 5 random products of each and a random
   delivery district, with a fresh Idempotency-Key.

    cargo build --release
    python3 bench/orders_load.py --pg-url postgres://postgres@127.0.0.1:5432/postgres

Needs `wrk` (Debian package). Prints wrk's summary and latency percentiles per run, and the
CPU time the server and PostgreSQL used per order; the database is dropped afterwards
(`--keep` keeps it). `--shape 1x1` orders one line instead of 3 x 5 (the fixed cost per
order); `--db-set session_replication_role=replica` and the like measure what a part costs.
Server settings come from the environment, e.g. MUHAN_ORDER_WRITERS=3.
"""
import argparse
import datetime
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADMIN = ("bench-admin@muhan.test", "bench-admin-password")
PG_LOG = "/var/log/postgresql/postgresql-15-main.log"


def psql(url, sql):
    return subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-qAtc", sql], check=True,
                          capture_output=True, text=True).stdout


def call(base, method, path, body=None, token=None, headers=None):
    req = urllib.request.Request(base + path, method=method,
                                 data=json.dumps(body).encode() if body is not None else None)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    with urllib.request.urlopen(req, timeout=30) as r:
        text = r.read()
        return json.loads(text) if text else None


def biz_no(seed):
    d = [int(c) for c in f"{100000000 + seed:09d}"]
    w = [1, 3, 7, 1, 3, 7, 1, 3, 5]
    s = sum(a * b for a, b in zip(d, w)) + d[8] * 5 // 10
    return "".join(map(str, d)) + str((10 - s % 10) % 10)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(binary, db_url, port, workdir, pool_size=8):
    # The database is on this machine: loopback needs no TLS (libpq would negotiate it by
    # default, costing CPU on both ends). Over a network use sslmode=require or stricter.
    env = dict(os.environ, DATABASE_URL=db_url + "?sslmode=disable", MUHAN_JWT_SECRET="bench-secret-0123456789abcdef0123456789",
               MUHAN_ADMIN_EMAIL=ADMIN[0], MUHAN_ADMIN_PASSWORD=ADMIN[1], MUHAN_LOG_LEVEL="warn",
               MUHAN_DATA_DIR=workdir, MUHAN_DB_POOL_SIZE=str(pool_size),
               MUHAN_LOGIN_MAX_FAILURES_PER_CLIENT="100000")
    env.pop("RUST_LOG", None)
    log = open(os.path.join(workdir, f"server-{port}.log"), "w")
    proc = subprocess.Popen([binary, "serve", "--bind", f"127.0.0.1:{port}"], env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/ready", timeout=2)
            return proc, base
        except OSError:
            time.sleep(0.2)
    sys.exit("server did not start")


def seed(base, enterprises, products_per, buyers):
    admin = call(base, "POST", "/api/v1/auth/login", {"email": ADMIN[0], "password": ADMIN[1]})["access_token"]
    districts = [d["code"] for d in call(base, "GET", "/api/v1/districts") if d["code"].startswith("27")]
    buyer_tokens = []
    for b in range(buyers):
        agency = call(base, "POST", "/api/v1/agencies", {"name": f"대구 공공기관 {b}", "kind": "local_government",
                                                        "district": districts[b % len(districts)]}, admin)
        email = f"buyer{b}@bench.test"
        buyer = call(base, "POST", "/api/v1/auth/signup/buyer", {"email": email, "password": "buyer-password-1",
                                                               "display_name": "구매", "agency_id": agency["id"]})
        call(base, "POST", f"/api/v1/admin/users/{buyer['user']['id']}/approve", {}, admin)
        buyer_tokens.append(call(base, "POST", "/api/v1/auth/login", {"email": email, "password": "buyer-password-1"})["access_token"])
    tree = call(base, "GET", "/api/v1/categories")
    leaves = []

    def walk(nodes):
        for n in nodes:
            if n["children"]:
                walk(n["children"])
            else:
                leaves.append(n["id"])
    walk(tree)
    kinds = ["social_enterprise", "cooperative", "village_enterprise", "social_cooperative", "self_sufficiency_enterprise"]
    catalog = []
    for i in range(enterprises):
        email = f"seller{i}@bench.test"
        signup = call(base, "POST", "/api/v1/auth/signup/enterprise", {
            "email": email, "password": "seller-password-1", "display_name": "대표",
            "enterprise": {"name": f"판매기업 {i}", "biz_reg_no": biz_no(1000 + i), "kind": kinds[i % len(kinds)],
                           "district": "27110", "representative": "대표", "phone": "053-000-0000", "address": "대구"}})
        call(base, "POST", f"/api/v1/enterprises/{signup['enterprise']['id']}/verify", {}, admin)
        token = call(base, "POST", "/api/v1/auth/login", {"email": email, "password": "seller-password-1"})["access_token"]
        ids = []
        for j in range(products_per):
            p = call(base, "POST", "/api/v1/products", {
                "category_id": random.choice(leaves), "name": f"상품 {i}-{j}", "description": "", "unit": "EA",
                "price_won": 1000 + j, "min_order_qty": 1, "stock": 1_000_000_000, "lead_time_days": 3}, token)
            call(base, "POST", f"/api/v1/products/{p['id']}/approve", {}, admin)
            ids.append(p["id"])
        catalog.append(ids)
    return buyer_tokens, districts, catalog


LUA = r'''
local tokens = %(tokens)s
local districts = %(districts)s
local ents = %(ents)s
local date = "%(date)s"
local counter = 0
local run = "%(run)s"
function init(args)
  math.randomseed(os.time())
end
local function pick(n, k, exclude)
  local chosen, seen = {}, {}
  for _, x in ipairs(exclude or {}) do seen[x] = true end
  while #chosen < k do
    local i = math.random(n)
    if not seen[i] then seen[i] = true; chosen[#chosen + 1] = i end
  end
  return chosen
end
function request()
  counter = counter + 1
  local lines = {}
  for _, e in ipairs(pick(#ents, %(enterprises_per_order)d)) do
    local ps = ents[e]
    for _, i in ipairs(pick(#ps, %(lines_per_enterprise)d)) do
      lines[#lines + 1] = string.format('{"product_id":%%d,"quantity":1}', ps[i])
    end
  end
  local body = '{"lines":[' .. table.concat(lines, ",") .. '],"delivery":{"address":"대구광역시","district":"' .. districts[math.random(#districts)] .. '","requested_date":"' .. date .. '"}}'
  return wrk.format("POST", "/api/v1/orders", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. tokens[math.random(#tokens)],
    ["Idempotency-Key"] = run .. "-" .. counter,
  }, body)
end
'''


def cpu_seconds():
    """CPU time (user + system) used so far per command name, over all processes."""
    ticks = os.sysconf("SC_CLK_TCK")
    totals = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        totals[name] = totals.get(name, 0) + (int(fields[11]) + int(fields[12])) / ticks
    return totals


def count_statements(db_url, base, token, catalog):
    dbname = db_url.rsplit("/", 1)[1]
    picks = random.sample(range(len(catalog)), 3)
    lines = [{"product_id": p, "quantity": 1} for e in picks for p in random.sample(catalog[e], 5)]
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    body = {"lines": lines, "delivery": {"address": "대구", "district": "27110", "requested_date": tomorrow}}
    start_marker, end_marker = f"muhan_count_start_{uuid.uuid4().hex}", f"muhan_count_end_{uuid.uuid4().hex}"
    psql(db_url, f"SELECT '{start_marker}'")
    call(base, "POST", "/api/v1/orders", body, token, {"Idempotency-Key": "count-" + uuid.uuid4().hex})
    psql(db_url, f"SELECT '{end_marker}'")
    time.sleep(0.5)
    log = open(PG_LOG, errors="replace").read()
    segment = log[log.find(start_marker):log.find(end_marker)]
    segment = segment[:segment.rfind("\n")]  # drop the end marker's own line
    statements = re.findall(r"LOG:  (?:execute [^:]*|statement): (.*)", segment)
    statements = [s for s in statements if start_marker not in s and end_marker not in s]
    return statements


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pg-url", required=True)
    ap.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "muhan"))
    ap.add_argument("--enterprises", type=int, default=30)
    ap.add_argument("--products", type=int, default=20)
    ap.add_argument("--buyers", type=int, default=20,
                    help="agencies, one buyer each; every order is placed by a random one")
    ap.add_argument("--duration", default="15s")
    ap.add_argument("--connections", default="8,16,32")
    ap.add_argument("--pool-size", type=int, default=8,
                    help="server connections to PostgreSQL (about 4 x the database's cores)")
    ap.add_argument("--db-set", action="append", default=[], metavar="NAME=VALUE",
                    help="a PostgreSQL setting for the bench database during the load runs, to "
                         "measure what a part costs (e.g. session_replication_role=replica)")
    ap.add_argument("--shape", default="3x5", help="enterprises x lines per enterprise of each order")
    ap.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    args = ap.parse_args()
    name = "muhan_orders_bench_" + uuid.uuid4().hex[:8]
    psql(args.pg_url, f"CREATE DATABASE {name}")
    db_url = args.pg_url.rsplit("/", 1)[0] + "/" + name
    workdir = tempfile.mkdtemp(prefix="muhan-orders-bench-")
    proc = None
    try:
        proc, base = start(args.binary, db_url, free_port(), workdir)
        tokens, districts, catalog = seed(base, args.enterprises, args.products, args.buyers)
        token = tokens[0]
        print(f"seeded {args.enterprises} enterprises x {args.products} products", flush=True)
        # Statement count: new connections pick up log_statement, so restart the server.
        proc.terminate(); proc.wait(timeout=20)
        psql(args.pg_url, f"ALTER DATABASE {name} SET log_statement = 'all'")
        proc, base = start(args.binary, db_url, free_port(), workdir)
        # Warm up: the pool, and the reference data the server caches (districts).
        warm_lines = [{"product_id": catalog[0][0], "quantity": 1}]
        tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
        call(base, "POST", "/api/v1/orders", {"lines": warm_lines, "delivery": {
            "address": "대구", "district": "27110", "requested_date": tomorrow}}, token,
            {"Idempotency-Key": "warm-" + uuid.uuid4().hex})
        try:
            statements = count_statements(db_url, base, token, catalog)
            print(f"SQL statements for one order (3 enterprises x 5 lines), incl. the per-request user check: {len(statements)}")
            for s in statements:
                print("   ", s[:110])
        except OSError as e:
            print(f"statement count skipped: {e}")
        proc.terminate(); proc.wait(timeout=20)
        psql(args.pg_url, f"ALTER DATABASE {name} RESET log_statement")
        for setting in args.db_set:
            key, value = setting.split("=", 1)
            psql(args.pg_url, f"ALTER DATABASE {name} SET {key} = '{value}'")
        proc, base = start(args.binary, db_url, free_port(), workdir, args.pool_size)
        tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
        ents = "{" + ",".join("{" + ",".join(map(str, ids)) + "}" for ids in catalog) + "}"
        for c in args.connections.split(","):
            script = os.path.join(workdir, f"orders-{c}.lua")
            open(script, "w").write(LUA % {"tokens": "{" + ",".join(f'"{t}"' for t in tokens) + "}",
                                          "districts": "{" + ",".join(f'"{d}"' for d in districts) + "}", "date": tomorrow, "ents": ents,
                                          "enterprises_per_order": int(args.shape.split("x")[0]),
                                          "lines_per_enterprise": int(args.shape.split("x")[1]), "run": uuid.uuid4().hex})
            print(f"\n=== wrk -t1 -c{c} -d{args.duration} (POST /api/v1/orders) ===", flush=True)
            before = cpu_seconds()
            wrk = subprocess.run(["wrk", "-t1", f"-c{c}", f"-d{args.duration}", "--latency", "-s", script, base],
                                 capture_output=True, text=True)
            after = cpu_seconds()
            print(wrk.stdout, end="")
            if wrk.returncode != 0:
                sys.exit("wrk failed: " + wrk.stderr)
            done = int(re.search(r"(\d+) requests in", wrk.stdout).group(1))
            # wrk is gone by the second reading: its share is what the machine used beyond the rest.
            used = {k: after.get(k, 0) - before.get(k, 0) for k in ("muhan", "postgres")}
            print("CPU per order: " + ", ".join(f"{k} {v * 1000 / done:.2f} ms" for k, v in used.items()), flush=True)
        orders = psql(db_url, "SELECT count(*) FROM orders").strip()
        print(f"\norders in the database: {orders}")
    finally:
        if proc:
            proc.terminate()
            proc.wait(timeout=20)
        if args.keep:
            print(f"kept database {name}")
        else:
            psql(args.pg_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


if __name__ == "__main__":
    main()
