"""The Dutch catalogue of IKO's own texts: extract, update, compile and check (`make messages`).

IKO's texts are written in English in the code, wrapped in gettext (`gettext_lazy as _` in models,
forms and the admin; `{% translate %}` and `{% blocktranslate %}` in templates). Their Dutch
translations live in one catalogue, `iko_project/locale/nl/LC_MESSAGES/django.po`
(`LOCALE_PATHS`), compiled to `django.mo` beside it. Both files are committed: the Docker image and
`make install` need no gettext tools, and what runs is what was reviewed.

    python -m iko_project.messages update   # add new texts (empty msgstr), drop removed ones, compile
    python -m iko_project.messages check    # exit 1 naming every text without a Dutch translation

`update` and `check` extract the texts the way Django's `makemessages` does (the same keywords,
templates read through Django's own `templatize`), with Babel instead of GNU xgettext, so they run
anywhere Python does. `tests/test_translations.py` runs the check in CI.

Texts of other applications without Dutch of their own (django-axes, django-otp, simple-certmanager)
are listed in iko_project/third_party_texts.py, so they are extracted, kept and checked like IKO's
own; `LOCALE_PATHS` comes before the applications' catalogues, so their screens show this Dutch.
Workflow: docs/developer/i18n.md.
"""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "iko_project" / "locale"
LANGUAGE = "nl"
PO_FILE = LOCALE_DIR / LANGUAGE / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")

# Where IKO's texts are: the production packages and the project templates. The demo, the tests and
# the migrations are not shown to administrators.
SOURCE_DIRS = ("api", "connectors", "profiles", "iko_project", "templates")
SKIPPED_PARTS = {"tests", "migrations", "locale", "__pycache__"}

# Django's gettext functions as xgettext is told about them by makemessages (argument numbers of the
# message, the plural and the context "c").
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}

FIX = (
    "To fix: run `make messages` (it adds every new text to {po} with an empty msgstr and removes "
    "texts no longer in the code), write the Dutch translation in each empty msgstr (and remove any "
    "'#, fuzzy' line after checking its msgstr), then run `make messages` again to compile django.mo. "
    "Commit both files. See docs/developer/i18n.md."
)


def _source_files() -> list[Path]:
    files = []
    for top in SOURCE_DIRS:
        for path in sorted((ROOT / top).rglob("*")):
            if path.suffix not in {".py", ".html", ".txt"} or SKIPPED_PARTS & set(path.relative_to(ROOT).parts):
                continue
            files.append(path)
    return files


def _extract_file(path: Path):
    """(lineno, message, comments, context) of every translatable text in one file."""
    from babel.messages.extract import extract

    source = path.read_text(encoding="utf-8")
    if path.suffix != ".py":
        if "{% trans" not in source and "{% blocktrans" not in source:
            return []
        from django.utils.translation.template import templatize

        source = templatize(source, origin=str(path))
    return list(
        extract("python", io.BytesIO(source.encode("utf-8")), keywords=KEYWORDS, comment_tags=("Translators:",))
    )


def extract_template():
    """A Babel catalogue (without translations) of every text in the code."""
    from babel.messages.catalog import Catalog

    template = Catalog(locale=None, project="IKO", charset="utf-8")
    for path in _source_files():
        location = str(path.relative_to(ROOT))
        for _lineno, message, comments, context in _extract_file(path):
            template.add(message, locations=[(location, None)], auto_comments=comments, context=context)
    return template


def read_catalogue():
    from babel.messages.pofile import read_po

    with PO_FILE.open("rb") as handle:
        return read_po(handle, locale=LANGUAGE)


def compile_catalogue(catalogue) -> bytes:
    from babel.messages.mofile import write_mo

    out = io.BytesIO()
    write_mo(out, catalogue, use_fuzzy=False)
    return out.getvalue()


def _write_po(catalogue) -> None:
    from babel.messages.pofile import write_po

    out = io.BytesIO()
    # No line numbers: they change with every edit and would make every diff noisy.
    write_po(out, catalogue, width=100, ignore_obsolete=True, include_lineno=False, sort_output=False)
    PO_FILE.write_bytes(out.getvalue())


