"""Which language a request is answered in: the admin in the user's language, the API in English.

The admin and the landing page speak Dutch by default (`LANGUAGE_CODE`), or English when the user
picks it with the language switch (Django's `set_language` view, a cookie) or the browser asks for
it first (`Accept-Language`): Django's `LocaleMiddleware`. Everything else IKO serves is an API
(`/api/`, the Valtimo front door, the health probes, `/metrics`): its texts, problem+json titles
and details, are part of the contract with the callers and stay English whatever the caller's
`Accept-Language` says. Django REST framework ships Dutch translations of its own messages, so
without this an API error would follow the caller's browser.
"""

from __future__ import annotations

from django.middleware.locale import LocaleMiddleware
from django.utils import translation

# The pages for people; every other path is an API and answers in API_LANGUAGE.
LOCALIZED_PREFIXES = ("/admin/", "/i18n/", "/oidc/")
LOCALIZED_PATHS = frozenset({"/"})
API_LANGUAGE = "en"


def is_localized(path: str) -> bool:
    return path in LOCALIZED_PATHS or path.startswith(LOCALIZED_PREFIXES)


class AdminLocaleMiddleware(LocaleMiddleware):
    """`LocaleMiddleware` for the pages for people, English for the API."""

    def process_request(self, request):
        if is_localized(request.path_info):
            return super().process_request(request)
        translation.activate(API_LANGUAGE)
        request.LANGUAGE_CODE = API_LANGUAGE
        return None

    def process_response(self, request, response):
        if is_localized(request.path_info):
            return super().process_response(request, response)
        # No Vary: Accept-Language here: the answer does not depend on it.
        response.headers.setdefault("Content-Language", API_LANGUAGE)
        return response

