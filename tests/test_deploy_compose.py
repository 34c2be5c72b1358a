"""docker-compose.yml and the image's commands, checked without Docker (there is no Docker daemon
here): the services and their order, that every command the IKO image runs exists in this
repository, that every variable set for IKO is one IKO reads, the ports; and the whole demo stack
run from the commands the Dockerfile and the compose file give, in a temporary directory laid out
as the image is, with loopback instead of the compose network."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
import yaml

from demo.config import DEMO_BSN, DEMO_TOKEN
from demo.sources import PORTS, sources_roots_at
from demo.testing import free_port
from tests.deploy_helpers import reads_variable

REPO = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((REPO / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
IKO_IMAGE = SERVICES["iko"]["image"]
IKO_SERVICES = {name: service for name, service in SERVICES.items() if service.get("image") == IKO_IMAGE}
DOCKERFILE = (REPO / "Dockerfile").read_text()


def image_cmd() -> list[str]:
    return json.loads(re.search(r"^CMD (\[.*\])$", DOCKERFILE, re.MULTILINE).group(1))


def image_env() -> dict[str, str]:
    """The final stage's ENV (one `ENV A=b \\` block)."""
    block = re.findall(r"^ENV ((?:.*\\\n)*.*)$", DOCKERFILE, re.MULTILINE)[-1]
    return dict(item.split("=", 1) for item in shlex.split(block.replace("\\\n", " ")))


def command_of(service: dict) -> list[str]:
    return service.get("command") or image_cmd()


# --- the file --------------------------------------------------------------------------------------

def test_the_stack_is_iko_postgresql_redis_the_demo_sources_and_two_one_off_jobs():
    assert set(SERVICES) == {"postgres", "redis", "migrate", "demo-sources", "demo-config", "iko"}
    assert set(IKO_SERVICES) == {"migrate", "demo-sources", "demo-config", "iko"}
    assert all(service.get("build") for service in IKO_SERVICES.values())  # the repository's Dockerfile
    for one_off in ("migrate", "demo-config"):
        assert SERVICES[one_off]["restart"] == "no"


def test_the_services_start_in_order_migrations_then_configuration_then_iko():
    depends = {name: service.get("depends_on", {}) for name, service in SERVICES.items()}
    assert depends["migrate"] == {"postgres": {"condition": "service_healthy"}}
    assert depends["demo-config"] == {"migrate": {"condition": "service_completed_successfully"}}
    assert depends["iko"]["demo-config"] == {"condition": "service_completed_successfully"}
    assert depends["iko"]["redis"] == {"condition": "service_healthy"}
    assert "demo-sources" in depends["iko"]
    assert SERVICES["postgres"]["healthcheck"]["test"][:2] == ["CMD", "pg_isready"]


def test_every_command_the_iko_image_runs_exists_in_the_repository():
    from django.core.management import get_commands

    commands = get_commands()
    for name, service in IKO_SERVICES.items():
        command = command_of(service)
        if command[:2] == ["python", "manage.py"]:
            assert command[2] in commands, f"{name}: manage.py {command[2]} does not exist"
        else:
            assert command[0] == "gunicorn", name
            config = command[command.index("--config") + 1]
            assert config.startswith("python:")
            for module in (config.removeprefix("python:"), command[-1]):
                assert (REPO / (module.replace(".", "/") + ".py")).exists(), module
    # The build step of the Dockerfile, too.
    assert "python manage.py collectstatic" in DOCKERFILE and "collectstatic" in commands


def test_every_variable_set_for_iko_is_one_iko_reads():
    variables = set(image_env()) - {"PATH", "PYTHONUNBUFFERED", "DJANGO_SETTINGS_MODULE"}
    for service in IKO_SERVICES.values():
        variables |= set(service.get("environment") or {})
    unread = sorted(name for name in variables if not reads_variable(name))
    assert not unread, f"set but never read: {unread}"
    assert {
        "DATABASE_URL", "IKO_REDIS_URL", "IKO_ENV", "IKO_SECRET_KEY", "IKO_PSEUDONYM_KEY", "IKO_SECRETS_KEY",
    } <= variables


