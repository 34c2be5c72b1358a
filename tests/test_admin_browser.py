"""The admin in a real browser: Debian's chromium driven by Selenium through Debian's chromedriver.

One administrator's afternoon, in Dutch: log in, add a server and a source, build a profile with a
child relation in the profile editor (its operations, field checklists and input chips are
script), preview it with a grant, grant it to an API client, and find the processing record of
the preview. The sources are the demo BRP and BAG on 127.0.0.1.

The test finds elements by id, name and CSS class, never by a button's text, so it holds in every
language of the admin. It uses only the browser and driver of the operating system (packages
`chromium` and `chromium-driver`, which `.ci/run` installs): never one that Selenium would
download. Without them the test is skipped and says why; with IKO_TEST_REQUIRE_BROWSER=1 (as
`.ci/run` sets it) it fails instead, so that CI cannot pass by skipping it.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
BSN = "999993653"  # a demo BRP test person (Suzanne Moulin) with a BAG address
WAIT_SECONDS = 15

pytestmark = pytest.mark.django_db(transaction=True)


def _missing() -> str:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "the Python package selenium is not installed (pip install -e '.[dev]')"
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not (path.is_file() and os.access(path, os.X_OK)):
            return f"{path} is missing: install Debian's {package} (apt-get install -y chromium chromium-driver)"
    return ""


@pytest.fixture
def browser(tmp_path):
    reason = _missing()
    if reason:
        if os.environ.get("IKO_TEST_REQUIRE_BROWSER") == "1":
            pytest.fail(f"The browser test is required here (IKO_TEST_REQUIRE_BROWSER=1), but {reason}.")
        pytest.skip(f"No browser test: {reason}.")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1600,1000", "--lang=nl", f"--user-data-dir={tmp_path / 'chromium'}"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": "nl,nl-NL"})
    # The driver by its path: Selenium then neither looks for nor downloads one (selenium-manager).
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.implicitly_wait(0)
    yield driver
    driver.quit()
    shutil.rmtree(tmp_path / "chromium", ignore_errors=True)


def test_without_debian_s_browser_the_reason_names_the_package(monkeypatch, tmp_path):
    import sys

    monkeypatch.setattr(sys.modules[__name__], "CHROMEDRIVER", tmp_path / "chromedriver")
    reason = _missing()
    assert "chromedriver is missing" in reason or "selenium is not installed" in reason
    if "selenium" not in reason:
        assert "chromium-driver" in reason


@pytest.fixture
def demo_sources():
    from demo.servers.bag import start_bag_server
    from demo.servers.brp import start_brp_server

    brp, bag = start_brp_server(), start_bag_server()
    yield brp, bag
    brp.stop()
    bag.stop()


class Admin:
    """The browser on the admin of the live server, with the few moves the scenario needs."""

    def __init__(self, driver, base_url: str):
        self.driver = driver
        self.base_url = base_url

    def open(self, path: str):
        self.driver.get(self.base_url + path)

    def find(self, css: str, within=None):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as ec
        from selenium.webdriver.support.ui import WebDriverWait

        if within is not None:
            return within.find_element(By.CSS_SELECTOR, css)
        return WebDriverWait(self.driver, WAIT_SECONDS).until(ec.presence_of_element_located((By.CSS_SELECTOR, css)))

    def fill(self, css: str, text: str, within=None):
        element = self.find(css, within)
        element.clear()
        element.send_keys(text)

    def choose(self, css: str, value: str, within=None):
        from selenium.webdriver.support.ui import Select

        Select(self.find(css, within)).select_by_value(str(value))

    def click(self, css: str, within=None):
        element = self.find(css, within)
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
        element.click()

    def submitting(self, submit):
        """Run `submit` and wait until the browser has left the page (then the next page loads)."""
        from selenium.webdriver.support import expected_conditions as ec
        from selenium.webdriver.support.ui import WebDriverWait

        page = self.find("html")
        submit()
        WebDriverWait(self.driver, WAIT_SECONDS).until(ec.staleness_of(page))
        self.find("body")

    def save(self, *, keep_editing: bool = False):
        self.submitting(lambda: self.click("input[name='_continue']" if keep_editing else "input[name='_save']"))

    def errors(self) -> str:
        from selenium.webdriver.common.by import By

        return " | ".join(e.text for e in self.driver.find_elements(By.CSS_SELECTOR, ".errornote, .errorlist"))

    def autocomplete(self, field_id: str, value, label: str):
        """An autocomplete field (select2) holds only its chosen option: add it and choose it."""
        self.driver.execute_script(
            "const s = document.getElementById(arguments[0]); s.add(new Option(arguments[2], arguments[1], true, true));"
            "s.dispatchEvent(new Event('change', {bubbles: true}));", field_id, str(value), label)

    def tick(self, row, target: str, *paths: str):
        """Tick fields in a relation's checklist (built by the editor's script)."""
        for path in paths:
            box = self.find(f".iko-checklist[data-target='{target}'] li[data-path='{path}'] input", within=row)
            self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", box)
            if not box.is_selected():
                box.click()


def test_an_administrator_builds_previews_grants_and_finds_the_record_in_a_real_browser(
    browser, live_server, demo_sources, django_user_model
):
    from connectors.models import Source
    from profiles.access.api_clients import ApiClient
    from profiles.models import Grant, ProcessingRecord, Profile, Purpose
    from django.contrib.auth.models import Group

    brp, bag = demo_sources
    user = django_user_model.objects.create_superuser("beheerder", "beheerder@example.org", "een-lang-wachtwoord")
    beheer = Group.objects.create(name="beheer")
    user.groups.add(beheer)
    purpose = Purpose.objects.create(code="klantcontact", name="Klantcontact")
    admin = Admin(browser, live_server.url)

    # In Dutch: the browser asks for it (Accept-Language) and so does the language cookie.
    admin.open("/admin/login/")
    browser.add_cookie({"name": settings.LANGUAGE_COOKIE_NAME, "value": "nl", "path": "/"})
    admin.open("/admin/login/")
    # By the inputs' names: `username`, or `auth-username` in a two-step login form with a second
    # factor (password logins outside production need none); Enter submits whichever form it is.
    from selenium.webdriver.common.keys import Keys

    admin.fill("input[name$='username']", "beheerder")
    admin.fill("input[name$='password']", "een-lang-wachtwoord")
    admin.submitting(lambda: admin.find("input[name$='password']").send_keys(Keys.RETURN))
    assert "/admin/login/" not in browser.current_url, admin.errors()

    # A server and a source for each register.
    for slug, root, connector in (("brp", brp.api_root, "brp"), ("bag", bag.api_root, "bag")):
        admin.open("/admin/zgw_consumers/service/add/")
        admin.fill("#id_label", f"Demo {slug}")
        admin.fill("#id_slug", slug)
        admin.choose("#id_api_type", "orc")
        admin.fill("#id_api_root", root)
        admin.choose("#id_auth_type", "no_auth")
        admin.save()
        assert "/add/" not in browser.current_url, admin.errors()

        admin.open("/admin/connectors/source/add/")
        admin.fill("#id_name", slug)
        admin.fill("#id_title", f"Demo {slug}")
        admin.choose("#id_connector", connector)
        admin.choose("#id_service", Source._meta.get_field("service").related_model.objects.get(slug=slug).pk)
        admin.save()
        assert "/add/" not in browser.current_url, admin.errors()
    brp_source, bag_source = Source.objects.get(name="brp"), Source.objects.get(name="bag")

    # The profile, with a top-level relation built from the connector's catalogue.
    admin.open("/admin/profiles/profile/add/")
    admin.fill("#id_name", "browserbeeld")
    admin.fill("#id_title", "Browserbeeld")
    admin.click("input[name='subject_types'][value='bsn']")
    admin.choose("#id_status", "active")
    admin.click("#iko-add-root")
    persoon = admin.find(".iko-relation[data-prefix='relations-0']")
    from selenium.webdriver.common.by import By

    # Not saved yet: no child under it in place, but the note and "save and continue editing".
    assert not persoon.find_elements(By.CSS_SELECTOR, ".iko-add-child")
    assert persoon.find_element(By.CSS_SELECTOR, ".iko-child-later button[name='_continue']").is_displayed()
    admin.fill("[name='relations-0-name']", "persoon", within=persoon)
    admin.choose("[name='relations-0-source']", brp_source.pk, within=persoon)
    admin.choose("[name='relations-0-operation']", "RaadpleegMetBurgerservicenummer", within=persoon)
    admin.tick(persoon, "fields", "naam.volledigeNaam", "verblijfplaats.nummeraanduidingIdentificatie")
    admin.tick(persoon, "release_fields", "naam.volledigeNaam")  # the address id links, it is not released
    admin.save(keep_editing=True)
    profile = Profile.objects.get(name="browserbeeld")
    assert f"/{profile.pk}/change/" in browser.current_url, admin.errors()

    # A child under it, added in place: the address of the person's nummeraanduiding. (The root's
    # fields are listed in another order than the catalogue's, as an imported profile may list them.)
    root = profile.relations.get()
    profile.relations.filter(pk=root.pk).update(
        fields=["verblijfplaats.nummeraanduidingIdentificatie", "naam.volledigeNaam"])
    admin.open(f"/admin/profiles/profile/{profile.pk}/change/")
    admin.click(f".iko-relation[data-pk='{root.pk}'] .iko-add-child")
    child = admin.find(".iko-relation[data-prefix='relations-1']")
    assert child.get_attribute("data-depth") == "1"
    admin.fill("[name='relations-1-name']", "adres", within=child)
    admin.choose("[name='relations-1-source']", bag_source.pk, within=child)
    admin.choose("[name='relations-1-operation']", "adres", within=child)
    admin.tick(child, "fields", "openbareRuimteNaam", "huisnummer", "woonplaatsNaam")
    expression = admin.find("[name='relations-1-input_expression']", within=child)
    expression.send_keys("{")
    admin.click(".iko-chip-param", within=child)  # "nummeraanduidingIdentificatie: "
    admin.click(".iko-inputs .iko-chip[data-path='.verblijfplaats.nummeraanduidingIdentificatie']", within=child)
    expression.send_keys("}")
    assert expression.get_attribute("value") == "{nummeraanduidingIdentificatie: .verblijfplaats.nummeraanduidingIdentificatie}"
    admin.save(keep_editing=True)
    assert not admin.errors(), admin.errors()
    adres = profile.relations.get(name="adres")
    assert adres.parent_id == root.pk and adres.source_id == bag_source.pk
    assert adres.fields == ["openbareRuimteNaam", "huisnummer", "woonplaatsNaam"]
    assert profile.relations.get(name="persoon").release_fields == ["naam.volledigeNaam"]
    # Only the child was added: the untouched root (its checklists drawn by the script, in the
    # catalogue's order) is not recorded as changed in the admin's history.
    from django.contrib.admin.models import LogEntry

    history = json.loads(LogEntry.objects.filter(object_id=str(profile.pk)).latest("pk").change_message)
    assert [list(entry) for entry in history] == [["added"]], history

    # The tree shows the child under its root, and the preview beside it, with a grant.
    Grant.objects.create(kind=Grant.Kind.GROUP, group=beheer, profile=profile, purpose=purpose)
    admin.open(f"/admin/profiles/profile/{profile.pk}/change/")
    depths = [(r.get_attribute("data-pk"), r.get_attribute("data-depth")) for r in
              browser.find_elements("css selector", ".iko-rows .iko-relation")]
    assert depths == [(str(root.pk), "0"), (str(adres.pk), "1")]
    browser.switch_to.frame(admin.find("#iko-preview-frame"))
    admin.fill("#id_subject_value", BSN)
    admin.choose("#id_purpose", purpose.pk)
    admin.click("form [type='submit']")
    view = admin.find("pre").text
    browser.switch_to.default_content()
    assert '"volledigeNaam": "Suzanne Moulin"' in view
    assert '"openbareRuimteNaam"' in view and "nummeraanduidingIdentificatie" not in view

    # A grant of the profile to an API client.
    admin.open("/admin/profiles/apiclient/add/")
    admin.fill("#id_name", "Zaaksysteem")
    admin.save()
    client = ApiClient.objects.get(name="Zaaksysteem")
    admin.open("/admin/profiles/grant/add/")
    admin.choose("#id_kind", Grant.Kind.API_CLIENT)
    admin.autocomplete("id_api_client", client.pk, "Zaaksysteem")
    admin.autocomplete("id_profile", profile.pk, "Browserbeeld")
    admin.autocomplete("id_purpose", purpose.pk, "Klantcontact")
    admin.save()
    assert Grant.objects.filter(api_client=client, profile=profile, purpose=purpose).exists(), admin.errors()

    # The processing record of the preview, found in the processing log.
    record = ProcessingRecord.objects.get(profile_name="browserbeeld")
    admin.open(f"/admin/profiles/processingrecord/?profile_name={profile.name}")
    admin.submitting(lambda: admin.click(f"#result_list a[href*='/{record.pk}/']"))
    page = admin.find("#content-main").text
    assert "browserbeeld" in page and "klantcontact" in page and "beheerder" in page
    assert BSN not in page  # the record keeps a pseudonym, never the BSN
