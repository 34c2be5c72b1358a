"""Request and answer shapes of the self-service paths (camelCase JSON, as the API Design Rules ask)."""

from __future__ import annotations

from rest_framework import serializers

from profiles.services.self_service.report import KINDS
from profiles.services.self_service.view import MACHTIGINGEN
from profiles.subjects import SUBJECT_TYPES

from .serializers import StrictCharField, StrictSlugField, SubjectSerializer


class SelfServiceViewRequestSerializer(serializers.Serializer):
    subject = SubjectSerializer(
        required=False,
        help_text="Leave out for your own view (the BSN or KVK number you logged in with). A child's "
        "BSN together with machtiging gezag for a child you have gezag over.",
    )
    machtiging = serializers.ChoiceField(
        choices=list(MACHTIGINGEN), required=False,
        help_text="gezag: you act as the child's gezaghouder; IKO checks that in the BRP first.",
    )
    purpose = StrictSlugField(required=False, max_length=50, help_text="Purpose code; your grant's default if left out.")


class SubjectTypeQuerySerializer(serializers.Serializer):
    subjectType = serializers.ChoiceField(
        choices=list(SUBJECT_TYPES), required=False,
        help_text="For a login with both a BSN and a KVK number: whose records. Default: the first.",
    )


class InsightQuerySerializer(SubjectTypeQuerySerializer):
    page = serializers.IntegerField(required=False, min_value=1, default=1)
    pageSize = serializers.IntegerField(required=False, min_value=1, max_value=100, default=20)


class InsightSourceSerializer(serializers.Serializer):
    name = serializers.CharField()
    status = serializers.CharField()


class InsightPurposeSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    legalBasis = serializers.CharField()


class InsightOrganisationSerializer(serializers.Serializer):
    name = serializers.CharField()
    oin = serializers.CharField()


class InsightEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.CharField(help_text="view, search, self-service-insight, consent-give, ...")
    organisation = InsightOrganisationSerializer()
    system = serializers.CharField(help_text="The application that asked (never a person's name).")
    role = serializers.CharField(help_text="application, employee, you (self-service), your gezaghouder, ...")
    purpose = InsightPurposeSerializer()
    processingActivity = serializers.CharField()
    profile = serializers.CharField()
    sources = InsightSourceSerializer(many=True)
    fields = serializers.ListField(child=serializers.CharField(), help_text="Names of the fields released.")
    outcome = serializers.CharField()
    traceId = serializers.CharField()


class InsightPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    pageSize = serializers.IntegerField()
    results = InsightEntrySerializer(many=True)


class ConsentItemSerializer(serializers.Serializer):
    scope = serializers.CharField(help_text="purpose:<code> or relation:<profile>.<relation>.")
    title = serializers.CharField()
    text = serializers.CharField()
    textVersion = serializers.CharField(help_text="The current version of the text; send it to give consent.")
    inForce = serializers.BooleanField()
    givenAt = serializers.DateTimeField(allow_null=True)
    withdrawnAt = serializers.DateTimeField(allow_null=True)
    channel = serializers.CharField(allow_null=True)
    agreedTextVersion = serializers.CharField(allow_null=True)


class ConsentListSerializer(serializers.Serializer):
    consents = ConsentItemSerializer(many=True)


class ConsentGiveSerializer(serializers.Serializer):
    scope = StrictCharField(max_length=220, help_text="purpose:<code> or relation:<profile>.<relation>.")
    textVersion = StrictCharField(max_length=50, help_text="The version of the text the citizen agreed to.")
    subjectType = serializers.ChoiceField(choices=list(SUBJECT_TYPES), required=False)


class ConsentWithdrawSerializer(serializers.Serializer):
    scope = StrictCharField(max_length=220, help_text="purpose:<code> or relation:<profile>.<relation>.")
    subjectType = serializers.ChoiceField(choices=list(SUBJECT_TYPES), required=False)


class ReportRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(KINDS), help_text="correction: the data is wrong; deletion: remove it.")
    field = StrictCharField(
        max_length=200, help_text="A field of your view, as a dot path (persoon.naam.volledigeNaam), or a relation (inkomens)."
    )
    explanation = StrictCharField(max_length=1000, help_text="What is wrong, or why it should be removed.")
    purpose = StrictSlugField(required=False, max_length=50)


class ReportAnswerSerializer(serializers.Serializer):
    reference = serializers.CharField(help_text="Open Klant's uuid of the klantcontact.")
    referentienummer = serializers.CharField()
    source = serializers.CharField()
    field = serializers.CharField()
