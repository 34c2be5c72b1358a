"""`manage.py demo`: migrate, start the demo sources on loopback, load the demo configuration
and serve IKO, so that a new user has a working view with one command."""

from __future__ import annotations

import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from demo.config import demo_configure


class Command(BaseCommand):
    help = "Start IKO with demo sources and a demo profile (development only)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("IKO_PORT", 8000)))
        parser.add_argument("--brp-port", type=int, default=int(os.environ.get("IKO_DEMO_BRP_PORT", 5010)))
        parser.add_argument("--no-serve", action="store_true", help="Set up and start sources, then stop.")

    def handle(self, *args, port: int, brp_port: int, no_serve: bool, **options):
        if settings.IS_PRODUCTION:
            raise CommandError("The demo loads a known token; it refuses to run with IKO_ENV=production.")
        from demo.servers.brp import start_brp_server

        call_command("migrate", interactive=False, verbosity=0)
        brp = start_brp_server(port=brp_port)
        config = demo_configure(brp_api_root=brp.api_root)
        self._ensure_admin()
        base = f"http://127.0.0.1:{port}"
        self.stdout.write(
            f"""
IKO demo
  BRP demo source : {brp.api_root}
  API docs        : {base}/api/v1/docs
  Admin           : {base}/admin/  (user admin, password {os.environ.get('IKO_DEMO_ADMIN_PASSWORD', 'admin')})

Try a view of test person {config['bsn']}:
  curl -s -X POST {base}/api/v1/profiles/{config['profile']}/view \\
    -H 'Authorization: Token {config['token']}' -H 'Content-Type: application/json' \\
    -d '{{"subject": {{"type": "bsn", "value": "{config['bsn']}"}}, "purpose": "{config['purpose']}"}}'
"""
        )
        if no_serve:
            brp.stop()
            return
        try:
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, use_threading=True)
        finally:
            brp.stop()

    def _ensure_admin(self) -> None:
        User = get_user_model()
        if not User.objects.filter(username="admin").exists():
            User.objects.create_superuser(
                "admin", "admin@example.org", os.environ.get("IKO_DEMO_ADMIN_PASSWORD", "admin")
            )
