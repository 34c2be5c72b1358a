"""API clients and subject lookup alerts move from the api app to profiles (access and the
processing log), keeping their tables, rows, content types and permissions.

Only Django's picture of the models changes: the tables `api_apiclient` and
`api_subjectlookupalert` stay as they are (the models name them with db_table), and so does the
database's foreign key from grants to API clients. The content types `api.apiclient` and
`api.subjectlookupalert` are renamed to the profiles app, so their permissions (and the groups and
users holding them) and the admin's history stay attached. api/migrations/0004 removes the models
from the api app's state afterwards.
"""

import django.db.models.deletion
from django.db import migrations, models

MOVED_MODELS = ("apiclient", "subjectlookupalert")


def _content_types_move(apps, from_label: str, to_label: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    for model in MOVED_MODELS:
        old = ContentType.objects.filter(app_label=from_label, model=model).first()
        if old is None:
            continue  # a fresh database: post_migrate creates the content type under its new label
        new = ContentType.objects.filter(app_label=to_label, model=model).first()
        if new is not None:
            # Both exist (the new one made by an earlier run of post_migrate): keep the old one,
            # which holds the permissions groups and users were given, and drop the empty twin.
            Permission.objects.filter(content_type=new).delete()
            new.delete()
        old.app_label = to_label
        old.save(update_fields=["app_label"])


def content_types_forward(apps, schema_editor) -> None:
    _content_types_move(apps, "api", "profiles")


def content_types_backward(apps, schema_editor) -> None:
    _content_types_move(apps, "profiles", "api")


class Migration(migrations.Migration):

    dependencies = [
        ("api", "0003_subject_lookup_alerts"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("profiles", "0005_processing_record_search_subject"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ApiClient",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(help_text="The calling system, e.g. Valtimo.", max_length=200, unique=True)),
                        ("token_hash", models.CharField(editable=False, max_length=64, unique=True)),
                        ("token_hint", models.CharField(editable=False, help_text="First characters of the token, to recognise it.", max_length=12)),
                        ("enabled", models.BooleanField(default=True)),
                        ("oin", models.CharField(blank=True, help_text="Organisation identification number (20 digits) of the caller, if it has one.", max_length=20, verbose_name="OIN")),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("last_used_at", models.DateTimeField(blank=True, editable=False, null=True)),
                        ("default_purpose", models.ForeignKey(blank=True, help_text="Purpose used when a request names none. It still needs a grant.", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="profiles.purpose")),
                    ],
                    options={
                        "verbose_name": "API client",
                        "db_table": "api_apiclient",
                        "ordering": ["name"],
                    },
                ),
                migrations.CreateModel(
                    name="SubjectLookupAlert",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        ("actor", models.CharField(help_text="The API client or user, as in the processing log.", max_length=200)),
                        ("on_behalf_of", models.CharField(blank=True, help_text="The end user it acted for, if any.", max_length=242)),
                        ("distinct_subjects", models.PositiveIntegerField(help_text="Distinct subjects looked up within the window when the alert was raised (estimated to within about 1% when counted in Redis).")),
                        ("threshold", models.PositiveIntegerField(help_text="IKO_ALERT_DISTINCT_SUBJECTS at the time.")),
                        ("window_seconds", models.PositiveIntegerField(help_text="IKO_ALERT_WINDOW_SECONDS at the time.")),
                        ("trace_id", models.CharField(blank=True, help_text="Trace id of the lookup that crossed the threshold (processing log).", max_length=32)),
                    ],
                    options={
                        "verbose_name": "subject lookup alert",
                        "db_table": "api_subjectlookupalert",
                        "ordering": ["-created_at"],
                    },
                ),
                migrations.AlterField(
                    model_name="grant",
                    name="api_client",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="grants", to="profiles.apiclient"),
                ),
            ],
            # The tables and the grants' foreign key already are what the new state describes.
            database_operations=[],
        ),
        migrations.RunPython(content_types_forward, content_types_backward),
    ]
