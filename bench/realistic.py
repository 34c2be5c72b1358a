"""Realistic-profile benchmark: the demo's klantbeeld and bedrijfsbeeld and its object views
adresbeeld and zaakbeeld, beside the flat fan-out profile of bench/fanout.py, timed against their
floor, on SQLite and PostgreSQL in one run.

    .venv/bin/python bench/realistic.py [--latency-ms 50] [--jitter-ms 25] [--views 200]
        [--loaded-views 640] [--database sqlite --database postgres://postgres@127.0.0.1:5432/postgres]

Per database it makes a throw-away IKO (a temp dir; PostgreSQL: a database `iko_realistic_<pid>`
dropped afterwards) in production mode under gunicorn (gthread --workers x --threads), loads
`demo/config.yaml` pointing at the seven demo sources of `manage.py demo` (one child process,
bench/harness.py) and the flat profile of six BRP sources of bench/fanout.py, and measures over
HTTP on 127.0.0.1, first with every source answering after exactly --latency-ms, then (demo
profiles only) with each answer's latency drawn uniformly from --latency-ms +- --jitter-ms:

- the floor of each view: the longest chain of dependent calls among the calls the view made,
  times the latency. The chain comes from the view's own call records, which IKO sends in the
  `Server-Timing` header when `IKO_SERVER_TIMING` is on: per call its start and duration and the
  calls it waited for (`after`). An IKO without call records (older versions) waited for each
  relation's tree parent, so there the chain is the depth of the deepest relation that made calls
  (from demo/config.yaml). Each call counts as one round trip: that is what it takes when a
  connector asks for nothing twice and runs its independent requests together;
- view latency p50 / p95 / p99 at 1 and at --concurrency clients, and the overhead over the floor;
  with call records also IKO's own time: the latency minus the longest chain of the calls' own
  durations (for the flat profile: minus the slowest call, as bench/fanout.py counts overhead), so
  time the sources take beyond --latency-ms (the seven demo sources share one process) is not
  counted against IKO;
- connector calls per view (the view's `relations`), and the requests the demo sources received
  per view (their own counters), at 1 client and under load (identical views in flight at the same
  moment share one computation, so under load fewer requests per view is expected);
- worker CPU per view (the gunicorn workers' utime + stime from /proc), views per second;
- the sequential sum: the requests per view times the latency, what a view would take if every
  request waited for the one before;
- for the flat profile, like bench/fanout.py, how much longer than its timeout (0.5 s) a view
  with a hanging source takes (p95, 1 client).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fanout  # noqa: E402  (bench/ is not a package)
from harness import (  # noqa: E402
    REPO, DemoSources, ThrowawayDatabase, cpu_seconds, env_options, free_port, iko_env, machine,
    percentile, start_instance, worker_pids,
)

DEMO_PROFILES = ("klantbeeld", "bedrijfsbeeld", "adresbeeld", "zaakbeeld")
FLAT = "fanout"
LABELS = {"klantbeeld": "klantbeeld", "bedrijfsbeeld": "bedrijfsbeeld", "adresbeeld": "adresbeeld",
          "zaakbeeld": "zaakbeeld", FLAT: "flat 6 BRP"}
TIMING_ENTRY = re.compile(r'\s*([^;,\s]+)((?:;\s*[^;,=\s]+=(?:"[^"]*"|[^;,\s]*))*)')
TIMING_PARAM = re.compile(r';\s*([^;,=\s]+)=(?:"([^"]*)"|([^;,\s]*))')


# --- the floor ---------------------------------------------------------------------------------


def call_records(header: str) -> dict[str, dict]:
    """The view's calls from its Server-Timing header: name -> {desc, start, dur, after}."""
    records = {}
    for match in TIMING_ENTRY.finditer(header or ""):
        params = {name: quoted if quoted else bare for name, quoted, bare in TIMING_PARAM.findall(match.group(2))}
        if "start" not in params:
            continue  # another metric, not a call record
        records[match.group(1)] = {
            "desc": params.get("desc", ""), "start": float(params["start"]), "dur": float(params.get("dur", 0)),
            "after": params.get("after", "").split(),
        }
    return records


def chain_from_records(records: dict[str, dict]) -> int:
    depth: dict[str, int] = {}

    def of(name: str) -> int:
        if name not in depth:
            depth[name] = 1 + max((of(a) for a in records[name]["after"] if a in records), default=0)
        return depth[name]

    return max((of(name) for name in records), default=0)