def test_iko_database_and_redis_point_at_the_compose_services():
    environment = SERVICES["iko"]["environment"]
    postgres = SERVICES["postgres"]["environment"]
    assert environment["DATABASE_URL"] == (
        f"postgres://{postgres['POSTGRES_USER']}:{postgres['POSTGRES_PASSWORD']}@postgres:5432/{postgres['POSTGRES_DB']}"
    )
    assert environment["IKO_REDIS_URL"].startswith("redis://redis:6379/")
    assert environment["IKO_ENV"] != "production"  # the demo configuration is refused in production


def test_the_ports_are_those_iko_and_the_demo_sources_listen_on():
    assert SERVICES["iko"]["ports"] == ["8000:8000"]
    assert "EXPOSE 8000" in DOCKERFILE
    assert '"IKO_BIND", default="0.0.0.0:8000"' in (REPO / "iko_project" / "gunicorn_conf.py").read_text()
    assert sorted(int(p) for p in SERVICES["demo-sources"]["expose"]) == sorted(default for _, _, default, _ in PORTS)
    sources = SERVICES["demo-sources"]["environment"]
    assert sources["IKO_DEMO_BIND_HOST"] == "0.0.0.0"
    # The configuration job points IKO at the host name the sources put in their URLs.
    config = SERVICES["demo-config"]["command"]
    assert config[config.index("--sources-host") + 1] == sources["IKO_DEMO_PUBLIC_HOST"] == "demo-sources"


def test_docker_compose_itself_accepts_the_file():
    if shutil.which("docker-compose"):
        command = ["docker-compose", "config", "-q"]
    elif shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        command = ["docker", "compose", "config", "-q"]
    else:
        pytest.skip("neither docker-compose nor the docker compose plugin is installed")
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


# --- the image's commands, run as the Dockerfile and the compose file run them ----------------------

def image_layout(app: Path) -> None:
    """Copy what the Dockerfile's build stage copies into /app."""
    for line in re.findall(r"^COPY (?!--from)(.+)$", DOCKERFILE, re.MULTILINE):
        *sources, destination = line.split()
        for source in sources:
            target = app / (source if destination in ("./", ".") else destination)
            if (REPO / source).is_dir():
                shutil.copytree(REPO / source, target, ignore=shutil.ignore_patterns("__pycache__", "tests"))
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(REPO / source, target)


