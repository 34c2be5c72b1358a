"""`/api/v1/`: the API's entry points, so that a caller (or a person with a browser) who opens the
API's root finds where to go instead of a 404. Open to everyone: it names paths, no data; every
path it lists checks its own authentication.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from rest_framework.response import Response
from rest_framework.views import APIView

# (name in the answer, URL name, what it is). Paths with a profile's name show it as {name}.
ENTRY_POINTS = [
    ("profiles", "profile-list", "The profiles the caller may use (GET)."),
    ("profileView", "profile-view", "A profile's view of one subject for one purpose (POST)."),
    ("profileSchema", "profile-schema", "The JSON Schema of a profile's view (GET)."),
    ("profileSearchActions", "profile-search-list", "A profile's search actions (GET)."),
    ("profileSuggestions", "profile-suggestions", "Regelingen a subject may be eligible for (POST)."),
    ("profilePrefill", "profile-prefill", "Values a form may prefill for a subject (POST)."),
    ("openapi", "openapi", "The OpenAPI 3 document of this API."),
    ("docs", "api-docs", "The API documentation (Swagger UI)."),
    ("redoc", "api-redoc", "The API documentation (ReDoc)."),
]
PLACEHOLDER = "__name__"


class ApiRootView(APIView):
    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes: list = []
    schema = None  # not an operation of the API itself: not in the OpenAPI document

    def get(self, request):
        links = {}
        for key, url_name, description in ENTRY_POINTS:
            needs_name = url_name.startswith("profile-") and url_name != "profile-list"
            path = reverse(url_name, kwargs={"name": PLACEHOLDER} if needs_name else None)
            links[key] = {
                "href": request.build_absolute_uri(path).replace(PLACEHOLDER, "{name}"),
                "templated": needs_name,
                "description": description,
            }
        return Response({"name": "IKO API", "version": settings.IKO_API_VERSION, "_links": links})
