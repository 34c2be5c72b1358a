"""API clients and subject lookup alerts now belong to the profiles app (profiles/migrations/0006
takes them over with their tables); the api app forgets them. No table is dropped."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("api", "0003_subject_lookup_alerts"),
        ("profiles", "0006_api_clients_and_lookup_alerts_join_profiles"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="apiclient", name="default_purpose"),
                migrations.DeleteModel(name="SubjectLookupAlert"),
                migrations.DeleteModel(name="ApiClient"),
            ],
            database_operations=[],
        ),
    ]
