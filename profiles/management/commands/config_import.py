"""`manage.py config_import FILE [--dry-run]`: set up or update an environment from a document made
by `config_export` (or written by hand). Secrets come from the environment variables the document
names. `--organisation` (short name or OIN) imports into that organisation; without it, into the
default one. See profiles/configuration/."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from profiles.configuration.document import ConfigurationInvalid
from profiles.configuration.importer import configuration_import
from profiles.management.commands.config_export import organisation_id_named


class Command(BaseCommand):
    help = (
        "Import a configuration document (YAML or JSON; '-' reads standard input): update or create "
        "by name, in one transaction, all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the document, or - for standard input")
        parser.add_argument("--dry-run", action="store_true", help="validate and show what would change; change nothing")
        parser.add_argument("--show-unchanged", action="store_true", help="also list what stays as it is")
        parser.add_argument("--prune-grants", action="store_true",
                            help="delete the grants the document does not list (its grants are the whole truth)")
        parser.add_argument("--organisation", help="import into this organisation (short name or OIN; default: the default one)")

    def handle(self, *args, file: str, dry_run: bool, show_unchanged: bool, prune_grants: bool,
               organisation: str | None = None, **options):
        organisation_id = organisation_id_named(organisation)
        try:
            text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from None
        try:
            result = configuration_import(text=text, dry_run=dry_run, prune_grants=prune_grants,
                                          organisation_id=organisation_id)
        except ConfigurationInvalid as exc:
            raise CommandError(f"Nothing was imported; the document has {len(exc.problems)} problem(s):\n"
                               + "\n".join(f"  - {p}" for p in exc.problems)) from None
        prefix = "would " if dry_run else ""
        for change in result.changes:
            if change.action != "unchanged" or show_unchanged:
                self.stdout.write(f"{prefix}{change}")
        for notice in result.notices:
            self.stdout.write(self.style.WARNING(f"needs attention: {notice}"))
        self.stdout.write(result.summary() + (" (dry run: nothing was changed)" if dry_run else ""))
