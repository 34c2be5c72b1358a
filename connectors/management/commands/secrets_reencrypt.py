"""`manage.py secrets_reencrypt`: encrypt every server credential with the first key of
IKO_SECRETS_KEY (after a key rotation, or to encrypt values stored in plain text).

Prints counts, never a value. See docs/operator/secrets.md.
"""

from django.core.management.base import BaseCommand, CommandError
from zgw_consumers.models import Service

from connectors.credentials import CredentialUndecryptable, credentials_reencrypt, stored_credentials


class Command(BaseCommand):
    help = "Encrypt every server secret and API key with the first key of IKO_SECRETS_KEY."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would change; write nothing.")

    def handle(self, *args, dry_run: bool = False, **options):
        def write(pk, values):
            Service.objects.filter(pk=pk).update(**values)  # stored as given: no signal encrypts twice

        try:
            counts = credentials_reencrypt(stored_credentials(Service), write=write, dry_run=dry_run)
        except CredentialUndecryptable as exc:
            raise CommandError(str(exc)) from None
        verb = "Would re-encrypt" if dry_run else "Re-encrypted"
        self.stdout.write(
            f"{verb} the credentials of {counts['servers']} server(s): {counts['encrypted']} stored in plain text, "
            f"{counts['rotated']} encrypted before."
        )
        if counts["undecryptable"]:
            raise CommandError(
                f"{counts['undecryptable']} credential(s) cannot be decrypted with the keys in IKO_SECRETS_KEY and "
                "were left as they are: add the key they were encrypted with, or enter them again in the admin."
            )
