#!/usr/bin/env python3
"""The exports as a spreadsheet user's tools read them: Python's csv module and openpyxl.

Starts `muhan serve --demo` (fresh SQLite database), then for the admin and a buyer:
1. every `group_by` of 2019 as CSV: UTF-8 with a BOM (stripped by `utf-8-sig`), Korean header
   row intact, one row per JSON row with the same key, label, orders, quantity and revenue;
   the admin's rows add up to the published 5,600,000,000 won
2. the month and enterprise reports as XLSX in openpyxl: integer cells (not text), a `#,##0`
   number format on won, a frozen header row, and a totals row equal to the JSON total
3. the summary and the priority-purchase report as XLSX: the figures of the JSON as numbers
4. the file names of Content-Disposition (`filename*`, RFC 5987) say what and when

Needs openpyxl (pinned in .ci/run). Prints `ok:`/`FAIL:` per check, `N passed, N failed`; exits
1 on a failure.
"""
import argparse
import csv
import io
import os
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import DEMO_ADMIN, DEMO_BUYER, DemoServer, Fatal, Tally, http, parsed  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GROUPS = ["year", "month", "enterprise", "enterprise_kind", "district", "category", "agency"]
YEAR = 2019
PUBLISHED_2019 = 5_600_000_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def fetch(server, token, path):
    status, headers, raw = http(server.api, "GET", path, token=token, timeout=60)
    if status != 200:
        raise Fatal(f"GET {path}: {status} {parsed(raw)!r}"[:400])
    return headers, raw


def file_name(headers):
    """The UTF-8 file name of `filename*=UTF-8''…`."""
    for part in headers.get("Content-Disposition", "").split(";"):
        part = part.strip()
        if part.lower().startswith("filename*="):
            value = part.split("=", 1)[1]
            return urllib.parse.unquote(value.split("''", 1)[1])
    return None


def check_csv(t, server, token, who, group_by):
    query = f"/stats/sales?from={YEAR}-01-01&to={YEAR}-12-31&group_by={group_by}"
    _, raw_json = fetch(server, token, query)
    report = parsed(raw_json)
    headers, raw = fetch(server, token, query + "&format=csv")
    t.check(headers.get("Content-Type", "").startswith("text/csv"),
            f"{who} {group_by}: Content-Type text/csv", headers.get("Content-Type"))
    t.check(raw.startswith(b"\xef\xbb\xbf"), f"{who} {group_by}: the CSV starts with a UTF-8 BOM")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    header, body = rows[0], rows[1:]
    t.check(header[0] == "코드" and header[-1] == "매출액(원)" and not header[0].startswith("\ufeff"),
            f"{who} {group_by}: Korean header row intact, BOM stripped", repr(header))
    expected = [[r["key"], r["label"], str(r["orders"]), str(r["quantity"]), str(r["revenue_won"])]
                for r in report["rows"]]
    got = body
    t.check(got == expected, f"{who} {group_by}: {len(body)} CSV rows equal the JSON rows",
            f"csv {got[:3]} … json {expected[:3]}")
    revenue = sum(int(row[-1]) for row in body)
    t.check(revenue == report["total"]["revenue_won"],
            f"{who} {group_by}: CSV revenue adds up to the JSON total {revenue:,}")
    return report


def load_workbook(t, server, token, who, path):
    from openpyxl import load_workbook as load

    headers, raw = fetch(server, token, path)
    t.check(headers.get("Content-Type", "") == XLSX, f"{who} {path}: Content-Type is XLSX",
            headers.get("Content-Type"))
    book = load(io.BytesIO(raw), data_only=True)
    return headers, book, book.worksheets[0]


