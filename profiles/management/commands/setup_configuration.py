"""`manage.py setup_configuration --yaml-file FILE [--validate-only]`: django-setup-configuration's
command, as Open Zaak, Open Klant and the Objects API have it, with IKO's checks of the file first.

The library reads only the namespaces of the configured steps and skips a step whose enable flag is
absent; a misspelt namespace or a forgotten flag would so set up nothing without a word. This
command refuses such a file before anything runs (profiles/configuration/apply.py `file_problems`),
then hands over to the library's command. `--organisation` (a short name or OIN) applies the file
to that organisation: every name in it refers only to that organisation's objects, and what it
creates belongs to it; without it, the default organisation.
"""

from pathlib import Path

import yaml
from django.core.management.base import CommandError
from django_setup_configuration.management.commands.setup_configuration import Command as LibraryCommand

from profiles.configuration.apply import file_problems
from profiles.configuration.document import configuration_organisation
from profiles.management.organisation_option import organisation_id_named, organisation_option_add


class Command(LibraryCommand):
    def add_arguments(self, parser):
        super().add_arguments(parser)
        organisation_option_add(parser)

    def handle(self, **options):
        organisation_id = organisation_id_named(options.pop("organisation", None))
        path = Path(options["yaml_file"])
        if path.exists():
            try:
                problems = file_problems(yaml.safe_load(path.read_text(encoding="utf-8")))
            except yaml.YAMLError as exc:
                problems = [f"Not valid YAML: {exc}"]
            if problems:
                raise CommandError(f"Nothing was changed; {path} has {len(problems)} problem(s):\n"
                                   + "\n".join(f"  - {p}" for p in problems))
        with configuration_organisation(organisation_id):
            return super().handle(**options)
