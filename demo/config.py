"""The demo configuration: a server, source, purpose, profile, API client and grant for the BRP demo.

Idempotent: running it again updates the same objects. The token is fixed so the README's curl
works; it is a demo token, only ever loaded by the demo command.
"""

from __future__ import annotations

from django.db import transaction
from zgw_consumers.constants import APITypes, AuthTypes
from zgw_consumers.models import Service

from api.models import ApiClient
from connectors.models import Source
from profiles.models import Grant, Profile, Purpose, Relation

DEMO_TOKEN = "iko_demo_token_only_for_the_local_demo"
DEMO_BSN = "999993653"

KLANTBEELD_PERSOON_FIELDS = [
    "burgerservicenummer",
    "naam.volledigeNaam",
    "naam.voornamen",
    "naam.voorvoegsel",
    "naam.geslachtsnaam",
    "geboorte.datum",
    "leeftijd",
    "verblijfplaats.verblijfadres",
    "verblijfplaats.nummeraanduidingIdentificatie",
    "adressering.adresregel1",
    "adressering.adresregel2",
]


@transaction.atomic
def demo_configure(*, brp_api_root: str) -> dict:
    service, _ = Service.objects.update_or_create(
        slug="demo-brp",
        defaults={
            "label": "Demo BRP Personen (loopback)",
            "api_type": APITypes.orc,
            "api_root": brp_api_root,
            "auth_type": AuthTypes.no_auth,
            "timeout": 5,
        },
    )
    source, _ = Source.objects.update_or_create(
        name="brp",
        defaults={"title": "BRP Personen (demo)", "connector": "brp", "service": service, "timeout": 3.0},
    )
    purpose, _ = Purpose.objects.update_or_create(
        code="klantcontact",
        defaults={
            "name": "Answering a citizen's question at the KCC",
            "legal_basis": "Demo: Gemeentewet art. 160 (uitvoering van taken)",
            "processing_activity_id": "https://register.example.org/verwerkingsactiviteiten/klantcontact",
            "brp_doelbinding_consult": "BRPACT-AlgemeneTaken",
            "brp_verwerking": "Klantcontact@Beantwoorden vraag",
        },
    )
    profile, _ = Profile.objects.update_or_create(
        name="klantbeeld",
        defaults={
            "title": "Klantbeeld (person)",
            "description": "A citizen's personal data for the KCC.",
            "subject_types": ["bsn"],
            "status": Profile.Status.ACTIVE,
        },
    )
    Relation.objects.update_or_create(
        profile=profile,
        name="persoon",
        defaults={"source": source, "operation": "RaadpleegMetBurgerservicenummer", "fields": KLANTBEELD_PERSOON_FIELDS},
    )
    client = ApiClient.objects.filter(name="Demo case system").first() or ApiClient(name="Demo case system")
    client.set_new_token(DEMO_TOKEN)
    client.default_purpose = purpose
    client.save()
    Grant.objects.update_or_create(
        api_client=client, profile=profile, purpose=purpose, defaults={"enabled": True, "note": "Demo"}
    )
    return {"profile": profile.name, "purpose": purpose.code, "token": DEMO_TOKEN, "bsn": DEMO_BSN}
