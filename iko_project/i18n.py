"""Which language a request is answered in: the admin in the user's language, the API in English.

The admin and the landing page speak Dutch (`IKO_ADMIN_LANGUAGE`), or English when the user picks it
with the language switch (Django's `set_language` view, which keeps the choice in a cookie). The
browser's `Accept-Language` is not followed: a municipal administrator whose browser or operating
system happens to be English still gets the Dutch admin, as the municipality's other Common Ground
applications, until they choose otherwise. Everything else IKO serves is an API
(`/api/`, the Valtimo front door, the health probes, `/metrics`): its texts, problem+json titles
and details, are part of the contract with the callers and stay English whatever the caller's
`Accept-Language` says. Django REST framework ships Dutch translations of its own messages, so
without this an API error would follow the caller's browser.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

# The pages for people; every other path is an API and answers in API_LANGUAGE.
LOCALIZED_PREFIXES = ("/admin/", "/i18n/", "/oidc/")
LOCALIZED_PATHS = frozenset({"/"})
API_LANGUAGE = "en"


def is_localized(path: str) -> bool:
    return path in LOCALIZED_PATHS or path.startswith(LOCALIZED_PREFIXES)


class AdminLocaleMiddleware:
    """The user's chosen language (or Dutch) for the pages for people, English for the API."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        localized = is_localized(request.path_info)
        language = chosen_language(request) if localized else API_LANGUAGE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if localized:
            patch_vary_headers(response, ["Cookie"])
        response.headers.setdefault("Content-Language", language)
        return response


def chosen_language(request) -> str:
    """The language of the switch's cookie when it names one of `LANGUAGES`, else `IKO_ADMIN_LANGUAGE`."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if chosen in dict(settings.LANGUAGES) and translation.check_for_language(chosen):
        return chosen
    return settings.IKO_ADMIN_LANGUAGE
