"""`manage.py config_export [--format yaml|json] [--output FILE]`: the whole configuration as one
file for `manage.py setup_configuration --yaml-file` (servers without secrets, purposes, sources,
profiles, search actions, API clients without tokens, grants, regelingen, prefill attributes).
See profiles/configuration/."""

from pathlib import Path

from django.core.management.base import BaseCommand

from profiles.configuration.export import configuration_export


class Command(BaseCommand):
    help = "Export the whole configuration (never secrets or tokens) as a setup_configuration file."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["yaml", "json"], default="yaml")
        parser.add_argument("--output", "-o", type=Path, help="write to this file instead of standard output")

    def handle(self, *args, format: str, output: Path | None, **options):
        text = configuration_export(fmt=format)
        if output is None:
            self.stdout.write(text, ending="")
            return
        output.write_text(text, encoding="utf-8")
        self.stderr.write(f"Wrote the configuration to {output}.")
