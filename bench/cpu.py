"""IKO's own cost per view, measured so that a busy machine does not change the figure much:
the CPU time (or the instructions, under callgrind) of one process that serves views through
IKO's WSGI application, without gunicorn, HTTP clients or other processes in the count.

    .venv/bin/python bench/cpu.py [--profile fanout|klantbeeld|bedrijfsbeeld] [--views 300]
        [--database sqlite|postgres://...] [--callgrind] [--cprofile FILE] [--latency-ms 5]

It makes a throw-away IKO (production settings, a temp dir; PostgreSQL: a database
`iko_cpu_<pid>` dropped afterwards) configured like bench/realistic.py (the demo's profiles
against the seven demo sources, and the flat profile of six BRP sources of bench/fanout.py, the
sources in processes of their own), then starts a measuring process that calls the WSGI
application for one view after another (one client) and reports:

- `cpu_ms_per_view`: the process's user + system CPU time per view (all its threads: the
  request, the engine's pool, database and HTTP clients), after a warm-up;
- `queries_per_view`: the database queries of the request thread for one view, by kind;
- with `--callgrind`: `instructions_per_view`, counted by valgrind's callgrind in two runs of
  the measuring process that differ only in the number of views (the difference divided by the
  difference in views, so start-up and warm-up cancel out). Instruction counts do not depend on
  what else the machine runs, so they compare a change before and after on a loaded machine;
- with `--cprofile FILE`: a cProfile of the request thread's views (pstats file) and the top
  functions by their own time.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

CHILD_FLAG = "--measure"


# --- the measuring process -----------------------------------------------------------------------


def measure(target: dict, views: int, warmup: int, cprofile: str | None) -> dict:
    """Runs in the measuring process (DJANGO_SETTINGS_MODULE and the database in its environment)."""
    import io
    import time
    from collections import Counter

    from harness import REPO

    sys.path.insert(0, str(REPO))  # this checkout, not an installed IKO (the script's folder is bench/)
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from iko_project.wsgi import application

    body = json.dumps({"subject": target["subject"], **({"purpose": target["purpose"]} if target["purpose"] else {})})
    body_bytes = body.encode()

    def one_view() -> None:
        environ = {
            "REQUEST_METHOD": "POST", "PATH_INFO": f"/api/v1/profiles/{target['profile']}/view",
            "SCRIPT_NAME": "", "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1",
            "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(body_bytes)),
            "HTTP_AUTHORIZATION": f"Token {target['token']}", "HTTP_ACCEPT": "application/json",
            "wsgi.input": io.BytesIO(body_bytes), "wsgi.errors": sys.stderr, "wsgi.url_scheme": "http",
            "wsgi.version": (1, 0), "wsgi.multithread": True, "wsgi.multiprocess": True, "wsgi.run_once": False,
        }
        status = []
        chunks = application(environ, lambda s, headers, exc_info=None: status.append(s))
        payload = b"".join(chunks)
        if hasattr(chunks, "close"):
            chunks.close()
        if not status[0].startswith("200") or b'"complete":true' not in payload:
            raise SystemExit(f"view failed: {status[0]} {payload[:300]!r}")

    if cprofile:
        _profile_new_threads()
    for _ in range(warmup):
        one_view()
    with CaptureQueriesContext(connection) as queries:
        one_view()
    captured = [q["sql"] for q in queries.captured_queries]  # now: the log is cleared when a connection closes
    kinds = Counter(sql.split(None, 1)[0].upper() for sql in captured)

    profilers = _thread_profilers() if cprofile else None
    before = os.times()
    wall = time.perf_counter()
    for _ in range(views):
        one_view()
    wall = time.perf_counter() - wall
    after = os.times()
    user, system = after.user - before.user, after.system - before.system
    cpu = user + system
    if profilers is not None:
        _profiles_dump(profilers, cprofile)
    return {
        "views": views, "cpu_ms_per_view": round(cpu / views * 1000, 3) if views else None,
        "user_ms_per_view": round(user / views * 1000, 3) if views else None,
        "system_ms_per_view": round(system / views * 1000, 3) if views else None,
        "wall_ms_per_view": round(wall / views * 1000, 2) if views else None,
        "queries_per_view": len(captured), "query_kinds": dict(kinds), "queries": [sql[:160] for sql in captured],
    }


# cProfile follows one thread. The engine's pool threads are started during the warm-up, each with
# a hook that starts a profiler of its own on its first event once measuring has begun (a pool
# thread waiting for work wakes with one), so the views' work in every thread is counted.
_measuring = False
_profilers: list = []


def _profile_new_threads() -> None:
    import cProfile
    import threading

    def hook(frame, event, arg):
        if _measuring:
            profiler = cProfile.Profile()
            _profilers.append(profiler)
            profiler.enable()  # replaces this hook in this thread

    threading.setprofile(hook)


def _thread_profilers() -> list:
    import cProfile

    global _measuring
    main = cProfile.Profile()
    _profilers.append(main)
    _measuring = True
    main.enable()
    return _profilers


def _profiles_dump(profilers: list, path: str) -> None:
    import pstats

    global _measuring
    _measuring = False
    for profiler in profilers:
        profiler.disable()
        profiler.create_stats()
    stats = pstats.Stats(profilers[0])
    for profiler in profilers[1:]:
        stats.add(profiler)
    stats.dump_stats(path)
    print(f"{len(profilers)} threads profiled", file=sys.stderr)


# --- the set-up ----------------------------------------------------------------------------------


def child_command(args, views: int, callgrind_out: Path | None) -> list[str]:
    command = [sys.executable, __file__, CHILD_FLAG, "--views", str(views), "--warmup", str(args.warmup)]
    if args.cprofile and callgrind_out is None:
        command += ["--cprofile", str(args.cprofile)]
    if callgrind_out is not None:
        command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={callgrind_out}", "--dump-line=no",
                   "--trace-children=no", *command]
    return command


def callgrind_total(path: Path) -> int:
    """The total instructions of a callgrind output file (its `summary:` or `totals:` line)."""
    text = path.read_text(errors="replace")
    match = re.search(r"^(?:summary|totals):\s+(\d+)", text, re.MULTILINE)
    if not match:
        raise RuntimeError(f"no instruction total in {path}")
    return int(match.group(1))


def run_child(args, env: dict, target: dict, views: int, callgrind_out: Path | None = None) -> dict:
    from harness import REPO

    env = dict(env, IKO_CPU_TARGET=json.dumps(target))
    done = subprocess.run(child_command(args, views, callgrind_out), cwd=REPO, env=env, check=True,
                          stdout=subprocess.PIPE, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", default="fanout", choices=("fanout", "klantbeeld", "bedrijfsbeeld"))
    parser.add_argument("--views", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--latency-ms", type=float, default=5)
    parser.add_argument("--database", default="sqlite", help="sqlite or the postgres:// URL of a server")
    parser.add_argument("--callgrind", action="store_true",
                        help="also count instructions per view under valgrind (two runs of 5 and 5 + --callgrind-views)")
    parser.add_argument("--callgrind-views", type=int, default=20)
    parser.add_argument("--cprofile", type=Path, help="write a cProfile of the measured views (request thread)")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument(CHILD_FLAG, action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.measure:
        target = json.loads(os.environ["IKO_CPU_TARGET"])
        figures = measure(target, args.views, args.warmup, str(args.cprofile) if args.cprofile else None)
        print(json.dumps(figures))
        return

    import fanout
    from harness import DemoSources, ThrowawayDatabase, env_options, iko_env, machine

    tmp = tempfile.mkdtemp(prefix="iko-cpu-")
    throwaway = ThrowawayDatabase(args.database, "iko_cpu") if args.database != "sqlite" else None
    demo_sources = flat_sources = None
    try:
        if throwaway:
            throwaway.__enter__()
        # Configuration and grants are read once: under callgrind a view takes about a second, and
        # reloading them every 5 s (the default) would be counted as part of the views.
        env = iko_env(tmp, throwaway.url if throwaway else None, IKO_CONFIG_CACHE_SECONDS="3600",
                      IKO_GRANT_CACHE_SECONDS="3600", **env_options(args.env))
        flat_sources, ports, hang_port = fanout.start_sources(6, args.latency_ms)
        fanout.configure_iko(env, ports, hang_port)  # migrates first
        if args.profile == "fanout":
            target = {"profile": "fanout", "subject": {"type": "bsn", "value": fanout.BSN},
                      "token": fanout.TOKEN, "purpose": None}
        else:
            demo_sources = DemoSources(args.latency_ms)
            demo_sources.configure(env)
            demo = demo_sources.demo
            subject = {"type": "bsn", "value": demo["bsn"]} if args.profile == "klantbeeld" else \
                {"type": "kvk", "value": demo["kvk"]}
            target = {"profile": args.profile, "subject": subject, "token": demo["token"], "purpose": demo["purpose"]}
        started_on = machine()
        figures = {"profile": args.profile, "database": "SQLite" if throwaway is None else "PostgreSQL",
                   "latency_ms": args.latency_ms, **run_child(args, env, target, args.views)}
        if args.callgrind:
            few, many = 5, 5 + args.callgrind_views
            totals = []
            for views in (few, many):
                out = Path(tmp) / f"callgrind.{views}.out"
                run_child(args, env, target, views, out)
                totals.append(callgrind_total(out))
            figures["instructions_per_view"] = round((totals[1] - totals[0]) / (many - few))
        figures["machine"] = [started_on, machine()]
        print(json.dumps(figures, indent=2))
    finally:
        if isinstance(demo_sources, DemoSources):
            demo_sources.stop()
        if flat_sources is not None:
            flat_sources.kill()
        if throwaway:
            throwaway.__exit__()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