def chain_duration(records: dict[str, dict]) -> float:
    """The longest chain of calls that waited for each other, summing the calls' own durations
    (as IKO measured them): what the view would take if IKO itself took no time."""
    ends: dict[str, float] = {}

    def of(name: str) -> float:
        if name not in ends:
            ends[name] = records[name]["dur"] + max((of(a) for a in records[name]["after"] if a in records), default=0.0)
        return ends[name]

    return max((of(name) for name in records), default=0.0)


def tree_parents() -> dict[str, dict[str, str | None]]:
    """Per demo profile: relation name -> its parent's name (None for a top-level relation)."""
    document = yaml.safe_load((REPO / "demo" / "config.yaml").read_text(encoding="utf-8"))
    parents: dict[str, dict[str, str | None]] = {}

    def walk(profile: str, relations: list, parent: str | None) -> None:
        for relation in relations or []:
            parents.setdefault(profile, {})[relation["name"]] = parent
            walk(profile, relation.get("relations"), relation["name"])

    # demo/config.yaml is a django-setup-configuration file: the profiles are the items of its
    # iko_profiles step.
    for profile in document["iko_profiles"]["items"]:
        walk(profile["name"], profile["relations"], None)
    return parents


def chain_from_tree(parents: dict[str, str | None], relations: dict[str, dict]) -> int:
    def depth(name: str | None) -> int:
        return 0 if name is None else 1 + depth(parents.get(name))

    return max((depth(name) for name, outcome in relations.items() if outcome.get("calls")), default=0)


# --- the load ------------------------------------------------------------------------------------


class Target:
    """How to ask IKO for one profile's view."""

    def __init__(self, base: str, profile: str, subject: dict, token: str, purpose: str | None, parents: dict):
        self.base, self.profile, self.subject, self.token, self.purpose = base, profile, subject, token, purpose
        self.parents = parents

    def view(self, session: requests.Session) -> dict:
        body = {"subject": self.subject} | ({"purpose": self.purpose} if self.purpose else {})
        started = time.perf_counter()
        response = session.post(f"{self.base}/api/v1/profiles/{self.profile}/view", json=body,
                                headers={"Authorization": f"Token {self.token}"}, timeout=30)
        ms = (time.perf_counter() - started) * 1000
        answer = response.json()
        relations = answer.get("relations") or {}
        records = call_records(response.headers.get("Server-Timing", ""))
        chain = chain_from_records(records) if records else chain_from_tree(self.parents, relations)
        return {"status": response.status_code, "complete": answer.get("complete"), "ms": ms, "chain": chain,
                "calls": sum(r.get("calls", 0) for r in relations.values()), "records": bool(records),
                "own_ms": ms - chain_duration(records) if records else None}


def run(target: Target, views: int, concurrency: int) -> tuple[list[dict], float]:
    local = threading.local()

    def task(_):
        if not hasattr(local, "session"):
            local.session = requests.Session()
        return target.view(local.session)

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(task, range(views)))
    return results, time.perf_counter() - started


def measure(target: Target, sources: DemoSources | None, pids: list[int], views: int, concurrency: int,
            latency_ms: float) -> dict:
    counted_before = sum(sources.request_counts().values()) if sources else 0
    cpu_before = cpu_seconds(pids)
    results, seconds = run(target, views, concurrency)
    cpu_ms = (cpu_seconds(pids) - cpu_before) / views * 1000
    requests_per_view = (sum(sources.request_counts().values()) - counted_before) / views if sources else None
    latencies = [r["ms"] for r in results]
    overhead = [r["ms"] - r["chain"] * latency_ms for r in results]
    own = [r["own_ms"] for r in results if r["own_ms"] is not None]
    pct = {p: round(percentile(latencies, p), 1) for p in (50, 95, 99)}
    return {
        "views": views, "concurrency": concurrency,
        "errors": sum(1 for r in results if r["status"] != 200 or r["complete"] is not True),
        "floor_ms": round(statistics.median(r["chain"] for r in results) * latency_ms, 1),
        "chain_calls": sorted({r["chain"] for r in results}),
        "floor_from": "call records" if all(r["records"] for r in results) else "relation tree",
        "latency_ms": pct, "p99_over_p50": round(pct[99] / pct[50], 2),
        "overhead_ms": {p: round(percentile(overhead, p), 1) for p in (50, 95, 99)},
        # Only with call records: the view's latency minus its chain of call durations.
        "own_ms": {p: round(percentile(own, p), 1) for p in (50, 95, 99)} if own else None,
        "calls_per_view": round(statistics.mean(r["calls"] for r in results), 2),
        "source_requests_per_view": None if requests_per_view is None else round(requests_per_view, 2),
        "sequential_sum_ms": None if requests_per_view is None else round(requests_per_view * latency_ms, 1),
        "cpu_ms_per_view": round(cpu_ms, 2),
        "views_per_second": round(views / seconds, 1),
    }


