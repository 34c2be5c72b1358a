"""`manage.py profile_import FILE`: create or replace a profile from an exported YAML/JSON file."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from profiles.definitions.portability import profile_import


class Command(BaseCommand):
    help = "Import a profile exported with profile_export (sources are matched by name)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            profile = profile_import(file.read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from None
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(f"Imported profile {profile.name} (version {profile.version}).")
