"""Run `manage.py demo` as a subprocess on loopback, for integration tests.

`DemoProcess` starts the command with its own database (a fresh IKO_VAR_DIR), IKO on the given
port and every demo source on a free port (``--<source>-port 0``), so a test never meets a demo a
developer has running. Extra environment variables set fault injection per source
(``IKO_DEMO_<SOURCE>_FAIL_MODE`` and friends, see demo/servers/base.py); those of the calling
shell are not passed on. Output goes to a log file, which is shown when the demo fails to start.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
SOURCE_PORT_FLAGS = (
    "--brp-port", "--kvk-port", "--zaken-port", "--klantinteracties-port",
    "--objecten-port", "--bag-port", "--generic-port", "--citizen-issuer-port",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class DemoProcess:
    def __init__(self, var_dir: Path, *, env: dict[str, str] | None = None, args: list[str] | None = None):
        self.var_dir = Path(var_dir)
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.var_dir / "demo.log"
        args = list(args or [])
        ports = [item for flag in SOURCE_PORT_FLAGS if flag not in args for item in (flag, "0")]
        self.command = [sys.executable, "manage.py", "demo", "--port", str(self.port), *ports, *args]
        clean = {
            key: value for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "IKO_ENV"} and not key.startswith("IKO_DEMO_")
        }
        self.env = {**clean, "IKO_VAR_DIR": str(self.var_dir), "PYTHONUNBUFFERED": "1", **(env or {})}
        self.process: subprocess.Popen | None = None

    def start(self) -> DemoProcess:
        self.var_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(
                self.command, cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT, text=True
            )
        return self

    def log(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""

    def wait_until_up(self, seconds: float = 90) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"demo exited early:\n{self.log()}")
            try:
                # The first answer builds the OpenAPI document, which takes seconds on a busy
                # CI machine: a slow answer is "not yet", not a failure.
                requests.get(self.base_url + "/api/v1/openapi.yaml", timeout=10)
                return self.base_url
            except requests.RequestException:
                time.sleep(0.2)
        raise AssertionError(f"demo did not start in time:\n{self.log()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
