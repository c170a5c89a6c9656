"""Which browser is asking: the owner of saved searches.

A browser gets a random token in a long-lived cookie (HttpOnly, SameSite=Lax, Secure over
HTTPS) when it first saves a search or opens /saved. The database stores only a hash of
the token, so its file does not hold anything that would let a reader act as an owner.
Clearing cookies loses access to one's list, not the short links, which keep working.
"""

from __future__ import annotations

import hashlib
import re
import secrets

from flask import after_this_request, g, request
from werkzeug.wrappers import Response

COOKIE = "searchapp_owner"
MAX_AGE = 400 * 24 * 3600  # the longest browsers keep a cookie (Chrome caps it at 400 days)
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)


def owner_id(token: str) -> str:
    """What the database stores for a browser's token."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def current() -> str | None:
    """This browser's owner id, or None if it has no (well-formed) token yet."""
    token = g.get("owner_token") or request.cookies.get(COOKIE, "")
    return owner_id(token) if _TOKEN.fullmatch(token) else None


def ensure() -> str:
    """This browser's owner id, issuing a token if it has none; the cookie is (re)set on the
    response, so a browser that keeps visiting keeps its list."""
    if "owner_token" not in g:
        token = request.cookies.get(COOKIE, "")
        g.owner_token = token if _TOKEN.fullmatch(token) else secrets.token_urlsafe(32)

        @after_this_request
        def set_cookie(response: Response) -> Response:
            response.set_cookie(COOKIE, g.owner_token, max_age=MAX_AGE, httponly=True,
                                samesite="Lax", secure=request.is_secure)
            return response

    return owner_id(g.owner_token)
