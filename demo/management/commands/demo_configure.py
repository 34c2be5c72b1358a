"""`manage.py demo_configure --sources-host HOST`: load the demo configuration for demo sources
that run elsewhere (`manage.py demo_sources` on HOST), and the demo admin user.

The one-off configuration service of docker-compose.yml: what `manage.py demo` does after starting
its own sources, for sources in another container. The API roots are those `demo_sources` serves
on HOST at the same ports (`--<source>-port` / `IKO_DEMO_<SOURCE>_PORT`, demo/sources.py); the
configuration is applied with the steps of `manage.py setup_configuration` (demo/config.py).
Idempotent: running it again
changes nothing. It loads the public demo token and the admin user `admin` (password
`IKO_DEMO_ADMIN_PASSWORD`, default `admin`), so it refuses to run with `IKO_ENV=production`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo import config
from demo.sources import PORTS, add_port_arguments, sources_roots_at


class Command(BaseCommand):
    help = "Configure IKO for the demo sources running on another host (development only)."

    def add_arguments(self, parser):
        parser.add_argument("--sources-host", required=True, help="host name of `manage.py demo_sources`")
        add_port_arguments(parser)

    def handle(self, *args, sources_host: str, **options):
        if settings.IS_PRODUCTION:
            raise CommandError("The demo loads a known token; it refuses to run with IKO_ENV=production.")
        roots = sources_roots_at(sources_host, {name: options[f"{name}_port"] for name, *_ in PORTS})
        result = config.demo_configure(**roots)
        config.demo_configure_valtimo()
        config.demo_admin_ensure()
        self.stdout.write(
            f"Demo configuration loaded for the sources on {sources_host}: profiles {result['profile']} "
            f"(BSN {result['bsn']}) and {result['company_profile']} (KVK {result['kvk']}), purpose "
            f"{result['purpose']}, API token {result['token']}; admin user: admin."
        )