def check_sales_xlsx(t, server, token, who, group_by):
    query = f"/stats/sales?from={YEAR}-01-01&to={YEAR}-12-31&group_by={group_by}"
    report = parsed(fetch(server, token, query)[1])
    headers, book, sheet = load_workbook(t, server, token, who, query + "&format=xlsx")
    rows = list(sheet.iter_rows(values_only=True))
    header, body, totals = rows[0], rows[1:-1], rows[-1]
    t.check(header[-1] == "매출액(원)", f"{who} {group_by} xlsx: Korean header", repr(header))
    t.check(sheet.freeze_panes is not None and sheet.freeze_panes.endswith("2"),
            f"{who} {group_by} xlsx: header row frozen ({sheet.freeze_panes})")
    t.check(len(body) == len(report["rows"]),
            f"{who} {group_by} xlsx: {len(body)} data rows, as many as the JSON")
    numeric = all(isinstance(v, int) and not isinstance(v, bool)
                  for row in body for v in row[-3:])
    t.check(numeric, f"{who} {group_by} xlsx: orders, quantity and revenue are number cells")
    t.check([list(r[-3:]) for r in body]
            == [[r["orders"], r["quantity"], r["revenue_won"]] for r in report["rows"]],
            f"{who} {group_by} xlsx: the figures equal the JSON rows")
    won_format = sheet.cell(row=2, column=len(header)).number_format if body else "#,##0"
    t.check("#,##0" in won_format, f"{who} {group_by} xlsx: won shown with thousands separators",
            won_format)
    total = report["total"]
    t.check(list(totals[-3:]) == [total["orders"], total["quantity"], total["revenue_won"]],
            f"{who} {group_by} xlsx: totals row {totals[-1]:,} = the JSON total", repr(totals))
    name = file_name(headers) or ""
    t.check(name.startswith("매출_") and name.endswith(".xlsx") and str(YEAR) in name,
            f"{who} {group_by} xlsx: file name says what and when ({name})")
    return total


def check_summary_xlsx(t, server, token, who):
    summary = parsed(fetch(server, token, f"/stats/summary?year={YEAR}")[1])
    headers, _, sheet = load_workbook(t, server, token, who,
                                      f"/stats/summary?year={YEAR}&format=xlsx")
    values = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    t.check(summary["revenue_won"] in values and isinstance(values[values.index(summary["revenue_won"])], int),
            f"{who} summary xlsx: revenue {summary['revenue_won']:,} is a number cell")
    name = file_name(headers) or ""
    t.check(name == f"매출요약_{YEAR}.xlsx", f"{who} summary xlsx: file name {name}")


def check_priority_xlsx(t, server, token, who):
    report = parsed(fetch(server, token, f"/stats/priority-purchase?year={YEAR}")[1])
    _, _, sheet = load_workbook(t, server, token, who,
                                f"/stats/priority-purchase?year={YEAR}&format=xlsx")
    rows = list(sheet.iter_rows(values_only=True))
    body = rows[1:-1]
    ids = [row[0] for row in body]
    t.check(sorted(ids) == sorted(r["agency_id"] for r in report["rows"]),
            f"{who} priority xlsx: one row per agency of the JSON ({len(body)})")
    by_id = {r["agency_id"]: r for r in report["rows"]}
    same = all(row[4] == by_id[row[0]]["social_economy_won"]
               and row[5] == by_id[row[0]]["certified_social_enterprise_won"] for row in body)
    t.check(same, f"{who} priority xlsx: purchases equal the JSON as numbers")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "muhan"))
    args = parser.parse_args()
    started = time.monotonic()
    t = Tally()
    server = DemoServer(os.path.abspath(args.binary), prefix="muhan-export-")
    try:
        server.wait_ready()
        t.check(True, f"server with demo data at {server.base} ({time.monotonic() - started:.0f} s)")
        for who, account in (("admin", DEMO_ADMIN), ("buyer", DEMO_BUYER)):
            token = server.token(account)
            for group_by in GROUPS:
                report = check_csv(t, server, token, who, group_by)
                if who == "admin":
                    t.check(report["total"]["revenue_won"] == PUBLISHED_2019,
                            f"admin {group_by}: {YEAR} adds up to the published 5,600,000,000")
            for group_by in ("month", "enterprise"):
                check_sales_xlsx(t, server, token, who, group_by)
            check_summary_xlsx(t, server, token, who)
            check_priority_xlsx(t, server, token, who)
    except Fatal as e:
        t.check(False, str(e), server.tail())
    except Exception as e:  # an unexpected shape is a failure with its type, not a crash
        t.check(False, f"{type(e).__name__}: {e}", server.tail())
    finally:
        server.stop()
    print(f"{t.summary()} in {time.monotonic() - started:.0f} s")
    return 0 if t.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
