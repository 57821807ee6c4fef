"""What the black-box scripts of `.ci/run` share: counted checks, a free loopback port, one
HTTP request, a valid business registration number, and `serve --demo` on a fresh SQLite
database. Stdlib only."""
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

DEMO_ADMIN = ("admin@demo.muhan.kr", "demo-admin-2017")
DEMO_BUYER = ("buyer02@demo.muhan.kr", "demo-buyer-2017")
DEMO_SELLER = ("seller0001@demo.muhan.kr", "demo-seller-2017")


class Fatal(Exception):
    """A step the rest of the test depends on failed."""


class Tally:
    """Counts checks; prints `ok:`/`FAIL:` per check and the closing `N passed, N failed`."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, condition, what, detail=""):
        if condition:
            self.passed += 1
            print(f"ok: {what}", flush=True)
        else:
            self.failed += 1
            print(f"FAIL: {what}" + (f"\n      {detail}" if detail else ""), flush=True)
        return condition

    def require(self, condition, what, detail=""):
        if not self.check(condition, what, detail):
            raise Fatal(what)

    def summary(self):
        return f"{self.passed} passed, {self.failed} failed"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(base, method, path, body=None, token=None, headers=None, timeout=15, opener=None):
    """One JSON request -> (status, response headers, raw body). Raises OSError on connection
    failures and timeouts."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    open_ = opener.open if opener is not None else urllib.request.urlopen
    try:
        with open_(req, timeout=timeout) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def parsed(raw):
    """The JSON of a body, or the raw bytes when it is not JSON."""
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return raw


def biz_no(seed):
    """A 10-digit business registration number whose check digit holds (API.md)."""
    d = [int(c) for c in f"{100000000 + seed:09d}"]
    w = [1, 3, 7, 1, 3, 7, 1, 3, 5]
    s = sum(a * b for a, b in zip(d, w)) + d[8] * 5 // 10
    return "".join(map(str, d)) + str((10 - s % 10) % 10)


class DemoServer:
    """`muhan serve --demo` on a free loopback port with a fresh SQLite database and data
    directory in a temporary directory (removed by `stop`)."""

    def __init__(self, binary, prefix="muhan-demo-"):
        self.dir = tempfile.mkdtemp(prefix=prefix)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.api = self.base + "/api/v1"
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("MUHAN_") and k != "DATABASE_URL"}
        env.update({
            "DATABASE_URL": f"sqlite://{os.path.join(self.dir, 'muhan.db')}",
            "MUHAN_DATA_DIR": os.path.join(self.dir, "data"),
            "MUHAN_JWT_SECRET": "demo-check-secret-0123456789abcdef0123456789",
        })
        self.log_path = os.path.join(self.dir, "server.log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [binary, "serve", "--demo", "--bind", f"127.0.0.1:{self.port}"],
            cwd=self.dir, env=env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True)

    def wait_ready(self, seconds=120):
        """/ready answers, then the demo admin can sign in (the seed has run)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise Fatal(f"server exited with {self.proc.returncode}:\n{self.tail()}")
            try:
                if http(self.base, "GET", "/ready", timeout=5)[0] == 200:
                    if self.login(DEMO_ADMIN)[0] == 200:
                        return
            except OSError:
                pass
            time.sleep(0.5)
        raise Fatal(f"server not ready with demo data within {seconds} s:\n{self.tail()}")

    def login(self, who):
        status, _, raw = http(self.api, "POST", "/auth/login",
                              {"email": who[0], "password": who[1]}, timeout=10)
        return status, parsed(raw)

    def token(self, who):
        status, body = self.login(who)
        if status != 200:
            raise Fatal(f"API login of {who[0]}: {status} {body}")
        return body["access_token"]

    def tail(self, n=25):
        """The last lines of the server's log that are not per-request traces."""
        try:
            with open(self.log_path, errors="replace") as f:
                lines = [line for line in f if "http_request" not in line or " ERROR" in line
                         or "WARN" in line]
                return "".join(lines[-n:])
        except OSError:
            return ""

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)
