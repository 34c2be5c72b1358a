"""`manage.py processing_log_purge [--dry-run]`: delete processing records past their retention.

The processing log is append-only: the admin and the API cannot change or delete a record, and
the model's queryset refuses `delete()`. This command is the one deliberate exception. It deletes
only records created more than `IKO_PROCESSING_LOG_RETENTION_DAYS` days ago (default 7305, twenty
years, what RvIG asks of BRP protocollering), in batches, and says how many. Run it daily from cron
or a Kubernetes CronJob; `--dry-run` only counts. Records in an external Verwerkingenlogging API
are that API's to keep (the record sent there carries `bewaartermijn`).
"""

from django.core.management.base import BaseCommand

from profiles.processing_log.purge import processing_log_purge
from profiles.regelingen.records import suggestion_records_purge


class Command(BaseCommand):
    help = "Delete processing records older than IKO_PROCESSING_LOG_RETENTION_DAYS (--dry-run: only count them)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count the records that would go; delete nothing.")

    def handle(self, *args, dry_run: bool = False, **options):
        count, cutoff = processing_log_purge(dry_run=dry_run)
        # What sits beside the records (which regelingen an evaluation looked at) goes with them.
        suggestions = suggestion_records_purge(dry_run=dry_run)
        if dry_run:
            self.stdout.write(f"{count} processing records were created before {cutoff:%Y-%m-%d %H:%M:%S %Z} and would be deleted (dry run).")
        else:
            self.stdout.write(self.style.SUCCESS(
                f"Deleted {count} processing records created before {cutoff:%Y-%m-%d %H:%M:%S %Z}."
            ))
        if suggestions:
            self.stdout.write(f"Suggestion records beside them: {suggestions}{' (dry run)' if dry_run else ' deleted'}.")
