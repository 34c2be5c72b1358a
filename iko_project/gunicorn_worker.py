"""A gunicorn gthread worker that refuses new connections the moment the server stops.

Why: gunicorn's gthread worker, on SIGTERM, stops *accepting* but keeps its listening socket open
while it finishes the requests it has. The kernel goes on completing handshakes for that socket,
so connections that arrive during the drain wait in the accept queue and are reset when the
worker finally closes the socket. A proxy in front has sent its request on such a connection
already and may not pass it to another instance (a POST is never resent once sent), so the caller
gets a 502: about 0.2 % of the views under load in bench/scaleout.py, without a preStop sleep.

What this worker does instead when the whole server stops (its arbiter got SIGTERM):
1. it takes every connection already waiting in the accept queue; they are served as usual;
2. it shuts the listening socket down (`shutdown(SHUT_RD)`), which the kernel applies to the socket
   shared by the arbiter and all its workers: from then on a new connection is refused at once,
   and a proxy sends the request to another instance (nginx's `proxy_next_upstream error`,
   a Kubernetes Service's other endpoints);
3. it finishes its running requests within `graceful_timeout`, as gunicorn does, and exits.
A connection whose handshake completes in the microseconds between the last accept of step 1
and the shutdown of step 2 is still reset; nothing in user space can close that gap.

Only when the server stops: the arbiter also retires single workers with SIGTERM (a SIGHUP reload,
SIGTTOU, `max_requests`) and keeps serving from the same socket, which must then stay open. The
worker tells the cases apart by who still holds the socket (Linux `/proc`): the arbiter closes
its own copy before it signals its workers to stop, and in every other case the arbiter (or, after
a SIGUSR2 re-exec, the new master and its workers) still holds it. Where `/proc` cannot answer,
the worker behaves exactly as gunicorn's own gthread worker.
"""

from __future__ import annotations

import errno
import os
import socket

from gunicorn.workers.gthread import TConn, ThreadWorker

from iko_project.gunicorn_errors import ProblemErrors


def socket_holders(inode: int, proc: str = "/proc") -> set[int] | None:
    """The ids of the processes that have the socket with this inode open; None without `/proc`.

    Processes this user may not inspect are left out: they cannot share a socket IKO's gunicorn
    created unless started by the same user."""
    target = f"socket:[{inode}]"
    try:
        pids = [int(name) for name in os.listdir(proc) if name.isdigit()]
    except OSError:
        return None
    holders = set()
    for pid in pids:
        try:
            fds = os.listdir(f"{proc}/{pid}/fd")
        except OSError:
            continue  # gone meanwhile, or another user's
        for fd in fds:
            try:
                if os.readlink(f"{proc}/{pid}/fd/{fd}") == target:
                    holders.add(pid)
                    break
            except OSError:
                continue
    return holders


def parent_of(pid: int, proc: str = "/proc") -> int | None:
    try:
        with open(f"{proc}/{pid}/stat") as stat:
            # "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after it.
            return int(stat.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def server_is_stopping(listener, *, worker_pid: int, arbiter_pid: int, proc: str = "/proc") -> bool:
    """True when only this arbiter's workers still hold the listening socket: the arbiter has
    closed its copy (it does so before it tells its workers to stop) and no other process, such
    as a re-executed master, serves from it."""
    holders = socket_holders(os.fstat(listener.fileno()).st_ino, proc)
    if holders is None or arbiter_pid in holders:
        return False
    return all(pid == worker_pid or parent_of(pid, proc) == arbiter_pid for pid in holders)


class DrainingThreadWorker(ProblemErrors, ThreadWorker):
    """gunicorn's gthread worker, plus: when the server stops, take what waits in the accept
    queue, then shut the listening socket down before finishing the running requests. Its
    refusals of an over-long request line or header are problem+json (gunicorn_errors.py)."""

    _listening_closed = False

    def set_accept_enabled(self, enabled):
        # gunicorn calls this with False when the worker leaves its main loop (SIGTERM, or
        # max_requests reached) and when the worker is at worker_connections.
        if self._listening_closed:
            enabled = False
        super().set_accept_enabled(enabled)
        if not enabled and not self.alive and not self._listening_closed:
            self._listening_closed = True
            self._close_listeners_if_stopping()

    def _close_listeners_if_stopping(self) -> None:
        for listener in self.sockets:
            try:
                stopping = server_is_stopping(listener, worker_pid=os.getpid(), arbiter_pid=self.ppid)
            except OSError:
                stopping = False
            if not stopping:
                continue
            accepted = self._accept_waiting(listener)
            try:
                listener.shutdown(socket.SHUT_RD)
            except OSError:
                pass  # a sibling worker shut it down first
            self.log.info("Server stopping: took %d waiting connection(s), now refusing new ones.", accepted)

    def _accept_waiting(self, listener) -> int:
        """Accept every connection in the accept queue (the socket is non-blocking); each one is
        handled by the thread pool like any other."""
        accepted = 0
        while True:
            try:
                client_sock, client_addr = listener.accept()
            except OSError:
                # EAGAIN: the queue is empty; EINVAL: a sibling shut the socket down already.
                return accepted
            accepted += 1
            self.nr_conns += 1
            client_sock.setblocking(True)
            self.enqueue_req(TConn(self.cfg, client_sock, client_addr, listener.getsockname()))

    def accept(self, listener):
        try:
            super().accept(listener)
        except OSError as exc:
            # A sibling worker shut the shared socket down because the server stops: this
            # worker's own SIGTERM is on its way. Stop polling the socket instead of failing.
            if exc.errno != errno.EINVAL:
                raise
            self._listening_closed = True
            super().set_accept_enabled(False)
