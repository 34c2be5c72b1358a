"""The admin speaks Dutch (the default) or English (the user's choice); the API always English; the
Dutch catalogue covers every text in the code and its compiled file is current.

The rest of the suite runs the admin in English (iko_project/settings/test.py) because its
assertions are written against the English source texts; these tests switch Dutch on.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.utils import translation

from iko_project import messages

DUTCH = override_settings(IKO_ADMIN_LANGUAGE="nl")


def test_the_dutch_catalogue_translates_every_text_in_the_code_and_is_compiled():
    problems = messages.check()
    assert not problems, "\n" + problems.report()


def test_a_new_text_without_a_translation_fails_the_check_and_says_how_to_fix_it(tmp_path, monkeypatch):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "models.py").write_text(
        'from django.utils.translation import gettext_lazy as _\n'
        'LABEL = _("organisation")\n'
        'OLD = _("source")\n'
    )
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "source"\nmsgstr "bron"\n\n'
        '#, fuzzy\nmsgid "sources"\nmsgstr "bronnen"\n'
    )
    monkeypatch.setattr(messages, "ROOT", tmp_path)
    monkeypatch.setattr(messages, "SOURCE_DIRS", ("app",))
    monkeypatch.setattr(messages, "PO_FILE", po)
    monkeypatch.setattr(messages, "MO_FILE", tmp_path / "django.mo")

    problems = messages.check()

    assert problems.new == [("", "organisation")]
    assert problems.removed == [("", "sources")]
    assert problems.fuzzy == [("", "sources")]
    assert problems.stale_mo
    report = problems.report()
    assert "'organisation'" in report and "make messages" in report and "empty msgstr" in report

    messages.update()  # what `make messages` runs: the new text arrives with an empty msgstr

    problems = messages.check()
    assert problems.untranslated == [("", "organisation")] and not problems.new and not problems.removed
    assert not problems.stale_mo


def test_dutch_is_the_default_language_of_the_admin_and_english_of_everything_else():
    from iko_project.settings import base

    assert base.IKO_ADMIN_LANGUAGE == "nl"
    assert [code for code, _name in base.LANGUAGES] == ["nl", "en"]
    assert "iko_project.i18n.AdminLocaleMiddleware" in base.MIDDLEWARE
    # Outside a request (the fan-out's worker threads, management commands) Django uses LANGUAGE_CODE:
    # those texts reach API callers and operators.
    assert base.LANGUAGE_CODE == "en"


def test_models_fields_and_choices_have_dutch_names():
    from connectors.models import Source
    from profiles.models import Grant, ProcessingRecord, Profile

    with translation.override("nl"):
        assert str(Source._meta.verbose_name_plural) == "bronnen"
        assert str(Profile._meta.get_field("subject_types").verbose_name) == "soorten betrokkenen"
        assert str(Grant._meta.verbose_name_plural) == "autorisaties"
        assert str(dict(ProcessingRecord.Outcome.choices)["denied"]) == "Geweigerd (geen autorisatie)"
    with translation.override("en"):
        assert str(Source._meta.verbose_name_plural) == "sources"


def test_a_validation_error_speaks_the_active_language(db):
    from django.core.exceptions import ValidationError

    from profiles.models import Profile

    profile = Profile(name="p", title="P", subject_types=["bsn", "onbekend"])
    for language, text in (("nl", "Onbekende soorten betrokkenen"), ("en", "Unknown subject types")):
        with translation.override(language), pytest.raises(ValidationError) as raised:
            profile.full_clean()
        assert text in str(raised.value.message_dict["subject_types"])


@pytest.fixture
def staff(client, db):
    user = get_user_model().objects.create_superuser("beheer", "b@example.org", "pw")
    client.force_login(user)
    return client


@DUTCH
def test_the_admin_speaks_dutch_by_default(staff):
    page = staff.get("/admin/").content.decode()
    assert '<html lang="nl"' in page
    assert "Bronnen" in page and "Profielen" in page and "Verwerkingslogboek" in page
    assert "Afmelden" in page  # Django's own texts come along


@DUTCH
def test_the_user_switches_the_admin_to_english_and_back(staff):
    switched = staff.post("/i18n/setlang/", {"language": "en", "next": "/admin/"})
    assert switched.status_code == 302 and switched["Location"] == "/admin/"

    page = staff.get("/admin/").content.decode()
    assert '<html lang="en"' in page and "Sources" in page and "Processing log" in page

    staff.post("/i18n/setlang/", {"language": "nl", "next": "/admin/"})
    assert "Bronnen" in staff.get("/admin/").content.decode()


@DUTCH
def test_the_admin_stays_dutch_for_an_english_browser_until_the_user_chooses(staff):
    page = staff.get("/admin/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="nl"' in page

    staff.cookies["django_language"] = "en"
    assert '<html lang="en"' in staff.get("/admin/").content.decode()
    staff.cookies["django_language"] = "fr"  # not one of LANGUAGES: the default
    assert '<html lang="nl"' in staff.get("/admin/").content.decode()


@DUTCH
def test_every_admin_page_has_the_language_switch(client, db):
    page = client.get("/admin/login/").content.decode()
    assert 'action="/i18n/setlang/"' in page and 'value="en"' in page
    assert "Aanmelden" in page


@DUTCH
def test_a_validation_error_in_the_admin_is_dutch(staff):
    response = staff.post("/admin/profiles/profile/add/", {
        "name": "p", "title": "P", "subject_types": ["onbekend"], "status": "draft",
    })
    assert "Onbekende soorten betrokkenen" in response.content.decode()


@DUTCH
@pytest.mark.parametrize("language", ["nl", "nl-NL,nl;q=0.9", "de"])
def test_the_api_answers_in_english_whatever_the_caller_asks(client, db, language):
    response = client.get("/api/v1/profiles", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code in (401, 403)
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["detail"] == "Authentication credentials were not provided."
    assert response["Content-Language"] == "en"


@DUTCH
def test_a_validation_error_of_the_api_is_english_for_a_caller_who_asks_dutch(authed_api, grant):
    response = authed_api.post(
        f"/api/v1/profiles/{grant.profile.name}/view", {}, format="json", HTTP_ACCEPT_LANGUAGE="nl",
    )

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    text = response.content.decode()
    assert "This field is required." in text and "verplicht" not in text


@DUTCH
def test_the_valtimo_front_door_answers_in_english(client, db):
    response = client.get("/aggregated-data-profiles/klantbeeld/schema", HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code in (401, 403)
    assert response.json()["detail"] == "Authentication credentials were not provided."


def test_texts_of_other_applications_are_kept_in_the_catalogue_on_update():
    """Texts listed in iko_project/third_party_texts.py count as texts in the code: `make messages`
    keeps them (with their Dutch) instead of removing them as gone."""
    in_code = {message.id for message in messages.extract_template() if message.id}
    translated = {message.id: message.string for message in messages.read_catalogue() if message.id}

    for text in ("access attempts", "TOTP device", "signing request", "Model name", "client id"):
        assert text in in_code, text
        assert translated[text] and translated[text] != text, text