def local_database(tmp: Path):
    """PostgreSQL when this run has it (a throw-away database), else SQLite in `tmp`."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return f"sqlite:///{tmp / 'iko.sqlite3'}", None
    import psycopg

    server = re.sub(r"/[^/]*$", "/postgres", url).replace("postgres://", "postgresql://", 1)
    name = f"iko_compose_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return re.sub(r"/[^/]*$", f"/{name}", url), drop


def local_redis() -> str | None:
    import redis

    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_connect_timeout=0.5).ping()
        return "redis://127.0.0.1:6379/0"
    except redis.RedisError:
        return None


def service_env(name: str, base: dict[str, str], local: dict[str, str | None], extra: dict[str, str]) -> dict[str, str]:
    """The image's ENV, then the service's environment with the compose hosts made local (`local`
    replaces what the service sets), plus `extra` (free ports, a Redis key prefix of this test)."""
    env = {**base, **{k: str(v) for k, v in (SERVICES[name].get("environment") or {}).items()}}
    for key, value in local.items():
        if value is None:
            env.pop(key, None)
        elif key in env:
            env[key] = value
    return {**env, **extra}


@pytest.mark.integration
def test_the_image_s_commands_give_the_demo_stack_and_its_metrics(tmp_path):
    app = tmp_path / "app"
    image_layout(app)
    paths = {"/var/lib/iko": tmp_path / "var", "/app/static": app / "static", "/tmp/iko-metrics": tmp_path / "metrics"}
    base = {k: str(paths.get(v, v)) for k, v in image_env().items() if k != "PATH"}
    base = {**{k: v for k, v in os.environ.items() if not k.startswith("IKO_") and k not in ("DATABASE_URL",)}, **base}
    (tmp_path / "var").mkdir()
    database, drop_database = local_database(tmp_path)
    ports = {name: free_port() for name, *_ in PORTS}
    local = {"DATABASE_URL": database, "IKO_REDIS_URL": local_redis(),
             "IKO_DEMO_BIND_HOST": "127.0.0.1", "IKO_DEMO_PUBLIC_HOST": "localhost"}
    extra = {"IKO_REDIS_PREFIX": f"iko-test-compose-{uuid.uuid4().hex[:8]}:",
             **{f"IKO_DEMO_{env}_PORT": str(ports[name]) for name, env, *_ in PORTS}}
    running: list[subprocess.Popen] = []

    def run(command: list[str], env: dict[str, str], log: str) -> subprocess.Popen:
        if command[0] == "python":
            command = [sys.executable, *command[1:]]
        elif command[0] == "gunicorn":
            command = [sys.executable, "-m", "gunicorn", *command[1:]]
        with open(tmp_path / log, "w") as out:
            process = subprocess.Popen(command, cwd=app, env=env, stdout=out, stderr=subprocess.STDOUT)
        running.append(process)
        return process

    def run_to_end(command, env, log) -> None:
        assert run(command, env, log).wait(timeout=300) == 0, (tmp_path / log).read_text()

    try:
        # The Dockerfile's build step, with its own throw-away keys.
        build = re.search(r"^RUN ((?:IKO_[A-Z_]+=\S+ )+)(python manage.py collectstatic.*)$",
                          DOCKERFILE, re.MULTILINE)
        run_to_end(shlex.split(build.group(2)), {**base, **dict(kv.split("=", 1) for kv in build.group(1).split())},
                   "collectstatic.log")
        assert (app / "static" / "admin" / "css" / "base.css").exists()

        run_to_end(command_of(SERVICES["migrate"]), service_env("migrate", base, local, extra), "migrate.log")
        sources = run(command_of(SERVICES["demo-sources"]), service_env("demo-sources", base, local, extra),
                      "demo-sources.log")
        configure = [("localhost" if part == "demo-sources" else part) for part in command_of(SERVICES["demo-config"])]
        run_to_end(configure, service_env("demo-config", base, local, extra), "demo-config.log")
        assert "Demo configuration loaded for the sources on localhost" in (tmp_path / "demo-config.log").read_text()

        port = free_port()
        iko_env = {**service_env("iko", base, local, extra),
                   "IKO_BIND": f"127.0.0.1:{port}", "IKO_WORKERS": "2", "IKO_THREADS": "4"}
        iko = run(command_of(SERVICES["iko"]), iko_env, "iko.log")
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(f"http://127.0.0.1:{port}/_healthz/readyz", timeout=5).raise_for_status()
                break
            except requests.RequestException:
                assert iko.poll() is None and sources.poll() is None and time.monotonic() < deadline, (
                    (tmp_path / "iko.log").read_text() + (tmp_path / "demo-sources.log").read_text())
                time.sleep(0.2)

        view = requests.post(
            f"http://127.0.0.1:{port}/api/v1/profiles/klantbeeld/view",
            json={"subject": {"type": "bsn", "value": DEMO_BSN}, "purpose": "klantcontact"},
            headers={"Authorization": f"Token {DEMO_TOKEN}"}, timeout=30,
        )
        assert view.status_code == 200, view.text
        body = view.json()
        assert body["complete"] is True, {name: s["status"] for name, s in body["sources"].items()}
        assert body["data"]["persoon"]["naam"]["volledigeNaam"] == "Suzanne Moulin"
        assert body["data"]["persoon"]["zaken"]  # a second source, reached by the URLs the first handed out

        token = SERVICES["iko"]["environment"]["IKO_METRICS_TOKEN"]
        assert requests.get(f"http://127.0.0.1:{port}/metrics", timeout=10).status_code == 403
        metrics = requests.get(f"http://127.0.0.1:{port}/metrics", headers={"Authorization": f"Bearer {token}"},
                               timeout=10).text
        # Several workers: the series come from the workers' files in PROMETHEUS_MULTIPROC_DIR.
        assert any(p.name.endswith(".db") for p in (tmp_path / "metrics").iterdir())
        assert re.search(r'^iko_source_calls_total\{operation="RaadpleegMetBurgerservicenummer",source="brp",'
                         r'status="ok"\} 1\.0$', metrics, re.MULTILINE), metrics
        assert DEMO_BSN not in metrics

        for process in (iko, sources):
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=30) == 0
        # What demo_configure computed for the sources is what they said they serve.
        served = (tmp_path / "demo-sources.log").read_text()
        assert all(url in served for url in sources_roots_at("localhost", ports).values())
    finally:
        for process in running:
            if process.poll() is None:
                process.kill()
                process.wait()
        if drop_database:
            drop_database()
