#!/usr/bin/env python3
"""Smoke test of the release binary, as an operator would run it.

1. In an empty directory, `muhan` with no configuration starts on SQLite, logs the docs URL,
   answers /health and /ready, and serves Swagger UI with every asset from itself.
2. /openapi.json passes openapi-spec-validator and equals openapi/openapi.json.
3. The admin from MUHAN_ADMIN_EMAIL/MUHAN_ADMIN_PASSWORD logs in; /me says role admin.
4. With --pg-url: two `muhan serve` processes on different ports share one PostgreSQL
   database; a refresh token rotated on one is refused on the other.
Prints "N passed, 0 failed" at the end.
"""
import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADMIN = ("smoke-admin@muhan.test", "smoke-admin-password")
SECRET = "smoke-test-secret-0123456789abcdef0123456789"
passed = 0


def check(condition, what):
    global passed
    if not condition:
        print(f"FAIL: {what}", flush=True)
        print("0 passed, 1 failed")
        sys.exit(1)
    passed += 1
    print(f"ok: {what}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(method, url, body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def start(binary, cwd, port, env_extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MUHAN_") and k != "DATABASE_URL"}
    env.update({"MUHAN_ADMIN_EMAIL": ADMIN[0], "MUHAN_ADMIN_PASSWORD": ADMIN[1]})
    env.update(env_extra)
    log = open(os.path.join(cwd, f"server-{port}.log"), "w")
    proc = subprocess.Popen([binary, "serve", "--bind", f"127.0.0.1:{port}"], cwd=cwd, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            if call("GET", base + "/health")[0] == 200:
                return proc, base, log.name
        except OSError:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.2)
    print(open(log.name).read())
    check(False, f"server on port {port} started")


def login(base):
    status, _, body = call("POST", base + "/api/v1/auth/login", {"email": ADMIN[0], "password": ADMIN[1]})
    check(status == 200, f"admin logs in on {base}")
    return json.loads(body)


def sqlite_default(binary):
    workdir = tempfile.mkdtemp(prefix="muhan-smoke-")
    port = free_port()
    proc, base, log = start(binary, workdir, port, {})
    try:
        check(call("GET", base + "/health")[0] == 200, "/health is 200 on the default SQLite")
        check(call("GET", base + "/ready")[0] == 200, "/ready is 200 on the default SQLite")
        check(os.path.exists(os.path.join(workdir, "data", "muhan.db")), "data/muhan.db was created")
        secret = os.path.join(workdir, "data", "jwt_secret")
        check(os.stat(secret).st_mode & 0o777 == 0o600, "generated JWT secret has mode 0600")
        check("/docs/" in open(log).read(), "the log names the docs URL")

        status, _, page = call("GET", base + "/docs/")
        page = page.decode()
        check(status == 200 and "swagger-ui" in page, "/docs/ serves Swagger UI")
        assets = re.findall(r'(?:src|href)="([^"]+)"', page)
        check(assets and not any(a.startswith(("http:", "https:", "//")) for a in assets),
              f"every Swagger UI asset is local: {assets}")
        for asset in assets:
            url = base + "/docs/" + asset.lstrip("./")
            check(call("GET", url)[0] == 200, f"asset {asset} is served")

        status, _, spec = call("GET", base + "/openapi.json")
        spec = json.loads(spec)
        with open(os.path.join(ROOT, "openapi", "openapi.json")) as f:
            check(spec == json.load(f), "/openapi.json equals openapi/openapi.json")
        from openapi_spec_validator import validate
        validate(spec)
        check(True, "openapi-spec-validator accepts /openapi.json")

        session = login(base)
        status, _, me = call("GET", base + "/api/v1/me", token=session["access_token"])
        check(status == 200 and json.loads(me)["role"] == "admin", "/api/v1/me shows role admin")
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    # Restart: same secret file, the old refresh token still works.
    proc, base, _ = start(binary, workdir, port, {})
    try:
        status, _, _ = call("POST", base + "/api/v1/auth/refresh", {"refresh_token": session["refresh_token"]})
        check(status == 200, "tokens survive a restart (secret kept in the data dir)")
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    shutil.rmtree(workdir, ignore_errors=True)


def postgres_two_processes(binary, pg_url):
    name = "muhan_smoke_" + uuid.uuid4().hex[:12]
    subprocess.run(["psql", pg_url, "-qc", f"CREATE DATABASE {name}"], check=True)
    db_url = pg_url.rsplit("/", 1)[0] + "/" + name
    workdir = tempfile.mkdtemp(prefix="muhan-smoke-pg-")
    env = {"DATABASE_URL": db_url, "MUHAN_JWT_SECRET": SECRET}
    procs = []
    try:
        a, base_a, _ = start(binary, workdir, free_port(), env)
        procs.append(a)
        b, base_b, _ = start(binary, workdir, free_port(), env)
        procs.append(b)
        check(call("GET", base_a + "/ready")[0] == 200 and call("GET", base_b + "/ready")[0] == 200,
              "both PostgreSQL instances are ready")
        session = login(base_a)
        status, _, _ = call("GET", base_b + "/api/v1/me", token=session["access_token"])
        check(status == 200, "an access token from instance A works on instance B")
        status, _, rotated = call("POST", base_b + "/api/v1/auth/refresh", {"refresh_token": session["refresh_token"]})
        check(status == 200, "refresh on instance B")
        status, _, body = call("POST", base_a + "/api/v1/auth/refresh", {"refresh_token": session["refresh_token"]})
        check(status == 401 and json.loads(body)["code"] == "unauthorized",
              "the token rotated on B is refused on A")
        status, _, _ = call("POST", base_b + "/api/v1/auth/refresh", {"refresh_token": json.loads(rotated)["refresh_token"]})
        check(status == 401, "the reuse on A revoked the newer token issued by B")
    finally:
        for p in procs:
            p.terminate()
            p.wait(timeout=20)
        subprocess.run(["psql", pg_url, "-qc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"])
        shutil.rmtree(workdir, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "muhan"))
    parser.add_argument("--pg-url")
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    sqlite_default(binary)
    if args.pg_url:
        postgres_two_processes(binary, args.pg_url)
    print(f"{passed} passed, 0 failed")


if __name__ == "__main__":
    main()
