"""gunicorn settings: `gthread` workers (threads), since a view mostly waits on sources (I/O-bound fan-out).

Workers and threads come from the environment so an operator sizes them without a rebuild.
README: "Running in production".

- Logs: gunicorn's own error log is written in IKO's format (`IKO_LOG_FORMAT`, JSON lines by
  default in production; iko_project/logging.py). The access log stays off unless
  `IKO_ACCESS_LOG` names a file or `-`: its lines hold request paths, and the Valtimo paths can
  carry a BSN (they are redacted, but what is never written cannot leak).
- Graceful shutdown: on SIGTERM the server takes the connections already waiting, then refuses
  new ones at once (the listening socket is shut down, so a proxy sends them to another instance;
  iko_project/gunicorn_worker.py), finishes the requests it has and exits. `graceful_timeout`
  defaults to the view deadline plus a margin, so a view in flight still gets its full deadline; keep Kubernetes' terminationGracePeriodSeconds above it. `worker_exit` then
  drops source calls that have not started; calls already running end within their source's
  timeout (connectors/http.py), so the pool's threads never hold the exit up for longer.
- Metrics: with `PROMETHEUS_MULTIPROC_DIR` set, every worker writes its values there and
  `/metrics` adds them up; `on_starting` empties it, `child_exit` retires a worker's gauges.
"""

import math
import os

from gunicorn.glogging import Logger

from iko_project.logging import FORMATTERS

bind = os.environ.get("IKO_BIND", "0.0.0.0:8000")
# gunicorn's gthread worker that shuts its listening socket down as soon as the server stops.
worker_class = "iko_project.gunicorn_worker.DrainingThreadWorker"
workers = int(os.environ.get("IKO_WORKERS", "2"))
threads = int(os.environ.get("IKO_THREADS", "16"))
timeout = int(os.environ.get("IKO_WORKER_TIMEOUT", "60"))
_view_deadline = float(os.environ.get("IKO_VIEW_DEADLINE_SECONDS", "10"))
graceful_timeout = int(os.environ.get("IKO_GRACEFUL_TIMEOUT", str(max(20, math.ceil(_view_deadline) + 5))))
keepalive = 5
# Access logs would hold request paths; the Valtimo paths can carry a BSN. Off by default.
accesslog = os.environ.get("IKO_ACCESS_LOG") or None
errorlog = "-"
# gunicorn 25+ opens a control socket at one fixed path per user ($HOME/.gunicorn/gunicorn.ctl):
# two instances on one machine would take it from each other, and the image's user has no
# writable home. Off unless IKO_CONTROL_SOCKET names a path (for `gunicornc`).
control_socket_disable = not os.environ.get("IKO_CONTROL_SOCKET")
if os.environ.get("IKO_CONTROL_SOCKET"):
    control_socket = os.environ["IKO_CONTROL_SOCKET"]

LOG_FORMAT = os.environ.get("IKO_LOG_FORMAT") or (
    "json" if os.environ.get("IKO_ENV", "production") == "production" else "text"
)


class IkoLogger(Logger):
    """gunicorn's logger with IKO's formatter on its handlers. Not `logconfig_dict`: setting that
    would switch gunicorn's access log on."""

    def setup(self, cfg):
        super().setup(cfg)
        formatter = FORMATTERS.get(LOG_FORMAT, FORMATTERS["json"])()
        for handler in [*self.error_log.handlers, *self.access_log.handlers]:
            handler.setFormatter(formatter)


logger_class = IkoLogger


def worker_exit(server, worker):
    """The worker has finished its requests: drop the source calls still queued in its pool."""
    from connectors import runner

    pool = getattr(runner, "_pool", None)  # only if this worker made one; never make one now
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)


def on_starting(server):
    """Metrics of several workers: each writes its values to PROMETHEUS_MULTIPROC_DIR; a new start
    begins with it empty (connectors/metrics.py). The master imports no metrics itself."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        os.makedirs(directory, exist_ok=True)
        for name in os.listdir(directory):
            if name.endswith(".db"):
                os.remove(os.path.join(directory, name))


def child_exit(server, worker):
    """A worker is gone: its live gauges (circuit state, pool queue) stop counting."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
