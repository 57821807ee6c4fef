"""What the black-box scripts of `.ci/run` share: counted checks, a free loopback port, one
HTTP request, and a valid business registration number. Stdlib only."""
import json
import socket
import urllib.error
import urllib.request


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
