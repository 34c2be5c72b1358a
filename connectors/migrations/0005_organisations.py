"""Organisations: every source and server belongs to one (the default one for what exists)."""

import connectors.server_owners
import django.db.models.deletion
from django.db import migrations, models


def server_owners_create(apps, schema_editor):
    """Every existing server belongs to the default organisation, like every other existing row."""
    Service = apps.get_model("zgw_consumers", "Service")
    ServerOwner = apps.get_model("connectors", "ServerOwner")
    Organisation = apps.get_model("profiles", "Organisation")
    default = Organisation.objects.get(is_default=True)
    ServerOwner.objects.bulk_create(
        [ServerOwner(service_id=pk, organisation_id=default.pk) for pk in Service.objects.values_list("pk", flat=True)]
    )


class Migration(migrations.Migration):

    dependencies = [
        ('connectors', '0004_translated_labels'),
        ('profiles', '0013_organisations'),
        ('zgw_consumers', '0027_service_oauth2_scope_service_oauth2_token_url_and_more'),
    ]

    operations = [
        migrations.CreateModel(
            name='ServerOwner',
            fields=[
                ('service', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='iko_owner', serialize=False, to='zgw_consumers.service', verbose_name='server')),
            ],
            options={
                'verbose_name': "server's organisation",
                'verbose_name_plural': "servers' organisations",
            },
        ),
        migrations.AddField(
            model_name='source',
            name='organisation',
            field=models.ForeignKey(default=connectors.server_owners.organisation_default_id, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='profiles.organisation', verbose_name='organisation'),
        ),
        migrations.AlterField(
            model_name='source',
            name='name',
            field=models.SlugField(help_text='Stable short name, used in profiles and in the per-source status of every view (for example: brp, zaken, openklant).', verbose_name='name'),
        ),
        migrations.AddConstraint(
            model_name='source',
            constraint=models.UniqueConstraint(fields=('organisation', 'name'), name='unique_source_name'),
        ),
        migrations.AddField(
            model_name='serverowner',
            name='organisation',
            field=models.ForeignKey(default=connectors.server_owners.organisation_default_id, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='profiles.organisation', verbose_name='organisation'),
        ),
        migrations.RunPython(server_owners_create, migrations.RunPython.noop),
    ]
