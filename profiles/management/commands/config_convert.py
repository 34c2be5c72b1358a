"""`manage.py config_convert FILE [--prune-grants] [--output FILE]`: turn a file of the earlier
`config_import` format into a file for `manage.py setup_configuration --yaml-file` (see
profiles/configuration/convert.py for what changes)."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from profiles.configuration.convert import configuration_convert_text
from profiles.configuration.document import ConfigurationInvalid


class Command(BaseCommand):
    help = "Convert a configuration file of the earlier config_import format into a setup_configuration file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the earlier file (YAML or JSON), or - for standard input")
        parser.add_argument("--prune-grants", action="store_true",
                            help="as config_import --prune-grants did: the file's grants are the whole truth")
        parser.add_argument("--output", "-o", type=Path, help="write to this file instead of standard output")

    def handle(self, *args, file: str, prune_grants: bool, output: Path | None, **options):
        try:
            text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from None
        try:
            converted = configuration_convert_text(text, prune_grants=prune_grants)
        except ConfigurationInvalid as exc:
            raise CommandError(f"Not converted; the file has {len(exc.problems)} problem(s):\n"
                               + "\n".join(f"  - {p}" for p in exc.problems)) from None
        if output is None:
            self.stdout.write(converted, ending="")
            return
        output.write_text(converted, encoding="utf-8")
        self.stderr.write(f"Wrote {output}; apply it with: manage.py setup_configuration --yaml-file {output}")
