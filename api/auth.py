"""How a caller proves who they are: a personal token (``Authorization: Bearer``) or the portal's session."""

from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from .selectors import api_token_for_secret
from .services import api_token_mark_used


class ApiTokenAuth(HttpBearer):
    """A personal API token. The token's owner becomes ``request.user``, so every selector
    applies the same reach as on the pages."""

    def authenticate(self, request, token: str):
        found = api_token_for_secret(token.strip())
        if found is None:
            # A wrong, revoked or expired token is refused outright, never passed on to the session.
            raise AuthenticationError(message="The token is unknown, revoked or expired.")
        api_token_mark_used(found)
        request.user = found.user
        return found.user


api_token_auth = ApiTokenAuth()