def update() -> None:
    """Bring the catalogue up to date with the code and compile it."""
    from babel.messages.catalog import Catalog

    template = extract_template()
    if PO_FILE.exists():
        catalogue = read_catalogue()
    else:
        PO_FILE.parent.mkdir(parents=True, exist_ok=True)
        catalogue = Catalog(locale=LANGUAGE, project="IKO", version="", charset="utf-8", fuzzy=False,
                            copyright_holder="the IKO contributors", msgid_bugs_address="",
                            last_translator="the IKO contributors", language_team="Dutch")
        catalogue.header_comment = "# Dutch translations of IKO's texts: `make messages` (docs/developer/i18n.md).\n#"
    # No fuzzy matching: a changed English text needs a fresh translation, not a guess from a neighbour.
    catalogue.update(template, no_fuzzy_matching=True, update_header_comment=False, update_creation_date=False)
    _write_po(catalogue)
    MO_FILE.write_bytes(compile_catalogue(read_catalogue()))
    missing = check().untranslated
    print(f"{PO_FILE.relative_to(ROOT)}: {len(catalogue)} texts, {len(missing)} without a Dutch translation.")


def _key(message) -> tuple:
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    return (message.context or "", msgid)


def _show(key: tuple) -> str:
    context, msgid = key
    return f"{msgid!r}" + (f" (context {context!r})" if context else "")


@dataclass
class Problems:
    new: list = field(default_factory=list)  # in the code, not in the catalogue
    removed: list = field(default_factory=list)  # in the catalogue, no longer in the code
    untranslated: list = field(default_factory=list)
    fuzzy: list = field(default_factory=list)
    stale_mo: bool = False

    def __bool__(self) -> bool:
        return bool(self.new or self.removed or self.untranslated or self.fuzzy or self.stale_mo)

    def report(self) -> str:
        po = PO_FILE.relative_to(ROOT)
        lines = []
        for title, keys in (
            (f"Texts in the code that are not in {po}", self.new),
            (f"Texts in {po} that are no longer in the code", self.removed),
            (f"Texts in {po} without a Dutch translation (empty msgstr)", self.untranslated),
            (f"Texts in {po} marked fuzzy (not used until checked)", self.fuzzy),
        ):
            if keys:
                lines.append(f"{title} ({len(keys)}):")
                lines.extend(f"  {_show(key)}" for key in keys)
        if self.stale_mo:
            lines.append(f"{MO_FILE.relative_to(ROOT)} is not compiled from the current {po}.")
        lines.append(FIX.format(po=po))
        return "\n".join(lines)


def check() -> Problems:
    """What keeps the Dutch catalogue from covering every text in the code."""
    problems = Problems()
    if not PO_FILE.exists():
        problems.new = sorted({_key(m) for m in extract_template() if m.id})
        return problems
    catalogue = read_catalogue()
    in_code = {_key(m) for m in extract_template() if m.id}
    in_catalogue = {_key(m) for m in catalogue if m.id}
    problems.new = sorted(in_code - in_catalogue)
    problems.removed = sorted(in_catalogue - in_code)
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            problems.untranslated.append(_key(message))
        elif message.fuzzy:
            problems.fuzzy.append(_key(message))
    problems.stale_mo = not MO_FILE.exists() or _compiled(MO_FILE.read_bytes()) != _compiled(compile_catalogue(catalogue))
    return problems


def _compiled(mo: bytes) -> dict:
    """What a compiled catalogue translates, compared by content (not bytes: another Babel version
    may order or pad the file differently)."""
    from babel.messages.mofile import read_mo

    def frozen(value):
        return tuple(value) if isinstance(value, (list, tuple)) else value

    return {(m.context or "", frozen(m.id)): frozen(m.string) for m in read_mo(io.BytesIO(mo)) if m.id}


def main(argv: list[str]) -> int:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iko_project.settings.development")
    django.setup()
    command = argv[0] if argv else "check"
    if command == "update":
        update()
        return 0
    if command == "check":
        problems = check()
        if problems:
            print(problems.report(), file=sys.stderr)
            return 1
        print(f"{PO_FILE.relative_to(ROOT)} translates every text in the code.")
        return 0
    print("usage: python -m iko_project.messages [update|check]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
