"""Authentication of API clients by their token: `Authorization: Token <token>`.

`Bearer` is accepted as well for tokens that start with `iko_`, so clients that only know bearer
tokens work too. The principal of the request is the `ApiClient` itself.
"""

from __future__ import annotations

from rest_framework import authentication, exceptions

from .models import TOKEN_PREFIX, ApiClient, token_hash


class ApiClientTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme == self.keyword or (scheme == "Bearer" and token.startswith(TOKEN_PREFIX)):
            if not token:
                raise exceptions.AuthenticationFailed("The Authorization header has no token.")
            client = (
                ApiClient.objects.select_related("default_purpose")
                .filter(token_hash=token_hash(token), enabled=True)
                .first()
            )
            if client is None:
                raise exceptions.AuthenticationFailed("Unknown or disabled API token.")
            return client, None
        return None

    def authenticate_header(self, request):
        return self.keyword
