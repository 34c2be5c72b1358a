"""Fan-out benchmark: IKO under gunicorn (gthread) against demo BRP sources with injected latency.

    .venv/bin/python bench/fanout.py [--sources 6] [--latency-ms 50] [--views 400]

It starts N demo BRP Personen servers (each answering after --latency-ms) in a separate process,
configures a throw-away IKO (SQLite in a temp dir) with a profile of N relations, one per source,
starts gunicorn, and measures over real HTTP on 127.0.0.1:
- view latency p50/p95/p99, and the overhead over the slowest source of each view
  (view latency minus the largest `durationMs` in its `sources`), beside the sequential sum;
- views per second at 1 and at 32 concurrent clients;
- CPU time of the gunicorn workers per view, and their resident memory;
- a profile whose extra source hangs: how much longer than that source's timeout a view takes.
Targets: overhead p50 <= 10 ms, p95 <= 25 ms; CPU per view
<= 2 ms + 1 ms per source call; a hanging source costs at most its timeout + 50 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import (  # noqa: E402  (bench/ is not a package)
    REPO, cpu_seconds, free_port, percentile, rss_mb, start_instance, worker_pids,
)

TOKEN = "iko_bench_token"
BSN = "999993653"
HANG_TIMEOUT = 0.5


def start_sources(count: int, latency_ms: float) -> tuple[subprocess.Popen, list[int], int]:
    """One process serving `count` BRP demo servers with latency, plus one that hangs."""
    ports = [free_port() for _ in range(count)]
    hang_port = free_port()
    code = f"""
import signal, threading
from demo.servers.brp import start_brp_server
servers = [start_brp_server(port=p, latency_ms={latency_ms}, failure_rate=0) for p in {ports}]
servers.append(start_brp_server(port={hang_port}, failure_rate=1, fail_mode="hang"))
print("ready", flush=True)
threading.Event().wait()
"""
    process = subprocess.Popen([sys.executable, "-c", code], cwd=REPO, stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "ready", "demo sources did not start"
    return process, ports, hang_port


def configure_iko(env: dict[str, str], ports: list[int], hang_port: int) -> None:
    script = f"""
from zgw_consumers.constants import APITypes, AuthTypes
from zgw_consumers.models import Service
from profiles.access.api_clients import ApiClient
from connectors.models import Source
from profiles.models import Grant, Profile, Purpose, Relation

purpose = Purpose.objects.create(code="bench", name="Benchmark")
client = ApiClient(name="bench", default_purpose=purpose)
client.set_new_token("{TOKEN}")
client.save()

def source(port, timeout):
    service, _ = Service.objects.get_or_create(api_root=f"http://127.0.0.1:{{port}}/haalcentraal/api/brp/",
        defaults=dict(label=f"brp-{{port}}", slug=f"brp-{{port}}", api_type=APITypes.orc, auth_type=AuthTypes.no_auth, timeout=10))
    return Source.objects.get_or_create(name=f"brp-{{port}}", defaults=dict(connector="brp", service=service, timeout=timeout))[0]

def profile(name, ports, timeout):
    p = Profile.objects.create(name=name, title=name, subject_types=["bsn"], status="active")
    for i, port in enumerate(ports):
        Relation.objects.create(profile=p, name=f"persoon{{i}}", source=source(port, timeout[i]),
            operation="RaadpleegMetBurgerservicenummer", fields=["naam.volledigeNaam", "geboorte.datum"])
    Grant.objects.create(api_client=client, profile=p, purpose=purpose)

