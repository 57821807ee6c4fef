#!/usr/bin/env python3
"""Catalog search benchmark on PostgreSQL: 100,000 products, Korean queries with filters.

Seeds a fresh database directly (COPY; search columns computed exactly as the server does:
width-folded lower-case text, 초성 of the name, character uni- and bigrams), starts the
release binary on it, then times GET /api/v1/products with a mix of queries and filters.

    cargo build --release
    python3 bench/catalog_search.py --pg-url postgres://postgres@127.0.0.1:5432/postgres

Prints p50/p95/p99 latency per query kind and overall. The database is dropped afterwards.
"""
import argparse
import io
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHOSUNG = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"


def normalize(s):
    out = []
    for c in s:
        o = ord(c)
        if 0xFF01 <= o <= 0xFF5E:
            c = chr(o - 0xFEE0)
        elif o == 0x3000:
            c = " "
        out.append(c)
    return " ".join("".join(out).lower().split())


def chosung(s):
    out = []
    for c in normalize(s):
        o = ord(c)
        if 0xAC00 <= o <= 0xD7A3:
            out.append(CHOSUNG[(o - 0xAC00) // 588])
        elif c.isalnum():
            out.append(c)
    return "".join(out)


def grams(text):
    result = set()
    word = []
    for c in normalize(text) + " ":
        if c.isalnum():
            word.append(c)
            continue
        for i, ch in enumerate(word):
            result.add(ch)
            if i + 1 < len(word):
                result.add(ch + word[i + 1])
        word = []
    return result


def copy_escape(v):
    return str(v).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


ADJ = ["유기농", "친환경", "국내산", "수제", "프리미엄", "대용량", "무농약", "전통", "저염", "공정무역"]
NOUNS = ["커피", "원두", "녹차", "홍차", "김치", "배추김치", "깍두기", "된장", "고추장", "참기름",
         "꿀", "잼", "쿠키", "식빵", "케이크", "쌀", "현미", "잡곡", "사과", "배", "도시락",
         "수건", "행주", "비누", "세제", "물티슈", "쓰레기봉투", "볼펜", "연필", "공책", "달력",
         "봉투", "토너", "의자", "책상", "티셔츠", "작업복", "앞치마", "에코백", "화분"]
SUFFIX = ["선물세트", "1kg", "500g", "10개입", "박스", "세트", "묶음", "", "", ""]
ENT = ["무한", "행복", "나눔", "희망", "달구벌", "팔공", "수성", "동행", "상생", "마을"]
ENT_SUFFIX = ["협동조합", "사회적협동조합", "마을기업", "자활센터", "사회적기업", "커피로스터스", "식품", "공방"]
KINDS = ["social_enterprise", "preliminary_social_enterprise", "cooperative", "social_cooperative",
         "village_enterprise", "self_sufficiency_enterprise"]
DISTRICTS = ["27110", "27140", "27170", "27200", "27230", "27260", "27290", "27710", "27720"]


def psql(url, sql, stdin=None):
    return subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-qAtc", sql], input=stdin,
                          check=True, capture_output=True, text=True).stdout


def seed(db_url, products, enterprises, rng):
    cats = [int(x) for x in psql(db_url, "SELECT id FROM categories WHERE code NOT LIKE '%000000'").split()]
    now = "2026-11-25 00:00:00"
    buf = io.StringIO()
    ent_names = []
    for i in range(1, enterprises + 1):
        name = f"{rng.choice(ENT)}{rng.choice(ENT_SUFFIX)} {i}"
        ent_names.append(name)
        g = " ".join(sorted(grams(name) | grams(chosung(name))))
        row = [i, name, f"{i:03d}-00-{i:05d}", rng.choice(KINDS), rng.choice(DISTRICTS), "대표", "053-000-0000",
               "대구", "", "verified", now, now, now, normalize(name), chosung(name), g]
        buf.write("\t".join(copy_escape(v) for v in row) + "\n")
    psql(db_url, "COPY enterprises (id, name, biz_reg_no, kind, district, representative, phone, address, "
                 "description, status, verified_at, created_at, updated_at, search_name, search_chosung, "
                 "search_grams) FROM STDIN", buf.getvalue())
    buf = io.StringIO()
    for i in range(1, products + 1):
        e = rng.randrange(enterprises)
        name = " ".join(x for x in [rng.choice(ADJ), rng.choice(NOUNS), rng.choice(SUFFIX)] if x)
        desc = f"{rng.choice(ADJ)} {rng.choice(NOUNS)} 사회적경제 제품 {i}"
        text = normalize(f"{name} {desc} {ent_names[e]}")
        g = " ".join(sorted(grams(text) | grams(chosung(name))))
        status = "approved" if rng.random() < 0.9 else "pending_review"
        row = [i, e + 1, rng.choice(cats), name, desc, "EA", rng.randrange(1000, 500000), 1,
               rng.choice([0, 5, 50, 500]), rng.randrange(0, 30), status, 1, now, now,
               normalize(name), chosung(name), text, g]
        buf.write("\t".join(copy_escape(v) for v in row) + "\n")
    psql(db_url, "COPY products (id, enterprise_id, category_id, name, description, unit, price_won, "
                 "min_order_qty, stock, lead_time_days, status, version, created_at, updated_at, search_name, "
                 "search_chosung, search_text, search_grams) FROM STDIN", buf.getvalue())
    psql(db_url, "SELECT setval(pg_get_serial_sequence('products','id'), (SELECT max(id) FROM products)); "
                 "SELECT setval(pg_get_serial_sequence('enterprises','id'), (SELECT max(id) FROM enterprises)); "
                 "ANALYZE")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pg-url", required=True)
    ap.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "muhan"))
    ap.add_argument("--products", type=int, default=100_000)
    ap.add_argument("--enterprises", type=int, default=500)
    ap.add_argument("--requests", type=int, default=400)
    args = ap.parse_args()
    rng = random.Random(7)
    name = "muhan_bench_" + uuid.uuid4().hex[:10]
    psql(args.pg_url, f"CREATE DATABASE {name}")
    db_url = args.pg_url.rsplit("/", 1)[0] + "/" + name
    port = free_port()
    env = dict(os.environ, DATABASE_URL=db_url, MUHAN_JWT_SECRET="bench-secret-0123456789abcdef0123456789",
               RUST_LOG="warn", MUHAN_DATA_DIR="/tmp/muhan-bench-data")
    proc = None
    try:
        subprocess.run([args.binary, "migrate"], env=env, check=True)
        t0 = time.time()
        seed(db_url, args.products, args.enterprises, rng)
        print(f"seeded {args.products} products / {args.enterprises} enterprises in {time.time() - t0:.1f}s", flush=True)
        proc = subprocess.Popen([args.binary, "serve", "--bind", f"127.0.0.1:{port}"], env=env)
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/ready", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        cats = psql(db_url, "SELECT id FROM categories WHERE code LIKE '%000000'").split()
        kinds = {
            "2 syllables + filters": lambda: {"q": rng.choice(["커피", "김치", "원두", "쿠키", "수건", "세제"]),
                                             "district": rng.choice(DISTRICTS), "in_stock": "true"},
            "1 syllable + category": lambda: {"q": rng.choice(["꿀", "쌀", "배", "잼"]), "category_id": rng.choice(cats)},
            "초성 + price": lambda: {"q": rng.choice(["ㅋㅍ", "ㄱㅊ", "ㅇㄷ", "ㅅㅁㅅㅌ"]), "max_price_won": 200000},
            "word + kind, price sort": lambda: {"q": rng.choice(["선물세트", "유기농", "친환경 커피"]),
                                                "kind": rng.choice(KINDS), "sort": "price_asc"},
        }
        timings = {k: [] for k in kinds}
        for i in range(args.requests):
            kind = list(kinds)[i % len(kinds)]
            query = urllib.parse.urlencode(kinds[kind]())
            t = time.perf_counter()
            with urllib.request.urlopen(f"{base}/api/v1/products?{query}", timeout=10) as r:
                body = json.load(r)
            timings[kind].append((time.perf_counter() - t) * 1000)
            assert "items" in body
        def pct(xs, p):
            xs = sorted(xs)
            return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]
        everything = [x for xs in timings.values() for x in xs]
        print(f"{'query kind':28} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
        for k, xs in list(timings.items()) + [("all", everything)]:
            print(f"{k:28} {len(xs):5d} {statistics.median(xs):8.1f} {pct(xs, 95):8.1f} {pct(xs, 99):8.1f}")
    finally:
        if proc:
            proc.terminate()
            proc.wait(timeout=20)
        psql(args.pg_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


if __name__ == "__main__":
    sys.exit(main())
