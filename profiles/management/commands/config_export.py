"""`manage.py config_export [--format yaml|json] [--output FILE] [--organisation NAME]`: the whole
configuration of one organisation as one file for `manage.py setup_configuration --yaml-file`
(servers without secrets, purposes, sources, profiles, search actions, API clients without tokens,
grants, regelingen, prefill attributes). `--organisation` takes the organisation's short name or
OIN; without it, the default organisation. See profiles/configuration/."""

from pathlib import Path

from django.core.management.base import BaseCommand

from profiles.configuration.document import configuration_organisation
from profiles.configuration.export import configuration_export
from profiles.management.organisation_option import organisation_id_named, organisation_option_add


class Command(BaseCommand):
    help = "Export the whole configuration (never secrets or tokens) as a setup_configuration file."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["yaml", "json"], default="yaml")
        parser.add_argument("--output", "-o", type=Path, help="write to this file instead of standard output")
        organisation_option_add(parser)

    def handle(self, *args, format: str, output: Path | None, organisation: str | None = None, **options):
        with configuration_organisation(organisation_id_named(organisation)):
            text = configuration_export(fmt=format)
        if output is None:
            self.stdout.write(text, ending="")
            return
        output.write_text(text, encoding="utf-8")
        self.stderr.write(f"Wrote the configuration to {output}.")
