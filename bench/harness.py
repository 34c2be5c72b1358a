"""What the benchmarks of bench/ share: ports, percentiles, the gunicorn workers' CPU and memory,
a throw-away PostgreSQL database, the environment of a production-mode IKO, starting IKO under
gunicorn, and the seven demo sources of `manage.py demo` in a process of their own.

bench/ is not a package: the scripts put this folder on `sys.path` and `import harness`.
"""

from __future__ import annotations

import json
import os
import platform
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests
from cryptography.fernet import Fernet

REPO = Path(__file__).resolve().parent.parent
CLK_TCK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def machine() -> str:
    load = " / ".join(f"{value:.2f}" for value in os.getloadavg())
    return f"{platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}, load average {load}"


# --- the gunicorn workers ------------------------------------------------------------------------


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / CLK_TCK


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


# --- database and environment --------------------------------------------------------------------


class ThrowawayDatabase:
    """A PostgreSQL database made for one run and dropped after it."""

    def __init__(self, server_url: str, prefix: str):
        import psycopg

        self.psycopg = psycopg
        parts = urlsplit(server_url)
        if parts.scheme not in ("postgres", "postgresql"):
            raise SystemExit(f"--database must be sqlite or a postgres:// URL, not {server_url!r}")
        self.admin_url = urlunsplit(parts._replace(scheme="postgresql"))
        self.name = f"{prefix}_{os.getpid()}"
        self.url = urlunsplit(parts._replace(path=f"/{self.name}"))

    def __enter__(self) -> ThrowawayDatabase:
        with self.psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}"')
            conn.execute(f'CREATE DATABASE "{self.name}"')
        return self

    def __exit__(self, *exc) -> None:
        with self.psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def iko_env(var_dir: str, database_url: str | None, **extra: str) -> dict[str, str]:
    """The environment of a production-mode IKO for a benchmark (throw-away keys, no access log)."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "IKO_ENV", "IKO_DEBUG"} and not k.startswith("IKO_")}
    static = Path(var_dir) / "static"
    static.mkdir(parents=True, exist_ok=True)
    env.update(
        DJANGO_SETTINGS_MODULE="iko_project.settings.base", IKO_ENV="production",
        IKO_SECRET_KEY="bench-secret-key-" + "x" * 40, IKO_PSEUDONYM_KEY="bench-pseudonym-key-" + "y" * 40,
        IKO_SECRETS_KEY=Fernet.generate_key().decode(),  # encrypts the servers' credentials at rest
        IKO_VAR_DIR=var_dir, IKO_STATIC_ROOT=str(static), IKO_ALLOWED_HOSTS="127.0.0.1,localhost",
        IKO_LOG_LEVEL="WARNING", PYTHONUNBUFFERED="1",
        # A benchmark measures capacity, not the limits: one client makes all the views. The limit
        # stays on (high), so its counting is part of the cost measured.
        IKO_RATE_LIMIT_CLIENT="1000000/minute",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    env.update(extra)
    return env


def env_options(pairs: list[str]) -> dict[str, str]:
    options = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise SystemExit(f"--env wants NAME=VALUE, not {pair!r}")
        options[name] = value
    return options


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=REPO, env=env, check=True)


def start_instance(env: dict[str, str], port: int, workers: int, threads: int, log: Path,
                   timeout: float = 120) -> subprocess.Popen:
    """IKO under gunicorn (iko_project/gunicorn_conf.py) with its log in a file; a clear error (the
    log's tail) when it does not come up."""
    env = dict(env, IKO_BIND=f"127.0.0.1:{port}", IKO_WORKERS=str(workers), IKO_THREADS=str(threads))
    with open(log, "ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "python:iko_project.gunicorn_conf", "iko_project.wsgi"],
            cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            requests.get(f"http://127.0.0.1:{port}/admin/login/", timeout=5)
            return process
        except requests.RequestException:
            time.sleep(0.2)
    if process.poll() is None:
        process.kill()
    tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
    raise RuntimeError(f"gunicorn on port {port} did not start; its log ({log}):\n{tail}")


# --- the demo sources ----------------------------------------------------------------------------

# Runs in the child: the sources of `manage.py demo` (demo/sources.py) on free ports. Its first
# line out holds their addresses and the demo's token and subjects; then it reads commands on
# stdin: `faults <latency_ms> <jitter_ms>` sets every source's latency, `counts` answers with the
# requests each source has received so far (one JSON line).
_DEMO_SOURCES_CHILD = """
import json, os, sys, tempfile
from contextlib import ExitStack
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iko_project.settings.development")
os.environ["IKO_VAR_DIR"] = tempfile.mkdtemp(prefix="iko-bench-sources-")
import django
django.setup()
from demo import config
from demo.sources import PORTS, sources_roots, sources_start
running = ExitStack()
servers = sources_start(running, {name: 0 for name, *_ in PORTS})
demo = {"token": config.DEMO_TOKEN, "purpose": config.DEMO_PURPOSE, "bsn": config.DEMO_BSN, "kvk": config.DEMO_KVK,
        "adres": config.DEMO_ADRES, "adres_purpose": config.DEMO_ADRES_PURPOSE,
        "zaak": config.DEMO_ZAAK, "zaak_purpose": config.DEMO_ZAAK_PURPOSE}
print(json.dumps({"roots": sources_roots(servers), "demo": demo}), flush=True)
for line in sys.stdin:
    command, *args = line.split()
    if command == "faults":
        for server in servers.values():
            server.set_faults(latency_ms=float(args[0]), jitter_ms=float(args[1]))
        print("ok", flush=True)
    elif command == "counts":
        print(json.dumps({name: server.requests_received for name, server in servers.items()}), flush=True)
running.close()
"""


class DemoSources:
    """The seven demo sources of `manage.py demo` in a child process, with latency and counters."""

    def __init__(self, latency_ms: float, jitter_ms: float = 0.0):
        env = {k: v for k, v in os.environ.items()
               if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "IKO_ENV"} and not k.startswith("IKO_")}
        self.process = subprocess.Popen(
            [sys.executable, "-c", _DEMO_SOURCES_CHILD], cwd=REPO, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the demo sources did not start")
        started = json.loads(line)
        self.roots: dict[str, str] = started["roots"]
        # The demo's API token, purpose and subjects (demo/config.py), once configured.
        self.demo: dict[str, str] = started["demo"]
        self.set_latency(latency_ms, jitter_ms)

    def _ask(self, command: str) -> str:
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self.process.stdout.readline().strip()

    def set_latency(self, latency_ms: float, jitter_ms: float = 0.0) -> None:
        assert self._ask(f"faults {latency_ms} {jitter_ms}") == "ok"

    def request_counts(self) -> dict[str, int]:
        """Requests each source has received so far."""
        return json.loads(self._ask("counts"))

    def configure(self, env: dict[str, str]) -> None:
        """Load demo/config.yaml into the IKO of `env`, pointing at these sources."""
        script = f"from demo.config import demo_configure; demo_configure(**{self.roots!r})"
        manage(env, "shell", "-c", script)

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()
