"""Request and response shapes of the API (camelCase JSON, as the API Design Rules ask)."""

from rest_framework import serializers

from profiles.access.principals import end_user_text_unsafe
from profiles.subjects import SUBJECT_TYPES


class CopiedCheaply:
    """DRF gives every serializer instance its own copy of the declared fields by calling each
    field's __init__ again, validators and all: for the small view request that was most of the
    time its validation took. A field not yet bound to a serializer is copied shallowly instead:
    what __init__ set up (validators, choices, messages) is not changed afterwards and is shared,
    and what binding sets (name, parent, source) is set on the copy only."""

    def __deepcopy__(self, memo):
        if self.parent is not None or self.field_name is not None:
            return super().__deepcopy__(memo)  # a bound field: DRF's own way
        # What copy.copy does for a field (a new instance with the same attributes), without its
        # generic __reduce_ex__ round: the request serializers copy every field on every request.
        clone = self.__class__.__new__(self.__class__)
        clone.__dict__.update(self.__dict__)
        return clone


class StrictStringMixin(CopiedCheaply):
    """Takes JSON strings only. DRF's CharField turns a number into text, which the OpenAPI
    document (`type: string`) does not allow, and a BSN sent as a number has lost its leading
    zero already (found by tests/test_api_fuzz.py)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictCharField(StrictStringMixin, serializers.CharField):
    default_error_messages = {"invalid": "Not a valid string."}


class StrictSlugField(StrictStringMixin, serializers.SlugField):
    pass


class CheapChoiceField(CopiedCheaply, serializers.ChoiceField):
    pass


class CheapIntegerField(CopiedCheaply, serializers.IntegerField):
    pass


class EndUserField(StrictCharField):
    """The end user a calling system acts for (`onBehalfOf`): it goes into the processing record
    and, towards the BRP, into x-gebruiker, so line breaks, control characters and bidirectional
    formatting characters are refused (400), never stripped or stored."""

    default_error_messages = {
        **StrictCharField.default_error_messages,
        "unsafe": "May not contain line breaks, control characters or bidirectional formatting characters.",
    }

    def __init__(self, **kwargs):
        super().__init__(trim_whitespace=False, **kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if end_user_text_unsafe(value):
            self.fail("unsafe")
        return value.strip(" ")


class SubjectSerializer(serializers.Serializer):
    type = CheapChoiceField(choices=list(SUBJECT_TYPES), help_text=", ".join(SUBJECT_TYPES) + ".")
    value = StrictCharField(max_length=20, help_text="The identifier, e.g. a BSN.")


class ViewSubjectSerializer(SubjectSerializer):
    """The subject of a view: also an object (profiles/subjects/objects.py), with the parts beside
    its value, or an address as postcode and huisnummer (profiles/services/subject_resolution.py)."""

    # Long enough for the URL of a zaak or object; each type checks its own form (profiles/subjects).
    value = StrictCharField(
        max_length=1000, required=False,
        help_text="The identifier: a BSN, KVK number, BAG id, zaak identificatie or URL, object URL or uuid. "
        "An address may instead be given as postcode and huisnummer.",
    )
    bronorganisatie = StrictCharField(
        max_length=9, required=False, help_text="zaak: the RSIN of the bronorganisatie, when the identificatie needs it.",
    )
    server = StrictCharField(max_length=100, required=False, help_text="object by uuid: the slug of its Objects API server.")
    postcode = StrictCharField(max_length=7, required=False, help_text="adres without value: the postcode, like 3077AW.")
    huisnummer = CheapIntegerField(required=False, min_value=1, max_value=99999, help_text="adres without value.")
    huisletter = StrictCharField(max_length=1, required=False, help_text="adres without value, optional.")
    huisnummertoevoeging = StrictCharField(max_length=4, required=False, help_text="adres without value, optional.")

    def validate(self, attrs):
        if "value" not in attrs and not (attrs.get("type") == "adres" and "postcode" in attrs):
            raise serializers.ValidationError({"value": "This field is required."})
        return attrs


class ViewRequestSerializer(serializers.Serializer):
    subject = ViewSubjectSerializer()
    purpose = StrictSlugField(
        required=False, max_length=50, help_text="Purpose code; the client's default if left out."
    )
    onBehalfOf = EndUserField(
        required=False, allow_blank=True, max_length=242,
        help_text="The end user (e.g. employee id) the calling system acts for; goes into the processing log. "
        "Line breaks, control and bidirectional formatting characters are refused.",
    )


# consent_required: not called, for want of the subject's consent (profiles/consent).
STATUSES = ["ok", "not_found", "error", "timeout", "skipped", "consent_required"]


class SourceStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=STATUSES)
    durationMs = serializers.FloatField()
    retrievedAt = serializers.DateTimeField(allow_null=True)
    detail = serializers.CharField(allow_blank=True)
    calls = serializers.IntegerField(help_text="How many calls this view made to the source.")
    warnings = serializers.ListField(
        child=serializers.CharField(),
        help_text="Sentences to show with this source's data, whatever its status. A source whose answers "
        "IKO cannot check to be about the subject (configured as unchecked) says so here on every result: "
        "treat its data with care. Empty for a source whose every answer is checked.",
    )


class RelationStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=STATUSES)
    calls = serializers.IntegerField()
    detail = serializers.CharField(allow_blank=True)


class ViewResponseSerializer(serializers.Serializer):
    profile = serializers.CharField()
    purpose = serializers.CharField()
    subject = ViewSubjectSerializer(help_text="The subject as IKO understood it (an address by its nummeraanduiding).")
    generatedAt = serializers.DateTimeField()
    traceId = serializers.CharField()
    complete = serializers.BooleanField(help_text="False when a source failed, timed out or was skipped.")
    data = serializers.DictField(help_text="Per relation name, the released data (null if the call failed).")
    sources = serializers.DictField(child=SourceStatusSerializer(), help_text="Per source name, its status.")
    relations = serializers.DictField(child=RelationStatusSerializer(), help_text="Per relation of the profile, its status.")


class ProfileSummarySerializer(serializers.Serializer):
    name = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    subjectTypes = serializers.ListField(child=serializers.CharField())
    purposes = serializers.ListField(child=serializers.CharField(), help_text="Purposes you may use it for.")


class ProfileListSerializer(serializers.Serializer):
    profiles = ProfileSummarySerializer(many=True)
