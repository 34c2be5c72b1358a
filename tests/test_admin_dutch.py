"""No admin text is left in English under Dutch: every screen of the admin, walked in both languages.

For every model the admin registers, its changelist and its add page, the index, the source health
page, the login and the second-factor pages are opened once in English and once in Dutch. What an
administrator reads there (headings, field labels, help texts, filter titles, buttons, page
titles) is compared text by text: a text that is the same in both languages is untranslated,
unless it is a word that Dutch and English share (`SAME_IN_BOTH`). Beside the pages, every
registered model's names, the column titles of its changelist and its actions are compared, since
an empty changelist shows no columns. A new model, field, help text or third-party screen without
Dutch fails here (the fix: a Dutch msgstr in iko_project/locale/nl/LC_MESSAGES/django.po; for a text
of another application, its msgid in iko_project/third_party_texts.py).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.contrib.admin.utils import label_for_field
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice

# Words spelled the same in Dutch and English (abbreviations, names, loanwords), in lower case.
SAME_IN_BOTH = {
    "url", "urls", "oin", "api", "json", "iko", "bsn", "kvk", "id", "ids", "oidc", "fsc", "jq", "yaml", "csv",
    "uuid", "bag", "brp", "verblijfsobject", "actor", "alias", "code", "connector", "criteria", "document",
    "filter", "label", "regeling", "regelingen", "server", "servers", "status", "token", "type",
}
LANGUAGES = ("en", "nl")
# The password login needs a second factor here, as in production (tests/test_admin_2fa.py).
TWO_FACTOR = override_settings(MAYKIN_2FA_ALLOW_MFA_BYPASS_BACKENDS=["api.oidc.OidcBackend"])


class ShownTexts(HTMLParser):
    """The texts of a page an administrator reads as its wording (not its data): headings,
    labels, help texts, filter titles, buttons, column titles, the page title."""

    TAGS = {"title", "h1", "h2", "h3", "label", "legend", "button", "summary", "th", "caption"}

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        # The open elements inside a text being read (and scripts), each with the parts of
        # the text it belongs to (None: a script, read as nothing).
        self._open: list[tuple[str, list[str] | None]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "template"):
            self._open.append((tag, None))
            return
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.texts.append(attrs["value"])
        classes = (attrs.get("class") or "").split()
        # A row's header cell (<th> without scope="col") holds data, such as a user name.
        wording = tag in self.TAGS and (tag != "th" or attrs.get("scope") == "col")
        if wording or "help" in classes:
            self._open.append((tag, []))
        elif self._open and tag not in ("br", "img", "input", "hr", "meta", "link"):
            self._open.append((tag, self._open[-1][1]))

    def handle_endtag(self, tag):
        if not self._open or self._open[-1][0] != tag:
            return  # an element outside any text being read (or an unclosed one inside it)
        _tag, parts = self._open.pop()
        if parts is not None and (not self._open or self._open[-1][1] is not parts):
            self.texts.append(" ".join(" ".join(parts).split()))

    def handle_data(self, data):
        if self._open and self._open[-1][1] is not None:
            self._open[-1][1].append(data)


def shown_texts(html: str) -> list[str]:
    parser = ShownTexts()
    parser.feed(html)
    return [text for text in parser.texts if is_wording(text)]


def is_wording(text: str) -> bool:
    """A text with words to translate: beyond single letters (t0) and the words in SAME_IN_BOTH."""
    return any(word.lower() not in SAME_IN_BOTH for word in re.findall(r"[A-Za-z]{2,}", text))


def untranslated(english: list[str], dutch: list[str]) -> list[str]:
    """Texts the Dutch page shows as the English page does (compared in place when the pages
    have as many texts, else by presence)."""
    if len(english) == len(dutch):
        return [nl for en, nl in zip(english, dutch) if en == nl]
    return sorted(set(english) & set(dutch))


def client_in(language: str) -> Client:
    client = Client()
    client.cookies["django_language"] = language
    return client


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_superuser("beheer", "b@example.org", "correct-horse")


@pytest.fixture
def clients(staff):
    out = {}
    for language in LANGUAGES:
        out[language] = client_in(language)
        out[language].force_login(staff)
    return out


def admin_pages() -> list[str]:
    pages = ["/admin/", "/admin/source-health/", reverse("admin:profiles_processingrecord_subject"),
             reverse("admin:profiles_profile_import")]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        pages.append(reverse("admin:%s_%s_changelist" % info))
        pages.append(reverse("admin:%s_%s_add" % info))
    return pages


def test_every_admin_page_shows_its_wording_in_dutch(clients):
    found = {}
    for page in admin_pages():
        texts = {}
        for language in LANGUAGES:
            response = clients[language].get(page, follow=True)
            if response.status_code == 403:  # an add page of a read-only screen (the processing log)
                break
            assert response.status_code == 200, f"{page} in {language}: {response.status_code}"
            texts[language] = shown_texts(response.content.decode())
        else:
            if same := untranslated(texts["en"], texts["nl"]):
                found[page] = same
    assert not found, "English on the Dutch admin pages:\n" + "\n".join(f"{p}: {t}" for p, t in found.items())


def in_both(text) -> tuple[str, str]:
    """`text()` in English and in Dutch."""
    pair = []
    for language in LANGUAGES:
        with translation.override(language):
            pair.append(str(text()))
    return tuple(pair)


def test_every_registered_model_its_columns_and_actions_have_dutch_names(rf, staff):
    request = rf.get("/admin/")
    request.user = staff
    found = []
    for model, model_admin in admin.site._registry.items():
        where = f"{model._meta.app_label}.{model._meta.model_name}"
        texts = [("verbose_name", lambda: model._meta.verbose_name),
                 ("verbose_name_plural", lambda: model._meta.verbose_name_plural)]
        for name in model_admin.get_list_display(request):
            if name != "action_checkbox":
                texts.append((f"column {name}", lambda name=name: label_for_field(name, model, model_admin)))
        texts += [(f"action {name}", lambda description=description: description)
                  for _func, name, description in model_admin._get_base_actions()]
        for what, text in texts:
            en, nl = in_both(text)
            if en == nl and is_wording(en):
                found.append(f"{where} {what}: {en!r}")
    assert not found, "Without Dutch:\n" + "\n".join(found)


def login_pages(language: str, user) -> dict[str, str]:
    """The login's steps as a staff member meets them: the password, the app's code, a backup
    token, and setting up the app at a first login."""
    step = "admin_login_view-current_step"
    pages = {}
    client = client_in(language)
    pages["password"] = client.get("/admin/login/").content.decode()
    TOTPDevice.objects.get_or_create(user=user, name="default", defaults={"confirmed": True})
    pages["code"] = client.post("/admin/login/", {
        step: "auth", "auth-username": "beheer", "auth-password": "correct-horse"}).content.decode()
    pages["backup token"] = client.post("/admin/login/", {
        step: "token", "wizard_goto_step": "backup"}).content.decode()
    TOTPDevice.objects.filter(user=user).delete()
    first = client_in(language)
    first.post("/admin/login/", {step: "auth", "auth-username": "beheer", "auth-password": "correct-horse"})
    pages["setting up the app"] = first.get("/admin/mfa/setup/").content.decode()
    return pages


@TWO_FACTOR
def test_the_login_and_second_factor_pages_are_dutch(staff):
    english, dutch = login_pages("en", staff), login_pages("nl", staff)

    assert 'name="token-otp_token"' in dutch["code"] and 'name="backup-otp_token"' in dutch["backup token"]
    found = {step: same for step in dutch if (same := untranslated(shown_texts(english[step]), shown_texts(dutch[step])))}
    assert not found, "English on the Dutch login pages:\n" + "\n".join(f"{s}: {t}" for s, t in found.items())


def test_the_check_finds_an_english_text_on_a_dutch_page():
    english = '<h1>Sources</h1><label for="x">Name:</label><div class="help"><div>Used in the path.</div></div><h2>URL</h2>'
    dutch = '<h1>Bronnen</h1><label for="x">Name:</label><div class="help"><div>Gebruikt in het pad.</div></div><h2>URL</h2>'

    assert shown_texts(dutch) == ["Bronnen", "Name:", "Gebruikt in het pad."]
    assert untranslated(shown_texts(english), shown_texts(dutch)) == ["Name:"]


def test_permissions_are_named_in_the_admin_s_language(clients, staff):
    pages = {language: clients[language].get(reverse("admin:auth_group_add")).content.decode().replace("&#x27;", "'")
             for language in LANGUAGES}
    user_page = clients["nl"].get(reverse("admin:auth_user_change", args=[staff.pk])).content.decode()

    assert "Mag profiel toevoegen" in pages["nl"] and "Mag bron verwijderen" in pages["nl"]
    assert "Mag het beeld van een profiel over een betrokkene als voorbeeld bekijken" in pages["nl"]
    assert "Can add profile" not in pages["nl"] and "Can preview" not in pages["nl"]
    assert "Mag profiel wijzigen" in user_page and "Can change profile" not in user_page
    assert "Can add profile" in pages["en"] and "Can preview a profile's view of a subject" in pages["en"]


def test_a_permission_name_the_admin_does_not_know_is_shown_as_stored(db):
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    from profiles.admin.users import permission_name
    from profiles.models import Profile

    renamed = Permission(codename="add_profile", name="May create profiles",
                         content_type=ContentType.objects.get_for_model(Profile))
    with translation.override("nl"):
        assert permission_name(renamed) == "May create profiles"
        assert permission_name(Permission.objects.get(codename="add_profile")) == "Mag profiel toevoegen"


def test_the_profile_editor_describes_each_operation_in_the_admin_s_language(brp_source):
    from profiles.admin.editor import source_catalogue

    def description(language: str) -> str:
        with translation.override(language):
            operations = source_catalogue()[str(brp_source.pk)]["operations"]
        return operations["RaadpleegMetBurgerservicenummer"]["description"]

    assert description("nl") == "Eén persoon op BSN (Persoon)."
    assert description("en") == "One person by BSN (Persoon)."
