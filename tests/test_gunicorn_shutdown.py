"""A stopping IKO refuses new connections at once and still serves what it accepted
(iko_project/gunicorn_worker.py): real gunicorn processes with IKO's gunicorn settings."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from iko_project.gunicorn_worker import server_is_stopping

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs Linux /proc")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


class Gunicorn:
    """IKO's gunicorn settings serving tests/slow_wsgi.py with two workers."""

    def __init__(self, tmp_path: Path):
        self.port = free_port()
        self.log = tmp_path / "gunicorn.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("IKO_")}
        env.update(IKO_BIND=f"127.0.0.1:{self.port}", IKO_WORKERS="2", IKO_THREADS="4", IKO_LOG_FORMAT="text",
                   DJANGO_SETTINGS_MODULE="iko_project.settings.test", IKO_VAR_DIR=str(tmp_path),
                   PYTHONUNBUFFERED="1")
        with open(self.log, "w") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--config", "python:iko_project.gunicorn_conf", "tests.slow_wsgi:app"],
                cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
            )
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
        while len(self.workers()) < 2 or not self.answers():
            assert self.process.poll() is None and time.monotonic() < deadline, self.log.read_text()
            time.sleep(0.1)

    def workers(self) -> list[int]:
        return children(self.process.pid)

    def answers(self) -> bool:
        try:
            return requests.get(f"{self.url}/", timeout=5).status_code == 200
        except requests.ConnectionError:
            return False

    def holds_listener(self, pid: int) -> bool:
        fds = Path(f"/proc/{pid}/fd")
        return any(os.readlink(fd).startswith("socket:") for fd in fds.iterdir() if fd.exists())

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def gunicorn(tmp_path):
    server = Gunicorn(tmp_path)
    yield server
    for pid in server.workers() if server.process.poll() is None else []:
        os.kill(pid, signal.SIGCONT)
    server.stop()


def raw_get(port: int, path: str = "/") -> socket.socket:
    """A connection with a request sent on it: the kernel completes the handshake even while no
    worker runs, so the connection waits in the listening socket's accept queue."""
    conn = socket.create_connection(("127.0.0.1", port), timeout=30)
    conn.sendall(f"GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n".encode())
    return conn


def read_answer(conn: socket.socket) -> bytes:
    chunks = []
    while chunk := conn.recv(4096):
        chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.integration
def test_on_sigterm_the_server_answers_the_waiting_and_running_requests_and_refuses_new_connections(gunicorn):
    running: dict[str, object] = {}

    def slow_view():
        running["answer"] = requests.get(f"{gunicorn.url}/slow?seconds=1.5", timeout=30)

    slow = threading.Thread(target=slow_view)
    slow.start()
    time.sleep(0.3)  # the slow request is in a worker thread now
    workers = gunicorn.workers()
    for pid in workers:  # no worker can accept: the next connections wait in the accept queue
        os.kill(pid, signal.SIGSTOP)
    waiting = [raw_get(gunicorn.port) for _ in range(3)]

    gunicorn.process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 10
    while gunicorn.holds_listener(gunicorn.process.pid):  # the arbiter closes its copy first
        assert time.monotonic() < deadline
        time.sleep(0.05)
    for pid in workers:
        os.kill(pid, signal.SIGCONT)

    for conn in waiting:
        with conn:
            answer = read_answer(conn)
        assert answer.startswith(b"HTTP/1.1 200") and answer.endswith(b"ok")
    # The workers are still finishing the slow request, and the server already refuses.
    assert gunicorn.process.poll() is None
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", gunicorn.port), timeout=5).close()
    slow.join(timeout=30)
    assert running["answer"].status_code == 200
    assert gunicorn.process.wait(timeout=30) == 0
    assert "now refusing new ones" in gunicorn.log.read_text()


@pytest.mark.integration
def test_a_reload_that_replaces_the_workers_keeps_the_listening_socket_open(gunicorn):
    old = set(gunicorn.workers())
    gunicorn.process.send_signal(signal.SIGHUP)  # new workers start; the old ones get SIGTERM
    deadline = time.monotonic() + 30
    while set(gunicorn.workers()) & old or len(gunicorn.workers()) < 2:
        assert time.monotonic() < deadline, gunicorn.log.read_text()
        time.sleep(0.1)
    for _ in range(20):
        assert requests.get(f"{gunicorn.url}/", timeout=5).status_code == 200
    assert "now refusing new ones" not in gunicorn.log.read_text()


def test_a_socket_only_this_process_holds_counts_as_a_stopping_server():
    with socket.create_server(("127.0.0.1", 0)) as listener:
        assert server_is_stopping(listener, worker_pid=os.getpid(), arbiter_pid=os.getppid())


def test_a_socket_the_arbiter_still_holds_does_not_count_as_stopping():
    with socket.create_server(("127.0.0.1", 0)) as listener:
        # This process plays the arbiter that still holds the socket.
        assert not server_is_stopping(listener, worker_pid=-1, arbiter_pid=os.getpid())


def test_a_socket_another_process_serves_from_does_not_count_as_stopping():
    with socket.create_server(("127.0.0.1", 0)) as listener:
        other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"], pass_fds=[listener.fileno()])
        try:
            # The other process is this process's child, not a worker of this process's parent.
            assert not server_is_stopping(listener, worker_pid=os.getpid(), arbiter_pid=os.getppid())
        finally:
            other.kill()
            other.wait()


def test_without_proc_the_worker_keeps_gunicorns_own_behaviour(tmp_path):
    with socket.create_server(("127.0.0.1", 0)) as listener:
        assert not server_is_stopping(listener, worker_pid=os.getpid(), arbiter_pid=os.getppid(),
                                      proc=str(tmp_path / "no-proc"))