profile("fanout", {ports}, [5.0] * {len(ports)})
profile("hanging", {ports[:1] + [hang_port]}, [5.0, {HANG_TIMEOUT}])
"""
    subprocess.run([sys.executable, "manage.py", "migrate", "--verbosity", "0"], cwd=REPO, env=env, check=True)
    subprocess.run([sys.executable, "manage.py", "shell", "-c", script], cwd=REPO, env=env, check=True)


def one_view(session: requests.Session, base: str, profile: str) -> dict:
    started = time.perf_counter()
    response = session.post(
        f"{base}/api/v1/profiles/{profile}/view",
        json={"subject": {"type": "bsn", "value": BSN}},
        headers={"Authorization": f"Token {TOKEN}"},
        timeout=30,
    )
    elapsed_ms = (time.perf_counter() - started) * 1000
    body = response.json()
    durations = [s["durationMs"] for s in body.get("sources", {}).values()]
    return {"status": response.status_code, "ms": elapsed_ms,
            "slowest": max(durations) if durations else 0.0, "sum": sum(durations), "complete": body.get("complete")}


def run_load(base: str, profile: str, views: int, concurrency: int) -> tuple[list[dict], float]:
    local = threading.local()

    def task(_):
        if not hasattr(local, "session"):
            local.session = requests.Session()
        return one_view(local.session, base, profile)

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(task, range(views)))
    return results, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=int, default=6)
    parser.add_argument("--latency-ms", type=float, default=50)
    parser.add_argument("--views", type=int, default=400, help="views per measured run")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="iko-bench-")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(IKO_ENV="development", IKO_VAR_DIR=tmp, DJANGO_SETTINGS_MODULE="iko_project.settings.development",
               IKO_LOG_LEVEL="WARNING")
    sources, ports, hang_port = start_sources(args.sources, args.latency_ms)
    gunicorn = None
    try:
        configure_iko(env, ports, hang_port)
        port = free_port()
        gunicorn = start_instance(env, port, args.workers, args.threads, Path(tmp) / "gunicorn.log")
        base = f"http://127.0.0.1:{port}"
        run_load(base, "fanout", 100, 8)  # warm-up: imports, connections, compiled expressions

        pids = worker_pids(gunicorn.pid)
        cpu_before = cpu_seconds(pids)
        serial, serial_s = run_load(base, "fanout", args.views // 2, 1)
        cpu_per_view_c1_ms = (cpu_seconds(pids) - cpu_before) / len(serial) * 1000
        cpu_before = cpu_seconds(pids)
        loaded, loaded_s = run_load(base, "fanout", args.views * 2, 32)
        cpu_per_view_ms = (cpu_seconds(pids) - cpu_before) / len(loaded) * 1000
        memory = [round(rss_mb(pid), 1) for pid in pids]
        hanging, _ = run_load(base, "hanging", 20, 1)  # the cost of one view, not of queueing

        all_views = serial + loaded
        errors = sum(1 for r in all_views if r["status"] != 200 or not r["complete"])
        overhead = [r["ms"] - r["slowest"] for r in serial]
        overhead_loaded = [r["ms"] - r["slowest"] for r in loaded]
        figures = {
            "machine": f"{platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}",
            "setup": f"{args.sources} sources at {args.latency_ms:g} ms, gunicorn gthread {args.workers}x{args.threads}, SQLite",
            "latency_ms_c1": {p: round(percentile([r["ms"] for r in serial], p), 1) for p in (50, 95, 99)},
            "overhead_ms_c1": {p: round(percentile(overhead, p), 1) for p in (50, 95, 99)},
            "overhead_ms_c32": {p: round(percentile(overhead_loaded, p), 1) for p in (50, 95, 99)},
            "sequential_sum_ms_p50": round(statistics.median(r["sum"] for r in serial), 1),
            "views_per_second_c1": round(len(serial) / serial_s, 1),
            "views_per_second_c32": round(len(loaded) / loaded_s, 1),
            "latency_ms_c32": {p: round(percentile([r["ms"] for r in loaded], p), 1) for p in (50, 95, 99)},
            # CPU of the workers per view, measured alone (c1) and under load (c32, where 48
            # threads per core also pay for GIL hand-overs and context switches).
            "cpu_ms_per_view_c1": round(cpu_per_view_c1_ms, 2),
            "cpu_ms_per_view_c32": round(cpu_per_view_ms, 2),
            "cpu_budget_ms": 2 + args.sources,
            "worker_rss_mb": memory,
            "hanging_source_extra_ms_p95": round(percentile([r["ms"] - HANG_TIMEOUT * 1000 for r in hanging], 95), 1),
            "errors": errors,
        }
        print(json.dumps(figures, indent=2))
        if args.json:
            args.json.write_text(json.dumps(figures, indent=2) + "\n")
    finally:
        if gunicorn:
            gunicorn.send_signal(signal.SIGTERM)
            gunicorn.wait(timeout=30)
        sources.kill()


if __name__ == "__main__":
    main()
