"""`manage.py demo_sources`: run the seven demo sources on their own, until SIGTERM or Ctrl+C.

For a set-up where the sources are not next to IKO, such as their own container in
docker-compose.yml: there `IKO_DEMO_BIND_HOST=0.0.0.0` makes them listen on the container's
network and `IKO_DEMO_PUBLIC_HOST` names the host IKO reaches them by, so the URLs they hand out
(zaak, objecttype, klantcontact links) are ones IKO's configuration knows. Ports, fault settings
and credentials are those of `manage.py demo` (demo/sources.py, demo/config.py). Needs no
database; like every demo command it serves fixed, public demo data and credentials only.
"""

from __future__ import annotations

import signal
import threading
from contextlib import ExitStack

from django.core.management.base import BaseCommand, CommandError

from demo.sources import PORTS, SourceStartError, add_port_arguments, sources_roots, sources_start


class Command(BaseCommand):
    help = "Run the seven demo sources (BRP, KVK, Zaken, Open Klant, Objecten, BAG, inkomensregister) until stopped."
    requires_system_checks = []  # no database and no IKO configuration needed

    def add_arguments(self, parser):
        add_port_arguments(parser)

    def handle(self, *args, **options):
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        with ExitStack() as running:
            try:
                servers = sources_start(running, {name: options[f"{name}_port"] for name, *_ in PORTS})
            except SourceStartError as exc:
                raise CommandError(str(exc)) from None
            roots = "\n".join(f"  {name:<26}: {url}" for name, url in sources_roots(servers).items())
            self.stdout.write(f"Demo sources running (SIGTERM or Ctrl+C stops them):\n{roots}")
            self.stdout.flush()
            stop.wait()
        self.stdout.write("Demo sources stopped.")
