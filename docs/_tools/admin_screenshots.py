"""The screenshots of the Dutch admin in docs/beheerder/, taken with Debian's chromium.

Start the demo first (`make demo`, or `python manage.py demo` with the development settings), then:

    python docs/_tools/admin_screenshots.py [--base-url http://127.0.0.1:8000] [--out docs/beheerder]

It logs in as the demo's `admin` (password `IKO_DEMO_ADMIN_PASSWORD`, default `admin`; the demo asks
for no second factor), picks Dutch in the language switch, and saves:

- `beheeromgeving-start.png`: the admin's index, in the order of configuration;
- `profieleditor.png`: the demo profile `klantbeeld` in the profile editor, its relation tree with
  the first relation opened (operation, field checklists, input expression) and the preview beside it.

Only the browser and driver of the operating system are used (`apt-get install chromium
chromium-driver`), never one that Selenium would download, as in tests/test_admin_browser.py.
Each file must stay under 200 KB (the docs are in the repository): the script says so when one
does not.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
MAX_BYTES = 200_000
PROFILE = "klantbeeld"


def browser(width: int, height: int, profile_dir: str):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--hide-scrollbars", f"--window-size={width},{height}", "--lang=nl",
                     f"--user-data-dir={profile_dir}"):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)


def log_in(driver, base_url: str) -> None:
    from selenium.webdriver.common.by import By

    driver.get(base_url + "/admin/login/")
    driver.add_cookie({"name": "django_language", "value": "nl", "path": "/"})
    driver.get(base_url + "/admin/login/")
    driver.find_element(By.CSS_SELECTOR, "input[name$='username']").send_keys("admin")
    password = driver.find_element(By.CSS_SELECTOR, "input[name$='password']")
    password.send_keys(os.environ.get("IKO_DEMO_ADMIN_PASSWORD", "admin"))
    password.submit()
    if "/admin/login/" in driver.current_url:
        raise SystemExit("Not logged in: is the demo running (make demo), with the demo's admin password?")


def save(driver, path: Path) -> None:
    driver.save_screenshot(str(path))
    size = path.stat().st_size
    print(f"{path}: {size // 1000} KB")
    if size > MAX_BYTES:
        raise SystemExit(f"{path} is {size // 1000} KB, more than {MAX_BYTES // 1000} KB: take a smaller window.")


def editor(driver, base_url: str) -> None:
    """The profile's page scrolled to its relation tree, the first relation opened."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(f"{base_url}/admin/profiles/profile/?q={PROFILE}")
    driver.find_element(By.CSS_SELECTOR, "#result_list tbody th a").click()
    WebDriverWait(driver, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".iko-relation .iko-checklist li"))
    driver.execute_script("""
        // The admin's navigation beside the page is closed: the editor and the preview need the width.
        const main = document.getElementById('main');
        if (main && main.classList.contains('shifted')) document.getElementById('toggle-nav-sidebar').click();
        const first = document.querySelector('.iko-relation');
        first.querySelector('details.iko-details').open = true;
        document.querySelector('.iko-tree').scrollIntoView({block: 'start'});
    """)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "beheerder")
    args = parser.parse_args(argv)
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            raise SystemExit(f"{path} is missing: apt-get install -y chromium chromium-driver")
    base_url = args.base_url.rstrip("/")
    with tempfile.TemporaryDirectory() as profile_dir:
        driver = browser(1280, 1250, profile_dir)  # tall enough for every group of the index
        try:
            log_in(driver, base_url)
            driver.get(base_url + "/admin/")
            save(driver, args.out / "beheeromgeving-start.png")
            driver.set_window_size(1440, 900)  # wide enough for the preview beside the tree
            editor(driver, base_url)
            save(driver, args.out / "profieleditor.png")
        finally:
            driver.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
