"""Adds the `API-Version` header that the Dutch API Design Rules require on every answer."""

from django.conf import settings


class ApiVersionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/api/"):
            response["API-Version"] = settings.IKO_API_VERSION
        return response
