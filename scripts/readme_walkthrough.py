#!/usr/bin/env python3
"""Runs the README's `## Walkthrough` exactly as written, so it cannot rot.

1. Takes the ```sh blocks of the `## Walkthrough` section of README.md, in order (the only
   copy of the commands is the README).
2. Starts `BINARY serve --demo --bind 127.0.0.1:8080` in a fresh temporary directory (its own
   SQLite database and data directory, no inherited MUHAN_*/DATABASE_URL settings). The port
   is the README's: when 8080 is taken the run fails at once rather than using another.
3. Waits for /ready and the seeded demo data (the admin's 2019 summary answers 5,600,000,000
   won), then runs all blocks concatenated in ONE `bash -euo pipefail` process (so the shell
   variables carry over from block to block), each block echoed before it runs, in a fresh
   working directory (also `TMPDIR`, where the walkthrough's `mktemp -d` lands), bounded by
   `--timeout` seconds. Any failing command fails the run.
4. Checks a few things the output and the saved files must show, stops the server and prints
   `walkthrough: N blocks passed`.

Needs bash, curl and jq. Stdlib only. Exit 1 on any failure.
"""
import argparse
import glob
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import http  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIND = ("127.0.0.1", 8080)
BASE = "http://127.0.0.1:8080"
ADMIN = {"email": "admin@demo.muhan.kr", "password": "demo-admin-2017"}
PUBLISHED_2019 = 5_600_000_000
SECTION = "## Walkthrough"
BLOCK_EOF = "__README_WALKTHROUGH_BLOCK__"


class Fail(Exception):
    pass


def blocks_of(readme):
    """The ```sh blocks of the `## Walkthrough` section: [(line number, text)]."""
    lines = open(readme, encoding="utf-8").read().split("\n")
    try:
        start = lines.index(SECTION)
    except ValueError:
        raise Fail(f"{readme} has no line {SECTION!r}")
    blocks, current, opened_at = [], None, 0
    for number, line in enumerate(lines[start + 1:], start + 2):
        if current is None:
            if line.startswith("## "):
                break
            if line.strip() == "```sh":
                current, opened_at = [], number
            elif line.startswith("```"):
                continue  # another language's block: not part of the run
        elif line.strip() == "```":
            blocks.append((opened_at, "\n".join(current)))
            current = None
        else:
            current.append(line)
    if current is not None:
        raise Fail(f"README.md:{opened_at}: ```sh block never closed")
    if not blocks:
        raise Fail(f"no ```sh blocks in the {SECTION!r} section")
    for number, text in blocks:
        if BLOCK_EOF in text:
            raise Fail(f"README.md:{number}: the block contains {BLOCK_EOF}")
    return blocks


def port_free():
    """Whether nothing listens on 127.0.0.1:8080. SO_REUSEADDR, as the server sets it: the
    connections of an earlier run left in TIME_WAIT do not count, a listener does."""
    with socket.socket() as probe:
        probe.settimeout(2)
        if probe.connect_ex(BIND) == 0:
            return False
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(BIND)
            return True
        except OSError:
            return False


def request(method, path, body=None, token=None, timeout=10):
    """(status, raw body) of one JSON request to the walkthrough's server."""
    status, _, raw = http(BASE, method, path, body=body, token=token, timeout=timeout)
    return status, raw


def tail(path, n=30):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return re.sub(r"\x1b\[[0-9;]*m", "", "".join(f.readlines()[-n:]))
    except OSError:
        return ""


