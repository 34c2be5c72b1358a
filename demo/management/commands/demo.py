"""`manage.py demo`: migrate, start the seven demo sources on loopback, load the demo configuration
and serve IKO, so that a new user has working views of a person and a company with one command.
The Zaken source serves the Documenten and Besluiten APIs too, on their own API roots, as Open
Zaak does.

The sources are the servers of `demo/servers/`, started as one set (demo/sources.py); each listens
on 127.0.0.1 on a fixed default port (`--<source>-port`, or `IKO_DEMO_<SOURCE>_PORT`; 0 picks a
free port) and takes its fault settings from `IKO_DEMO_<SOURCE>_LATENCY_MS` / `_JITTER_MS` /
`_FAILURE_RATE` / `_FAIL_MODE` (see `demo/servers/base.py`).

It also starts a demo citizen issuer (`demo/servers/citizen_issuer.py`, a stand-in for the DigiD /
eHerkenning broker) and points self-service at it in this process, so that citizen tokens for the
demo persons work on the self-service paths (docs/integrator/citizen.md).
"""

from __future__ import annotations

import os
from contextlib import ExitStack

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from demo import config
from demo.sources import PORTS, SourceStartError, add_port_arguments, sources_roots, sources_start


class Command(BaseCommand):
    help = "Start IKO with seven demo sources and two demo profiles (development only)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("IKO_PORT", 8000)))
        add_port_arguments(parser)
        parser.add_argument(
            "--citizen-issuer-port", type=int, default=int(os.environ.get("IKO_DEMO_CITIZEN_ISSUER_PORT", 5060)),
            help="port of the demo citizen issuer (DigiD/eHerkenning broker; default 5060, 0 = a free port)",
        )
        parser.add_argument("--no-serve", action="store_true", help="Set up and start sources, then stop.")

    def handle(self, *args, port: int, no_serve: bool, citizen_issuer_port: int, **options):
        if settings.IS_PRODUCTION:
            raise CommandError("The demo loads a known token; it refuses to run with IKO_ENV=production.")
        call_command("migrate", interactive=False, verbosity=0)
        with ExitStack() as running:
            servers = self._start_sources(running, {name: options[f"{name}_port"] for name, *_ in PORTS})
            result = config.demo_configure(**sources_roots(servers))
            config.demo_configure_valtimo()
            config.demo_admin_ensure()
            issuer = self._start_citizen_issuer(running, citizen_issuer_port)
            self.stdout.write(self._summary(servers, result, f"http://127.0.0.1:{port}"))
            self.stdout.write(self._self_service_summary(issuer, result, f"http://127.0.0.1:{port}"))
            if not no_serve:
                call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, use_threading=True)

    def _start_sources(self, running: ExitStack, ports: dict[str, int]) -> dict:
        try:
            return sources_start(running, ports)
        except SourceStartError as exc:
            raise CommandError(str(exc)) from None

    @staticmethod
    def _start_citizen_issuer(running: ExitStack, port: int):
        """Start the demo's citizen issuer and point self-service at it (this process only)."""
        from demo.servers.citizen_issuer import AUDIENCE, start_citizen_issuer

        try:
            issuer = start_citizen_issuer(port)
        except OSError as exc:
            raise CommandError(
                f"Cannot start the demo citizen issuer on port {port} ({exc.strerror}); choose another with "
                "--citizen-issuer-port (0 = a free port)."
            ) from None
        running.callback(issuer.stop)
        settings.IKO_CITIZEN_ISSUER = issuer.issuer
        settings.IKO_CITIZEN_AUDIENCE = [AUDIENCE]
        settings.IKO_CITIZEN_JWKS_URI = ""
        # What citizens see as the organisation in "what has been done with my data".
        settings.IKO_ORGANISATION_NAME = settings.IKO_ORGANISATION_NAME or "Gemeente Demodam (demo)"
        return issuer

    @staticmethod
    def _self_service_summary(issuer, result: dict, base: str) -> str:
        token = f"$(curl -s '{issuer.issuer}/token?bsn={result['bsn']}' | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"access_token\"])')"
        auth = "-H \"Authorization: Bearer $TOKEN\""
        return f"""
Self-service (citizen issuer {issuer.issuer}; docs/integrator/citizen.md):
  TOKEN={token}
  curl -s -X POST {base}/api/v1/self-service/profiles/{result['self_service_profile']}/view {auth} -H 'Content-Type: application/json' -d '{{}}'
  curl -s {base}/api/v1/self-service/insight {auth}
"""

    @staticmethod
    def _summary(servers: dict, result: dict, base: str) -> str:
        zaken, openklant, objecten = servers["zaken"], servers["klantinteracties"], servers["objecten"]
        rows = [
            ("BRP Personen", servers["brp"].api_root),
            ("KVK Handelsregister", servers["kvk"].api_root),
            ("Zaken / Catalogi", f"{zaken.zaken_api_root} , {zaken.catalogi_api_root}"),
            ("Documenten/Besluiten", f"{zaken.documenten_api_root} , {zaken.besluiten_api_root}"),
            ("Open Klant", f"{openklant.api_root} , {openklant.contactgegevens_api_root}"),
            ("Objects API", objecten.api_root),
            ("BAG adressen", servers["bag"].api_root),
            ("Inkomensregister", servers["generic"].api_root),
        ]
        sources = "\n".join(f"  {label:<20}: {url}" for label, url in rows)
        auth = f"-H 'Authorization: Token {result['token']}' -H 'Content-Type: application/json'"

        def curl(profile: str, kind: str, value: str, purpose: str = result["purpose"]) -> str:
            return (
                f"  curl -s -X POST {base}/api/v1/profiles/{profile}/view \\\n    {auth} \\\n"
                f"    -d '{{\"subject\": {{\"type\": \"{kind}\", \"value\": \"{value}\"}}, "
                f"\"purpose\": \"{purpose}\"}}'"
            )

        return f"""
IKO demo
Demo sources (127.0.0.1; faults via IKO_DEMO_<SOURCE>_LATENCY_MS / _FAILURE_RATE / _FAIL_MODE):
{sources}
  API docs            : {base}/api/v1/docs
  Admin               : {base}/admin/  (user admin, password {os.environ.get('IKO_DEMO_ADMIN_PASSWORD', 'admin')})

Klantbeeld of test person {result['bsn']} (BRP, Zaken, Open Klant, Objecten, BAG, inkomensregister):
{curl(result['profile'], 'bsn', result['bsn'])}

Bedrijfsbeeld of company {result['kvk']} (KVK, Zaken, Open Klant, Objecten, BAG):
{curl(result['company_profile'], 'kvk', result['kvk'])}

Adresbeeld of Boterdiep 31 for a permit handler (BAG, KVK, BRP count, Zaken, Besluiten, Objecten;
docs/integrator/objects.md):
{curl('adresbeeld', 'adres', result['adres'], result['adres_purpose'])}

Zaakbeeld of the objection {result['zaak']} (Zaken, Documenten, Besluiten, Open Klant):
{curl('zaakbeeld', 'zaak', result['zaak'], result['zaak_purpose'])}

Pandbeeld of the bakery's building {result['pand']}: the permits located within it (BAG, Objecten):
{curl('pandbeeld', 'pand', result['pand'], result['pand_purpose'])}

Regelingen that may apply to test person {result['suggestions_bsn']} (docs/integrator/regelingen.md; prefill too):
  curl -s -X POST {base}/api/v1/profiles/{result['suggestions_profile']}/suggestions \\
    {auth} \\
    -d '{{"subject": {{"type": "bsn", "value": "{result['suggestions_bsn']}"}}}}'

Valtimo's own IKO configuration (views klant and demo, demo/valtimo.yaml): set Valtimo's
VALTIMO_IKO_API_URL to {base}/ (docs/integrator/valtimo.md), or try a widget's call:
  curl -s '{base}/aggregated-data-profiles/Personen?id={result['bsn']}' -H 'Authorization: Bearer {result['token']}'
"""