def bench_database(database: str, args, parents: dict) -> dict:
    tmp = tempfile.mkdtemp(prefix="iko-realistic-")
    throwaway = ThrowawayDatabase(database, "iko_realistic") if database != "sqlite" else None
    demo_sources = flat_sources = gunicorn = None
    try:
        if throwaway:
            throwaway.__enter__()
        env = iko_env(tmp, throwaway.url if throwaway else None, IKO_SERVER_TIMING="true", **env_options(args.env))
        demo_sources = DemoSources(args.latency_ms)
        flat_sources, ports, hang_port = fanout.start_sources(6, args.latency_ms)
        fanout.configure_iko(env, ports, hang_port)  # migrates first
        demo_sources.configure(env)
        port = free_port()
        gunicorn = start_instance(env, port, args.workers, args.threads, Path(tmp) / "gunicorn.log")
        base = f"http://127.0.0.1:{port}"
        demo = demo_sources.demo
        targets = {
            "klantbeeld": Target(base, "klantbeeld", {"type": "bsn", "value": demo["bsn"]}, demo["token"],
                                 demo["purpose"], parents.get("klantbeeld", {})),
            "bedrijfsbeeld": Target(base, "bedrijfsbeeld", {"type": "kvk", "value": demo["kvk"]}, demo["token"],
                                    demo["purpose"], parents.get("bedrijfsbeeld", {})),
            # The object views, each for its own purpose (a permit handler, an objection handler).
            "adresbeeld": Target(base, "adresbeeld", {"type": "adres", "value": demo["adres"]}, demo["token"],
                                 demo["adres_purpose"], parents.get("adresbeeld", {})),
            "zaakbeeld": Target(base, "zaakbeeld", {"type": "zaak", "value": demo["zaak"]}, demo["token"],
                                demo["zaak_purpose"], parents.get("zaakbeeld", {})),
            FLAT: Target(base, FLAT, {"type": "bsn", "value": fanout.BSN}, fanout.TOKEN, None, {}),
        }
        for target in targets.values():
            run(target, 40, 8)  # warm-up: imports, connections, compiled expressions, caches
        pids = worker_pids(gunicorn.pid)
        figures: dict = {"database": "SQLite" if throwaway is None else "PostgreSQL", "fixed": {}, "jitter": {}}
        for name, target in targets.items():
            sources = demo_sources if name in DEMO_PROFILES else None
            figures["fixed"][name] = {
                "c1": measure(target, sources, pids, args.views, 1, args.latency_ms),
                "loaded": measure(target, sources, pids, args.loaded_views, args.concurrency, args.latency_ms),
            }
        hanging, _ = run(Target(base, "hanging", {"type": "bsn", "value": fanout.BSN}, fanout.TOKEN, None, {}), 20, 1)
        figures["hanging_source_extra_ms_p95"] = round(
            percentile([r["ms"] - fanout.HANG_TIMEOUT * 1000 for r in hanging], 95), 1)
        if args.jitter_ms:
            demo_sources.set_latency(args.latency_ms, args.jitter_ms)
            for name in DEMO_PROFILES:
                figures["jitter"][name] = {
                    "c1": measure(targets[name], demo_sources, pids, args.views, 1, args.latency_ms),
                    "loaded": measure(targets[name], demo_sources, pids, args.loaded_views, args.concurrency,
                                      args.latency_ms),
                }
        return figures
    finally:
        if gunicorn:
            gunicorn.send_signal(signal.SIGTERM)
            gunicorn.wait(timeout=30)
        for process in (demo_sources, flat_sources):
            if isinstance(process, DemoSources):
                process.stop()
            elif process is not None:
                process.kill()
        if throwaway:
            throwaway.__exit__()
        shutil.rmtree(tmp, ignore_errors=True)


# --- the report ----------------------------------------------------------------------------------


