"""gunicorn settings: `gthread` workers (threads), since a view mostly waits on sources (I/O-bound fan-out).

Workers and threads come from the environment so an operator sizes them without a rebuild; each
variable is declared with its help text (`iko_project.settings.envvars`) for the operator's
environment reference.

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
from iko_project.settings.envvars import DeclaredEnv

_env = DeclaredEnv(__name__)

bind = _env.str("IKO_BIND", default="0.0.0.0:8000", group="process",
                help_text="Address and port gunicorn listens on.")
# gunicorn's gthread worker that shuts its listening socket down as soon as the server stops.
worker_class = "iko_project.gunicorn_worker.DrainingThreadWorker"
workers = _env.int("IKO_WORKERS", default=2, group="process",
                   help_text="gunicorn worker processes: one per CPU of the container's limit.")
threads = _env.int("IKO_THREADS", default=16, group="process",
                   help_text="Threads per worker: the views one worker handles at once (a view mostly waits).")
timeout = _env.int("IKO_WORKER_TIMEOUT", default=60, group="process",
                   help_text="Seconds before gunicorn restarts a worker that stopped answering.")
# Declared by the Django settings, which read it too.
_view_deadline = float(os.environ.get("IKO_VIEW_DEADLINE_SECONDS", "10"))
graceful_timeout = _env.int(
    "IKO_GRACEFUL_TIMEOUT", default=max(20, math.ceil(_view_deadline) + 5), group="process",
    default_doc="IKO_VIEW_DEADLINE_SECONDS + 5, at least 20 (so 20 by default)",
    help_text="Seconds a worker gets on SIGTERM to finish its views; keep the platform's grace period "
    "(Kubernetes terminationGracePeriodSeconds) above this plus any preStop delay.")
keepalive = 5
# Valtimo's table filters (containerParam, Base64 JSON) make long URLs: gunicorn's default request
# line (4094 bytes) is too short for them. 8190 is the most gunicorn takes; IKO refuses a longer
# path and query itself with 414 problem+json (IKO_MAX_URL_BYTES), and gunicorn's own refusal of
# a longer line is problem+json too (iko_project/gunicorn_errors.py).
limit_request_line = 8190
limit_request_field_size = _env.int(
    "IKO_MAX_HEADER_FIELD_BYTES", default=16380, group="limits",
    help_text="Largest request header field gunicorn takes (its default is 8190); a larger one is answered 431.")
# Access logs would hold request paths; the Valtimo paths can carry a BSN. Off by default.
accesslog = _env.str("IKO_ACCESS_LOG", default="", group="process", default_doc="(off)",
                     help_text="Target of gunicorn's access log (`-`: standard output); its lines hold URLs, "
                     "and the Valtimo front door's URLs can carry a BSN.") or None
errorlog = "-"
# gunicorn 25+ opens a control socket at one fixed path per user ($HOME/.gunicorn/gunicorn.ctl):
# two instances on one machine would take it from each other, and the image's user has no
# writable home. Off unless IKO_CONTROL_SOCKET names a path (for `gunicornc`).
_control_socket = _env.str("IKO_CONTROL_SOCKET", default="", group="process", default_doc="(off)",
                           help_text="Path of gunicorn's control socket, for `gunicornc`.")
control_socket_disable = not _control_socket
if _control_socket:
    control_socket = _control_socket

# Both declared by the Django settings, which read them too.
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


# prometheus-client's own variable: where the workers of one server share their metric values.
# Declared here for the environment reference; the hooks read it when they run, as
# prometheus-client does in each worker.
_env.str(
    "PROMETHEUS_MULTIPROC_DIR", default="", group="metrics", default_doc="(one process only)",
    help_text="Directory (emptied at start) where the gunicorn workers write their metric values, so `/metrics` "
    "adds up all workers; the image sets it.")


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
