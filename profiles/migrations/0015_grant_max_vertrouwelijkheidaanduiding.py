# A grant's own maximum vertrouwelijkheidaanduiding of the documents its views show.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('profiles', '0014_fsc_peer_and_transaction_ids'),
    ]

    operations = [
        migrations.AddField(
            model_name='grant',
            name='max_vertrouwelijkheidaanduiding',
            field=models.CharField(blank=True, choices=[('openbaar', 'openbaar'), ('beperkt_openbaar', 'beperkt_openbaar'), ('intern', 'intern'), ('zaakvertrouwelijk', 'zaakvertrouwelijk'), ('vertrouwelijk', 'vertrouwelijk'), ('confidentieel', 'confidentieel'), ('geheim', 'geheim'), ('zeer_geheim', 'zeer_geheim')], help_text="Documents (Documenten API) more confidential than this are left out of every view served under this grant. It lowers the Documenten source's own maximum, never raises it; empty: only the source's maximum applies.", max_length=20, verbose_name='maximum vertrouwelijkheidaanduiding'),
        ),
    ]