def wait_seeded(proc, log_path, seconds):
    """/ready answers 200 and the admin's 2019 summary shows the published revenue."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise Fail(f"the server exited with {proc.returncode}:\n{tail(log_path)}")
        try:
            if request("GET", "/ready", timeout=5)[0] == 200:
                status, raw = request("POST", "/api/v1/auth/login", ADMIN)
                if status == 200:
                    token = json.loads(raw)["access_token"]
                    status, raw = request("GET", "/api/v1/stats/summary?year=2019", token=token,
                                          timeout=30)
                    if status == 200 and json.loads(raw).get("revenue_won") == PUBLISHED_2019:
                        return
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.5)
    raise Fail(f"the demo server was not ready and seeded within {seconds} s:\n{tail(log_path)}")


def script_of(blocks, name="README.md"):
    """One bash script: each block echoed (with its README line), then run."""
    parts = []
    for i, (number, text) in enumerate(blocks, 1):
        parts.append(f"printf '\\n=== walkthrough block %d/%d (%s:%d) ===\\n' "
                     f"{i} {len(blocks)} {name} {number}")
        parts.append(f"cat <<'{BLOCK_EOF}'\n{text}\n{BLOCK_EOF}")
        parts.append("printf -- '---\\n'")
        parts.append(text)
    parts.append(f"printf '\\n=== walkthrough: all %d blocks ran ===\\n' {len(blocks)}")
    return "\n".join(parts) + "\n"


def run_bash(script, cwd, env, timeout):
    """Runs the script in `bash -euo pipefail`, streaming its output; (exit code, output)."""
    proc = subprocess.Popen(["bash", "-euo", "pipefail", "-s"], cwd=cwd, env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    out = []

    def pump():
        for raw in proc.stdout:
            line = raw.decode("utf-8", errors="replace")
            out.append(line)
            sys.stdout.write(line)
            sys.stdout.flush()

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    proc.stdin.write(script.encode("utf-8"))
    proc.stdin.close()
    try:
        code = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        reader.join(5)
        return None, "".join(out)
    reader.join(10)
    return code, "".join(out)


def check_results(output, work):
    """What the walkthrough must have shown and saved, beyond every command succeeding."""
    problems = []

    def want(condition, what):
        print(f"{'ok' if condition else 'FAIL'}: {what}")
        if not condition:
            problems.append(what)

    want(re.search(r"\bMH-\d{4}-\d{6}\b", output), "an order number MH-YYYY-NNNNNN was printed")
    want("2019: 5600000000원, previous year 1400000000원, growth 30000 bp" in output,
         "the 2019 summary shows 5,600,000,000 won and growth 30000 bp")
    want(re.search(r"^true$", output, re.M), "the replayed order equals the first answer")
    want("409 quotes_sealed" in output, "the early award is refused: 409 quotes_sealed")
    want(re.search(r'"contract_type":"rfq"', output), "the award became an rfq order")
    want("\tsettled\t" in output or re.search(r"^settled\t", output, re.M),
         "the fulfillment was settled")
    files = {os.path.basename(p): p for p in glob.glob(os.path.join(work, "**", "*"),
                                                       recursive=True) if os.path.isfile(p)}
    csv_path = files.get("sales-2019-by-month.csv")
    want(csv_path and open(csv_path, "rb").read(3) == b"\xef\xbb\xbf",
         "sales-2019-by-month.csv saved, UTF-8 with a BOM")
    xlsx = [name for name in files if name.endswith(".xlsx")]
    want(len(xlsx) >= 3 and all(open(files[n], "rb").read(2) == b"PK" for n in xlsx),
         f"{len(xlsx)} XLSX files saved, each a zip ({', '.join(sorted(xlsx))})")
    ocds = [name for name in files if re.fullmatch(r"ocds-\d{4}\.json", name)]
    want(len(ocds) == 1, "the OCDS package saved")
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", required=True, help="the muhan binary, e.g. target/release/muhan")
    ap.add_argument("--readme", default=os.path.join(ROOT, "README.md"))
    ap.add_argument("--timeout", type=float, default=300, help="seconds for all blocks")
    ap.add_argument("--seed-timeout", type=float, default=180,
                    help="seconds for the server to start and seed")
    args = ap.parse_args()
    binary = os.path.abspath(args.binary)

    for tool in ("bash", "curl", "jq"):
        if shutil.which(tool) is None:
            print(f"walkthrough: FAILED: {tool} is not installed", file=sys.stderr)
            return 1
    try:
        blocks = blocks_of(args.readme)
    except Fail as e:
        print(f"walkthrough: FAILED: {e}", file=sys.stderr)
        return 1
    print(f"walkthrough: {len(blocks)} ```sh blocks in {SECTION!r} of {args.readme}")
    if not port_free():
        print("walkthrough: FAILED: 127.0.0.1:8080 is taken (another server?); the README's "
              "commands use port 8080, so stop whatever listens there and run again",
              file=sys.stderr)
        return 1

    top = tempfile.mkdtemp(prefix="muhan-walkthrough-")
    data, work = os.path.join(top, "data"), os.path.join(top, "work")
    os.makedirs(data)
    os.makedirs(work)
    log_path = os.path.join(top, "server.log")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("MUHAN_") and k != "DATABASE_URL"}
    server_env = dict(env, MUHAN_DATA_DIR=data, NO_COLOR="1")
    log = open(log_path, "w")
    server = subprocess.Popen([binary, "serve", "--demo", "--bind", "127.0.0.1:8080"],
                              cwd=top, env=server_env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    failed = None
    try:
        started = time.monotonic()
        wait_seeded(server, log_path, args.seed_timeout)
        print(f"walkthrough: server ready and seeded in {time.monotonic() - started:.1f} s")
        bash_env = dict(env, TMPDIR=work, LC_ALL=env.get("LC_ALL") or "C.UTF-8")
        started = time.monotonic()
        code, output = run_bash(script_of(blocks, os.path.basename(args.readme)), work, bash_env, args.timeout)
        took = time.monotonic() - started
        if code is None:
            failed = f"the blocks did not finish within {args.timeout:.0f} s"
        elif code != 0:
            ran = re.findall(r"^=== walkthrough block (\d+)/\d+ \((.+:\d+)\) ===$", output, re.M)
            where = f" in block {ran[-1][0]} ({ran[-1][1]})" if ran else ""
            failed = f"bash exited with {code}{where}"
        else:
            print(f"walkthrough: the blocks ran in {took:.1f} s")
            problems = check_results(output, work)
            if problems:
                failed = "; ".join(problems)
        if server.poll() is not None:
            failed = failed or f"the server exited with {server.returncode}"
    except Fail as e:
        failed = str(e)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        log.close()
    if failed:
        print(f"\nserver log (last lines):\n{tail(log_path)}", file=sys.stderr)
        print(f"walkthrough: FAILED: {failed} (files kept in {top})", file=sys.stderr)
        return 1
    shutil.rmtree(top, ignore_errors=True)
    print(f"walkthrough: {len(blocks)} blocks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