ROWS = [
    ("floor (chain of dependent calls x latency)", lambda f: f"{f['c1']['floor_ms']:g} ms"),
    ("p50 / p95 / p99, 1 client", lambda f: " / ".join(f"{v:g}" for v in f["c1"]["latency_ms"].values())),
    ("overhead over the floor p50 / p95, 1 client",
     lambda f: f"{f['c1']['overhead_ms'][50]:g} / {f['c1']['overhead_ms'][95]:g}"),
    ("IKO's own time (latency minus the chain of call durations) p50 / p95, 1 client",
     lambda f: "-" if not f["c1"].get("own_ms") else f"{f['c1']['own_ms'][50]:g} / {f['c1']['own_ms'][95]:g}"),
    ("p50 / p95 / p99, {c} clients", lambda f: " / ".join(f"{v:g}" for v in f["loaded"]["latency_ms"].values())),
    ("p99 / p50, {c} clients", lambda f: f"{f['loaded']['p99_over_p50']:g}"),
    ("views/s, 1 / {c} clients", lambda f: f"{f['c1']['views_per_second']:g} / {f['loaded']['views_per_second']:g}"),
    ("worker CPU per view, 1 / {c} clients",
     lambda f: f"{f['c1']['cpu_ms_per_view']:g} / {f['loaded']['cpu_ms_per_view']:g} ms"),
    ("connector calls per view", lambda f: f"{f['c1']['calls_per_view']:g}"),
    ("source requests per view, 1 / {c} clients", lambda f: "-" if f["c1"]["source_requests_per_view"] is None
     else f"{f['c1']['source_requests_per_view']:g} / {f['loaded']['source_requests_per_view']:g}"),
    ("sequential sum of the requests", lambda f: "-" if f["c1"]["sequential_sum_ms"] is None
     else f"{f['c1']['sequential_sum_ms']:g} ms"),
    ("errors", lambda f: str(f["c1"]["errors"] + f["loaded"]["errors"])),
]


def table(results: list[dict], variant: str, profiles: tuple[str, ...], concurrency: int) -> str:
    columns = [(name, figures) for name in profiles for figures in results if name in figures[variant]]
    head = "| figure | " + " | ".join(f"{LABELS[name]} ({figures['database']})" for name, figures in columns) + " |"
    lines = [head, "|---" * (len(columns) + 1) + "|"]
    for label, cell in ROWS:
        cells = [cell(figures[variant][name]) for name, figures in columns]
        lines.append(f"| {label.format(c=concurrency)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--latency-ms", type=float, default=50)
    parser.add_argument("--jitter-ms", type=float, default=25, help="0: no jitter variant")
    parser.add_argument("--views", type=int, default=200, help="views per profile at 1 client")
    parser.add_argument("--loaded-views", type=int, default=640, help="views per profile at --concurrency clients")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--database", action="append", help="sqlite and/or postgres:// URLs of a server "
                        "(default: both, PostgreSQL at postgres://postgres@127.0.0.1:5432/postgres)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="an extra environment variable for IKO (repeat)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    databases = args.database or ["sqlite", "postgres://postgres@127.0.0.1:5432/postgres"]

    parents = tree_parents()
    started_on = machine()
    results = [bench_database(database, args, parents) for database in databases]
    setup = (f"gunicorn gthread {args.workers}x{args.threads}, production settings; demo sources and load "
             f"generator on the same machine; {args.views} views per profile at 1 client, "
             f"{args.loaded_views} at {args.concurrency}")
    print(f"IKO realistic-profile benchmark\n  {setup}\n  before: {started_on}\n  after:  {machine()}\n")
    print(f"Every source at {args.latency_ms:g} ms:\n")
    print(table(results, "fixed", (*DEMO_PROFILES, FLAT), args.concurrency))
    print("\nA hanging source (timeout 0.5 s), extra time p95 at 1 client: "
          + ", ".join(f"{r['database']} {r['hanging_source_extra_ms_p95']:g} ms" for r in results))
    if args.jitter_ms:
        print(f"\nEvery answer after {args.latency_ms:g} +- {args.jitter_ms:g} ms (uniform; the floor uses the "
              f"mean latency):\n")
        print(table(results, "jitter", DEMO_PROFILES, args.concurrency))
    if args.json:
        args.json.write_text(json.dumps({"setup": setup, "machine": [started_on, machine()], "results": results},
                                        indent=2) + "\n")


if __name__ == "__main__":
    main()
