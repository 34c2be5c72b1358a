"""Load benchmark: many views at many concurrent clients, errors, throughput, latency, and whether
the workers' memory stays flat.

    .venv/bin/python bench/load.py [--views 20000] [--concurrency 32] [--database sqlite|postgres://...]

It reuses bench/fanout.py: demo BRP Personen servers that answer after --latency-ms (one process),
a throw-away IKO configured with a profile of --sources relations (one per source), and IKO under
gunicorn (gthread, --workers x --threads) in production mode. Then --views views run over real
HTTP on 127.0.0.1 from --concurrency clients (threads with a kept-alive session each). Every
--sample-every views the resident memory (RSS) of each gunicorn worker is read from /proc: the
first sample after --warmup views is the baseline, and the report gives, per worker, the baseline,
the last sample, the largest sample and the growth, so "flat after warm-up" is a number.

An error is any answer that is not a 200 with `complete: true`, or no answer. The run fails
(exit 1) on any error, or when a worker grows more than --max-growth-mb after warm-up.

--database postgres://user@host:port/db creates a throw-away database `iko_load_<pid>` on that
server (connecting to `db` to create it) and drops it afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import signal
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fanout  # noqa: E402  (bench/ is not a package)
from harness import (  # noqa: E402
    ThrowawayDatabase, cpu_seconds, env_options, free_port, iko_env, percentile, rss_mb, start_instance,
    worker_pids,
)


def view_once(session: requests.Session, base: str, profile: str = "fanout", timeout: float = 30) -> dict:
    """One view; never raises: a failure is a result with status 0 and the exception's name.

    Each request carries its own W3C `traceparent`, so its processing record can be found by trace
    id even when the answer never arrived. `from_iko` tells IKO's answers (they carry
    `API-Version`) from a proxy's; `upstream` is the proxy's `X-Iko-Upstream` header, if any.
    """
    trace_id = secrets.token_hex(16)
    started = time.perf_counter()
    try:
        response = session.post(
            f"{base}/api/v1/profiles/{profile}/view",
            json={"subject": {"type": "bsn", "value": fanout.BSN}},
            headers={"Authorization": f"Token {fanout.TOKEN}",
                     "traceparent": f"00-{trace_id}-{secrets.token_hex(8)}-01"},
            timeout=timeout,
        )
        elapsed_ms = (time.perf_counter() - started) * 1000
        try:
            body = response.json()
        except ValueError:
            body = {}
        return {"status": response.status_code, "ms": elapsed_ms, "complete": body.get("complete"),
                "trace_id": trace_id, "error": "", "from_iko": "API-Version" in response.headers,
                "upstream": response.headers.get("X-Iko-Upstream", "")}
    except requests.RequestException as exc:
        return {"status": 0, "ms": (time.perf_counter() - started) * 1000, "complete": None,
                "trace_id": trace_id, "error": type(exc).__name__, "from_iko": False, "upstream": ""}


def is_error(result: dict) -> bool:
    return result["status"] != 200 or result["complete"] is not True


def pcts(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    return {f"p{p}": round(percentile(values, p), 1) for p in (50, 90, 95, 99)} | {"max": round(max(values), 1)}


# --- the load ------------------------------------------------------------------------------------


class Load:
    """`views` views from `concurrency` clients; `on_progress(done)` is called from a monitor
    thread about every 50 ms, for sampling."""

    def __init__(self, base: str, views: int, concurrency: int, profile: str = "fanout"):
        self.base, self.views, self.concurrency, self.profile = base, views, concurrency, profile
        self.results: list[dict] = []
        self._next = 0
        self._lock = threading.Lock()

    def _client(self) -> None:
        session = requests.Session()
        while True:
            with self._lock:
                if self._next >= self.views:
                    return
                self._next += 1
            result = view_once(session, self.base, self.profile)
            result["at"] = time.monotonic()
            with self._lock:
                self.results.append(result)

    def run(self, on_progress=None) -> float:
        started = time.perf_counter()
        done = threading.Event()

        def monitor():
            while not done.wait(0.05):
                if on_progress:
                    on_progress(len(self.results))

        watcher = threading.Thread(target=monitor, daemon=True)
        watcher.start()
        with ThreadPoolExecutor(self.concurrency) as pool:
            for future in [pool.submit(self._client) for _ in range(self.concurrency)]:
                future.result()
        done.set()
        watcher.join()
        if on_progress:
            on_progress(len(self.results))
        return time.perf_counter() - started


def report(figures: dict) -> str:
    latency = figures["latency_ms_after_warmup"]
    lines = [
        f"IKO load benchmark: {figures['views']} views at {figures['concurrency']} concurrent clients",
        f"  {figures['setup']}",
        f"  {figures['machine']}",
        f"errors:              {figures['errors']} {figures['error_kinds'] or ''}".rstrip(),
        f"throughput:          {figures['views_per_second']} views/s ({figures['seconds']} s)",
        "latency (after warm-up): " + " / ".join(f"{k} {v}" for k, v in latency.items()) + " ms",
        f"worker CPU per view: {figures['cpu_ms_per_view']} ms",
        "memory per worker (RSS, MB), sampled at views " + " ".join(map(str, figures["sampled_at_views"])) + ":",
    ]
    for pid, worker in figures["workers"].items():
        lines.append(f"  worker {pid}: start {worker['at_start_mb']}, after warm-up {worker['after_warmup_mb']}, "
                     f"last {worker['last_mb']}, growth {worker['growth_mb']}, max growth {worker['max_growth_mb']}, "
                     f"growth in the second half {worker['second_half_growth_mb']}")
        lines.append("    " + " ".join(str(v) for v in figures["rss_series_mb"][pid]))
    lines.append(f"max growth after warm-up: {figures['max_growth_after_warmup_mb']} MB; "
                 f"worker restarts: {figures['worker_restarts'] or 'none'}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--views", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--database", default="sqlite", help="sqlite (default) or a postgres:// URL of a server")
    parser.add_argument("--sources", type=int, default=6)
    parser.add_argument("--latency-ms", type=float, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--warmup", type=int, default=1000, help="views before the memory baseline")
    parser.add_argument("--sample-every", type=int, default=1000, help="read the workers' RSS every N views")
    parser.add_argument("--max-growth-mb", type=float, default=10.0, help="fail above this growth after warm-up")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="an extra environment variable for IKO (repeat), e.g. IKO_GRANT_CACHE_SECONDS=5")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="iko-load-")
    database = ThrowawayDatabase(args.database, "iko_load") if args.database != "sqlite" else None
    sources, gunicorn = None, None
    try:
        if database:
            database.__enter__()
        env = iko_env(tmp, database.url if database else None, **env_options(args.env))
        sources, ports, hang_port = fanout.start_sources(args.sources, args.latency_ms)
        fanout.configure_iko(env, ports, hang_port)
        port = free_port()
        gunicorn = start_instance(env, port, args.workers, args.threads, Path(tmp) / "gunicorn.log")
        base = f"http://127.0.0.1:{port}"
        pids = worker_pids(gunicorn.pid)
        samples: list[dict] = []
        next_sample = [0]

        def sample(done: int) -> None:
            if done >= next_sample[0] or (done >= args.views and samples[-1]["views"] != done):
                current = worker_pids(gunicorn.pid)
                samples.append({"views": done, "pids": current,
                                "rss_mb": {pid: round(rss_mb(pid), 1) for pid in current}})
                next_sample[0] = (done // args.sample_every + 1) * args.sample_every

        cpu_before = cpu_seconds(pids)
        load = Load(base, args.views, args.concurrency)
        seconds = load.run(sample)
        cpu_ms_per_view = (cpu_seconds([p for p in pids if Path(f"/proc/{p}").exists()]) - cpu_before) / args.views * 1000

        results = load.results
        errors = [r for r in results if is_error(r)]
        measured = [r["ms"] for r in results[args.warmup:]] or [r["ms"] for r in results]
        after_warmup = [s for s in samples if s["views"] >= args.warmup] or samples[-1:]
        baseline, last = after_warmup[0], samples[-1]
        workers = {}
        for pid in pids:
            series = [s["rss_mb"][pid] for s in after_warmup if pid in s["rss_mb"]]
            if not series:
                continue
            half = [s["rss_mb"][pid] for s in samples if pid in s["rss_mb"] and s["views"] >= args.views // 2]
            workers[str(pid)] = {"at_start_mb": samples[0]["rss_mb"].get(pid), "after_warmup_mb": series[0],
                                 "last_mb": series[-1], "max_mb": max(series), "growth_mb": round(series[-1] - series[0], 1),
                                 "max_growth_mb": round(max(series) - series[0], 1),
                                 # A leak keeps growing; a warm-up does not: the second half tells them apart.
                                 "second_half_growth_mb": round(half[-1] - half[0], 1) if half else None}
        restarted = sorted(set(last["pids"]) ^ set(pids))
        figures = {
            "machine": f"{platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}",
            "setup": (f"{args.sources} demo BRP sources at {args.latency_ms:g} ms, gunicorn gthread "
                      f"{args.workers}x{args.threads}, {'PostgreSQL' if database else 'SQLite'}, production settings, "
                      f"load generator on the same machine"),
            "views": len(results),
            "concurrency": args.concurrency,
            "errors": len(errors),
            "error_kinds": sorted({f"{r['status']} {r['error'] or ('incomplete' if r['status'] == 200 else '')}".strip() for r in errors}),
            "seconds": round(seconds, 1),
            "views_per_second": round(len(results) / seconds, 1),
            "latency_ms_after_warmup": pcts(measured),
            "cpu_ms_per_view": round(cpu_ms_per_view, 2),
            "memory_samples": len(samples),
            "workers": workers,
            "worker_restarts": restarted,
            "max_growth_after_warmup_mb": max((w["max_growth_mb"] for w in workers.values()), default=None),
            "rss_series_mb": {str(pid): [s["rss_mb"].get(pid) for s in samples] for pid in pids},
            "sampled_at_views": [s["views"] for s in samples],
        }
        print(report(figures))
        if args.json:
            args.json.write_text(json.dumps(figures, indent=2) + "\n")
        failed = []
        if errors:
            failed.append(f"{len(errors)} errors")
        if figures["max_growth_after_warmup_mb"] is not None and figures["max_growth_after_warmup_mb"] > args.max_growth_mb:
            failed.append(f"a worker grew {figures['max_growth_after_warmup_mb']} MB after warm-up")
        if restarted:
            failed.append(f"workers restarted: {restarted}")
        print("FAIL: " + "; ".join(failed) if failed else "OK: no errors, memory flat after warm-up", file=sys.stderr)
        return 1 if failed else 0
    finally:
        if gunicorn:
            gunicorn.send_signal(signal.SIGTERM)
            gunicorn.wait(timeout=30)
        if sources:
            sources.kill()
        if database:
            database.__exit__()
        if sys.exc_info()[0] is None and not os.environ.get("IKO_BENCH_KEEP"):
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
