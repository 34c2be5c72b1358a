"""Organisations (tenants): the default organisation, made from today's settings
(IKO_ORGANISATION_NAME, IKO_ORGANISATION_OIN), gets every existing row (the organisation fields'
default); names become unique per organisation."""

import django.db.models.deletion
import profiles.organisations.models
from django.conf import settings
from django.db import migrations, models
from django.utils.text import slugify


def default_organisation_create(apps, schema_editor):
    Organisation = apps.get_model("profiles", "Organisation")
    if not Organisation.objects.filter(is_default=True).exists():
        name = getattr(settings, "IKO_ORGANISATION_NAME", "") or "IKO"
        Organisation.objects.create(
            name=name, slug=slugify(name)[:50] or "default",
            oin=getattr(settings, "IKO_ORGANISATION_OIN", ""), is_default=True,
        )


class Migration(migrations.Migration):

    dependencies = [
        ('profiles', '0012_translated_labels'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Organisation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, unique=True, verbose_name='name')),
                ('slug', models.SlugField(help_text='Stable short name, used by `config_export --organisation` and in the OIDC organisation claim (IKO_OIDC_ORGANISATION_CLAIM).', unique=True, verbose_name='short name')),
                ('oin', models.CharField(blank=True, help_text="The organisation's OIN (20 digits): x-origin-oin towards BRP gateways and the uitvoerder in the Verwerkingenlogging API. The default organisation follows IKO_ORGANISATION_OIN when that is set.", max_length=20, verbose_name='OIN')),
                ('pseudonym_key_env', models.CharField(blank=True, help_text="Name of the environment variable holding this organisation's pseudonym key (IKO_PSEUDONYM_KEY_<SUFFIX>). Empty: a key derived from IKO_PSEUDONYM_KEY for this organisation alone. The key itself is never stored.", max_length=80, verbose_name='pseudonym key variable')),
                ('is_default', models.BooleanField(default=False, editable=False, help_text='The organisation of callers that name none (the organisation of a single-organisation installation).', verbose_name='default organisation')),
            ],
            options={
                'verbose_name': 'organisation',
                'verbose_name_plural': 'organisations',
                'ordering': ['name'],
            },
        ),
        migrations.AddConstraint(
            model_name='organisation',
            constraint=models.UniqueConstraint(condition=models.Q(('is_default', True)), fields=('is_default',), name='one_default_organisation'),
        ),
        migrations.RunPython(default_organisation_create, migrations.RunPython.noop),
        migrations.CreateModel(
            name='OrganisationMember',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
            ],
            options={
                'verbose_name': 'organisation administrator',
                'verbose_name_plural': 'organisation administrators',
            },
        ),
        migrations.RemoveConstraint(
            model_name='profile',
            name='unique_profile_name',
        ),
        migrations.AlterField(
            model_name='apiclient',
            name='name',
            field=models.CharField(help_text='The calling system, e.g. Valtimo.', max_length=200, verbose_name='name'),
        ),
        migrations.AlterField(
            model_name='purpose',
            name='code',
            field=models.SlugField(help_text='Short code callers send as `purpose` (for example: kcc-vraag).', verbose_name='code'),
        ),
        migrations.AddField(
            model_name='apiclient',
            name='organisation',
            field=models.ForeignKey(default=profiles.organisations.models.organisation_default_id, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='profiles.organisation', verbose_name='organisation'),
        ),
        migrations.AddField(
            model_name='processingrecord',
            name='organisation',
            field=models.ForeignKey(default=profiles.organisations.models.organisation_default_id, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='profiles.organisation', verbose_name='organisation'),
        ),
        migrations.AddField(
            model_name='profile',
            name='organisation',
            field=models.ForeignKey(default=profiles.organisations.models.organisation_default_id, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='profiles.organisation', verbose_name='organisation'),
        ),
        migrations.AddField(
            model_name='purpose',
            name='organisation',
            field=models.ForeignKey(default=profiles.organisations.models.organisation_default_id, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='profiles.organisation', verbose_name='organisation'),
        ),
        migrations.AddField(
            model_name='subjectlookupalert',
            name='organisation',
            field=models.ForeignKey(default=profiles.organisations.models.organisation_default_id, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='profiles.organisation', verbose_name='organisation'),
        ),
        migrations.AddConstraint(
            model_name='apiclient',
            constraint=models.UniqueConstraint(fields=('organisation', 'name'), name='unique_api_client_name'),
        ),
        migrations.AddConstraint(
            model_name='profile',
            constraint=models.UniqueConstraint(condition=models.Q(('draft_of__isnull', True)), fields=('organisation', 'name'), name='unique_profile_name'),
        ),
        migrations.AddConstraint(
            model_name='purpose',
            constraint=models.UniqueConstraint(fields=('organisation', 'code'), name='unique_purpose_code'),
        ),
        migrations.AddField(
            model_name='organisationmember',
            name='organisation',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='members', to='profiles.organisation', verbose_name='organisation'),
        ),
        migrations.AddField(
            model_name='organisationmember',
            name='user',
            field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='iko_organisation', to=settings.AUTH_USER_MODEL, verbose_name='user'),
        ),
    ]
