"""Scale-out check: two IKO instances behind nginx with one PostgreSQL and one Redis; one instance
stops in the middle of the load.

    .venv/bin/python bench/scaleout.py [--views 3000] [--concurrency 16] [--drain SECONDS]
        [--postgres postgres://postgres@127.0.0.1:5432/postgres] [--redis redis://127.0.0.1:6379/9]

What it does, all on 127.0.0.1:
1. creates a throw-away PostgreSQL database `iko_scaleout_<pid>` (dropped at the end), starts demo
   BRP sources with latency and configures IKO (bench/fanout.py), with `IKO_REDIS_URL` and the
   grant/config cache times set;
2. starts two IKO instances (gunicorn gthread, production settings) and nginx in front of them
   (bench/nginx.conf.template: round robin; a POST goes to the other instance only when the
   connection was refused, never after it was sent - see the template for why);
3. puts --views views at --concurrency clients through nginx and, halfway, stops instance B with
   SIGTERM (graceful shutdown: take the connections waiting, refuse new ones, finish what is in
   flight); with --drain, B is first taken out of nginx (reload) for that many seconds, as a
   Kubernetes preStop sleep lets the Service forget a pod before it gets SIGTERM;
4. starts B again, lets both instances answer with the grant in their caches, revokes the grant
   with the ORM (as saving it in the admin does) and polls both instances directly until each
   denies every request; the time that takes must stay within IKO_GRANT_CACHE_SECONDS;
5. compares the processing log with the answers: every request IKO answered (each carries its
   own traceparent) must have exactly one processing record with that trace id.

Checks (exit 1 if one fails): no failed view (the stopping instance refuses new connections at
once, so nginx passes them to the other one: iko_project/gunicorn_worker.py); B exited cleanly
(status 0); the revocation was denied on both instances within the cache time (plus the polling
step); no answer without its processing record, and no request recorded twice.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import string
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fanout  # noqa: E402
from harness import REPO, ThrowawayDatabase, env_options, free_port, iko_env, start_instance  # noqa: E402
from load import Load, is_error, pcts, view_once  # noqa: E402

TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"


def nginx_config(prefix: Path, port: int, upstreams: list[int], down: tuple[int, ...] = ()) -> str:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise SystemExit("nginx is not installed: apt-get install -y nginx-light")
    for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / name).mkdir(parents=True, exist_ok=True)
        (prefix / name).chmod(0o777)
    servers = "\n".join(
        f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=5s{' down' if p in down else ''};" for p in upstreams
    )
    config = string.Template(TEMPLATE.read_text()).substitute(
        prefix=prefix, listen=f"127.0.0.1:{port}", upstreams=servers,
        # As root, nginx's workers would run as `nobody`; keep them as the user who runs this.
        user="user root;" if os.geteuid() == 0 else "",
    )
    # Which instance answered (and whether nginx had to try the other one): for the report.
    config = config.replace("            proxy_pass http://iko;",
                            "            proxy_pass http://iko;\n            add_header X-Iko-Upstream $upstream_addr always;")
    (prefix / "nginx.conf").write_text(config)
    test = subprocess.run([nginx, "-t", "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
                          capture_output=True, text=True)
    if test.returncode:
        raise RuntimeError(f"nginx refuses the configuration {prefix / 'nginx.conf'}:\n{test.stderr}")
    return nginx


def start_nginx(prefix: Path, port: int, upstreams: list[int]) -> subprocess.Popen:
    nginx = nginx_config(prefix, port, upstreams)
    process = subprocess.Popen([nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/admin/login/", timeout=5)
            return process
        except requests.RequestException:
            time.sleep(0.1)
    raise RuntimeError("nginx did not start")


def manage(env: dict[str, str], code: str) -> str:
    """Run Python in a Django shell of this IKO (the way an admin's change reaches the database)."""
    done = subprocess.run([sys.executable, "manage.py", "shell", "--no-imports", "-c", code], cwd=REPO, env=env,
                          check=True, capture_output=True, text=True)
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def redis_supported(env: dict[str, str]) -> bool:
    out = manage(env, "from django.conf import settings; print(bool(getattr(settings, 'IKO_REDIS_URL', '')))")
    return out == "True"


def poll_until_denied(bases: dict[str, str], *, burst: int, streak: int, limit_s: float, started: float) -> dict:
    """Per instance: send bursts of `burst` concurrent views until `streak` bursts in a row are all
    403. Returns, per instance, seconds from `started` to the first burst of that final streak."""
    state = {name: {"streak_start": None, "streak": 0, "done": False, "answers": []} for name in bases}
    sessions = [requests.Session() for _ in range(burst)]
    with ThreadPoolExecutor(burst * len(bases)) as pool:
        while not all(s["done"] for s in state.values()) and time.time() - started < limit_s:
            at = time.time()
            futures = {name: [pool.submit(view_once, sessions[i], base) for i in range(burst)]
                       for name, base in bases.items() if not state[name]["done"]}
            for name, items in futures.items():
                results = [f.result() for f in items]
                state[name]["answers"].extend(results)
                if all(r["status"] == 403 for r in results):
                    if state[name]["streak"] == 0:
                        state[name]["streak_start"] = at - started
                    state[name]["streak"] += 1
                    state[name]["done"] = state[name]["streak"] >= streak
                else:
                    state[name]["streak"], state[name]["streak_start"] = 0, None
            time.sleep(0.05)
    return state


def processing_records(database_url: str) -> dict[str, list[tuple[str, int]]]:
    import psycopg

    url = database_url.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT trace_id, outcome, http_status FROM profiles_processingrecord").fetchall()
    records: dict[str, list[tuple[str, int]]] = {}
    for trace_id, outcome, status in rows:
        records.setdefault(trace_id, []).append((outcome, status))
    return records


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--views", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--stop-at", type=float, default=0.5, help="stop instance B after this share of the views")
    parser.add_argument(
        "--drain", type=float, default=0.0, metavar="SECONDS",
        help="take B out of nginx (reload) this long before its SIGTERM, as a Kubernetes preStop sleep does; "
        "0 (default): SIGTERM without warning, the harder case")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres",
                        help="a PostgreSQL server (its database is used only to create and drop the throw-away one)")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/9", help="IKO_REDIS_URL of both instances")
    parser.add_argument("--cache-seconds", type=float, default=5.0,
                        help="IKO_GRANT_CACHE_SECONDS and IKO_CONFIG_CACHE_SECONDS of both instances")
    parser.add_argument("--sources", type=int, default=3)
    parser.add_argument("--latency-ms", type=float, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE", help="extra IKO environment")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="iko-scaleout-"))
    running: list[subprocess.Popen] = []
    sources = None
    keep = False
    with ThrowawayDatabase(args.postgres, "iko_scaleout") as database:
        try:
            cache = f"{args.cache_seconds:g}"
            env = iko_env(str(tmp / "var"), database.url, IKO_REDIS_URL=args.redis,
                          IKO_REDIS_PREFIX=f"iko:scaleout:{os.getpid()}:",
                          IKO_GRANT_CACHE_SECONDS=cache, IKO_CONFIG_CACHE_SECONDS=cache, **env_options(args.env))
            sources, ports, hang_port = fanout.start_sources(args.sources, args.latency_ms)
            fanout.configure_iko(env, ports, hang_port)
            redis_used = redis_supported(env)
            port_a, port_b, port_nginx = free_port(), free_port(), free_port()
            instance_a = start_instance(env, port_a, args.workers, args.threads, tmp / "a.log")
            running.append(instance_a)
            instance_b = start_instance(env, port_b, args.workers, args.threads, tmp / "b.log")
            running.append(instance_b)
            nginx = start_nginx(tmp / "nginx", port_nginx, [port_a, port_b])
            running.append(nginx)
            readiness = {}
            for name, port in (("A", port_a), ("B", port_b)):
                try:
                    answer = requests.get(f"http://127.0.0.1:{port}/_healthz/readyz", timeout=5)
                    readiness[name] = f"{answer.status_code} {answer.text.strip()[:200]}"
                except requests.RequestException as exc:
                    readiness[name] = type(exc).__name__

            # -- 3. load through nginx, stopping B halfway --------------------------------------
            stop = {"at": None, "views": None, "exit_code": None, "shutdown_s": None, "error": None}

            def stop_b() -> None:
                try:
                    if args.drain:
                        nginx_config(tmp / "nginx", port_nginx, [port_a, port_b], down=(port_b,))
                        nginx.send_signal(signal.SIGHUP)  # reload: new requests go to A only
                        time.sleep(args.drain)
                    stop["at"] = time.monotonic()
                    instance_b.send_signal(signal.SIGTERM)
                    stop["exit_code"] = instance_b.wait(timeout=60)
                    stop["shutdown_s"] = round(time.monotonic() - stop["at"], 2)
                except Exception as exc:  # reported as a failed check, not lost in a thread
                    stop["error"] = repr(exc)

            def on_progress(done: int) -> None:
                if stop["views"] is None and done >= args.views * args.stop_at:
                    stop["views"] = done
                    threading.Thread(target=stop_b, daemon=True).start()

            load = Load(f"http://127.0.0.1:{port_nginx}", args.views, args.concurrency)
            seconds = load.run(on_progress)
            waited = time.monotonic()
            while stop["views"] is not None and stop["exit_code"] is None and stop["error"] is None \
                    and time.monotonic() - waited < 60 + args.drain:
                time.sleep(0.1)
            results = load.results
            failed = [r for r in results if is_error(r)]
            after_stop = [r for r in results if stop["at"] and r["at"] >= stop["at"]]
            upstream_b = f"127.0.0.1:{port_b}"
            answered_by = {
                "A": sum(1 for r in results if r["upstream"].endswith(f"127.0.0.1:{port_a}")),
                "B": sum(1 for r in results if r["upstream"].endswith(upstream_b)),
            }
            retried = sum(1 for r in results if "," in r["upstream"])

            # -- 4. B back, then revoke the grant and time the denials on both ------------------
            running.remove(instance_b)
            instance_b = start_instance(env, port_b, args.workers, args.threads, tmp / "b.log")
            running.append(instance_b)
            if args.drain:
                nginx_config(tmp / "nginx", port_nginx, [port_a, port_b])
                nginx.send_signal(signal.SIGHUP)
            bases = {"A": f"http://127.0.0.1:{port_a}", "B": f"http://127.0.0.1:{port_b}"}
            warm: list[dict] = []
            with ThreadPoolExecutor(8) as pool:
                for name, base in bases.items():
                    warm += list(pool.map(lambda _: view_once(requests.Session(), base), range(32)))
            warm_ok = all(r["status"] == 200 for r in warm)
            revoked_at = float(manage(env, (
                "import time; from profiles.models import Grant; "
                "g = Grant.objects.get(profile__name='fanout', api_client__name='bench'); "
                "g.enabled = False; g.save(); print(time.time())"
            )))
            denial = poll_until_denied(bases, burst=8, streak=3, limit_s=args.cache_seconds * 3 + 10, started=revoked_at)
            denied_after = {name: s["streak_start"] if s["done"] else None for name, s in denial.items()}
            both_denied_s = max(denied_after.values()) if all(v is not None for v in denied_after.values()) else None
            # One polling round (a burst of 8 views) is the resolution of this measurement.
            tolerance_s = 1.0
            poll_answers = [r for s in denial.values() for r in s["answers"]]

            # -- 5. the processing log against the answers ---------------------------------------
            records = processing_records(database.url)
            sent = results + warm + poll_answers
            answered = [r for r in sent if r["from_iko"]]
            missing = [r["trace_id"] for r in answered if r["trace_id"] not in records]
            twice = [t for t in {r["trace_id"] for r in sent} if len(records.get(t, [])) > 1]
            not_answered_but_recorded = [r["trace_id"] for r in sent if not r["from_iko"] and r["trace_id"] in records]
            status_mismatch = [r["trace_id"] for r in answered if r["trace_id"] in records
                               and records[r["trace_id"]][0][1] != r["status"]]

            figures = {
                "machine": f"{platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}",
                "setup": (f"2 IKO instances (gunicorn gthread {args.workers}x{args.threads}, production settings) behind "
                          f"nginx, PostgreSQL database {database.name}, {args.sources} demo BRP sources at "
                          f"{args.latency_ms:g} ms, IKO_GRANT_CACHE_SECONDS={cache}, IKO_CONFIG_CACHE_SECONDS={cache}"),
                "redis": f"IKO_REDIS_URL={args.redis} " + ("(read by this IKO)" if redis_used else
                                                          "(set, but this IKO's settings do not read it)"),
                "readyz": readiness,
                "views": len(results),
                "concurrency": args.concurrency,
                "seconds": round(seconds, 1),
                "views_per_second": round(len(results) / seconds, 1),
                "latency_ms": pcts([r["ms"] for r in results]),
                "failed": len(failed),
                "failed_percent": round(100 * len(failed) / max(1, len(results)), 3),
                "failed_kinds": sorted({f"{r['status']} {r['error']}".strip() for r in failed}),
                "b_stopped_after_views": stop["views"],
                "b_drained_before_stop_s": args.drain,
                "b_exit_code": stop["exit_code"] if stop["error"] is None else stop["error"],
                "b_graceful_shutdown_s": stop["shutdown_s"],
                "views_after_stop": len(after_stop),
                "failed_after_stop": sum(1 for r in after_stop if is_error(r)),
                "answered_by": answered_by,
                "retried_on_the_other_instance": retried,
                "grant_warm_on_both": warm_ok,
                "revocation_denied_after_s": {k: (round(v, 2) if v is not None else None) for k, v in denied_after.items()},
                "revocation_denied_on_both_after_s": round(both_denied_s, 2) if both_denied_s is not None else None,
                "cache_seconds": args.cache_seconds,
                "processing_log": {
                    "requests_sent": len(sent), "answered_by_iko": len(answered),
                    "records_for_these_requests": sum(len(records.get(r["trace_id"], [])) for r in sent),
                    "answers_without_record": len(missing), "requests_recorded_twice": len(twice),
                    "recorded_but_no_answer": len(not_answered_but_recorded),
                    "record_status_differs_from_answer": len(status_mismatch),
                },
            }
            checks = {
                "no failed view": not failed,
                "instance B stopped gracefully (exit 0)": stop["exit_code"] == 0 and stop["error"] is None,
                "the grant worked on both instances before the revocation": warm_ok,
                f"revocation denied on both within {args.cache_seconds:g} s (+{tolerance_s:g} s polling)": (
                    both_denied_s is not None and both_denied_s <= args.cache_seconds + tolerance_s),
                "every answer has its processing record": not missing,
                "no request recorded twice": not twice,
                "each record has the answer's status": not status_mismatch,
            }
            figures["checks"] = checks
            print(report(figures))
            if args.json:
                args.json.write_text(json.dumps(figures, indent=2) + "\n")
            ok = all(checks.values())
            if not ok:
                keep = True
                print(f"logs kept in {tmp} (a.log, b.log, nginx/error.log)", file=sys.stderr)
            return 0 if ok else 1
        finally:
            for process in reversed(running):
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
                    try:
                        process.wait(timeout=30)
                    except subprocess.TimeoutExpired:
                        process.kill()
            if sources:
                sources.kill()
            _redis_forget(args.redis, f"iko:scaleout:{os.getpid()}:")
            if not keep and sys.exc_info()[0] is None and not os.environ.get("IKO_BENCH_KEEP"):
                shutil.rmtree(tmp, ignore_errors=True)


def _redis_forget(url: str, prefix: str) -> None:
    """Delete this run's keys (rate-limit counters, lookup counts) from the shared Redis."""
    try:
        import redis

        client = redis.Redis.from_url(url, socket_timeout=2)
        keys = list(client.scan_iter(match=prefix + "*", count=1000))
        if keys:
            client.delete(*keys)
    except Exception as exc:  # noqa: BLE001 - cleaning up is best effort
        print(f"could not remove the Redis keys {prefix}*: {exc!r}", file=sys.stderr)


def report(f: dict) -> str:
    log = f["processing_log"]
    lines = [
        "IKO scale-out check",
        f"  {f['setup']}",
        f"  {f['redis']}",
        f"  {f['machine']}",
        f"  readyz: " + "; ".join(f"{k}: {v}" for k, v in f["readyz"].items()),
        f"load: {f['views']} views at {f['concurrency']} clients through nginx in {f['seconds']} s "
        f"({f['views_per_second']} views/s); latency " + " / ".join(f"{k} {v}" for k, v in f["latency_ms"].items()) + " ms",
        f"failed views: {f['failed']} ({f['failed_percent']}%) {f['failed_kinds'] or ''}".rstrip(),
        f"instance B: {'taken out of nginx %gs before its ' % f['b_drained_before_stop_s'] if f['b_drained_before_stop_s'] else ''}"
        f"SIGTERM after {f['b_stopped_after_views']} views, exit code {f['b_exit_code']}, "
        f"graceful shutdown took {f['b_graceful_shutdown_s']} s; {f['views_after_stop']} views after the stop, "
        f"{f['failed_after_stop']} failed",
        f"answered by A: {f['answered_by']['A']}, by B: {f['answered_by']['B']}; "
        f"passed to the other instance after a refused connect: {f['retried_on_the_other_instance']}",
        f"grant revoked (ORM): denied on A after {f['revocation_denied_after_s']['A']} s, on B after "
        f"{f['revocation_denied_after_s']['B']} s; on both after {f['revocation_denied_on_both_after_s']} s "
        f"(cache time {f['cache_seconds']:g} s)",
        f"processing log: {log['requests_sent']} requests, {log['answered_by_iko']} answered by IKO, "
        f"{log['records_for_these_requests']} records; answers without a record: {log['answers_without_record']}, "
        f"recorded twice: {log['requests_recorded_twice']}, recorded without an answer: {log['recorded_but_no_answer']}",
        "checks:",
    ]
    lines += [f"  [{'ok' if ok else 'FAILED'}] {name}" for name, ok in f["checks"].items()]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
