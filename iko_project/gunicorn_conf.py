"""gunicorn settings: `gthread` workers, since a view mostly waits on sources (I/O-bound fan-out).

Workers and threads come from the environment so an operator sizes them without a rebuild.
"""

import os

bind = os.environ.get("IKO_BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = int(os.environ.get("IKO_WORKERS", "2"))
threads = int(os.environ.get("IKO_THREADS", "16"))
timeout = int(os.environ.get("IKO_WORKER_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("IKO_GRACEFUL_TIMEOUT", "20"))
keepalive = 5
# Access logs would hold request paths; the Valtimo paths can carry a BSN. Off by default.
accesslog = os.environ.get("IKO_ACCESS_LOG") or None
errorlog = "-"
