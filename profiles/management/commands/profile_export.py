"""`manage.py profile_export NAME [--format json|yaml]`: print a profile with its relation tree."""

from django.core.management.base import BaseCommand, CommandError

from profiles.definitions.models import Profile
from profiles.definitions.portability import profile_export


class Command(BaseCommand):
    help = "Export a profile (with its relations) as YAML or JSON to standard output."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--format", choices=["yaml", "json"], default="yaml")

    def handle(self, *args, name, format, **options):
        profile = Profile.objects.filter(name=name, draft_of__isnull=True).first()
        if profile is None:
            raise CommandError(f"There is no profile named {name!r}.")
        self.stdout.write(profile_export(profile, fmt=format), ending="")
