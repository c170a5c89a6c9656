"""Web hardening that every response and every form gets, in one place.

- Security headers: a Content-Security-Policy without inline script (all JS lives
  in static/app.js), no framing, no MIME sniffing, no full-URL referrers (a query
  can be sensitive: a journalist's topic should not leak to the sites we link to).
- Host allow-list: a request for a host name we do not serve (or no valid host name at
  all) gets a 400 before anything builds a link from it, so permalinks and feed links
  only ever name an allowed host (Settings.trusted_hosts, also Flask's TRUSTED_HOSTS).
- CSRF: POSTs (saving and deleting searches) must echo a per-session token and, when the
  browser says where the form came from (Origin), come from this site. A method the
  address does not take is a 405 (an unknown address a 404) before that check.
- The session-signing key lives in the database (state/secret.py: the instance folder with
  SQLite, a table with PostgreSQL) so that all workers of all servers, and restarts, agree
  on it without it ever being in the code.
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, request, session
from flask.sessions import SecureCookieSessionInterface
from werkzeug.sansio.utils import get_host, host_is_trusted
from werkzeug.wrappers import Response

from searchapp.config import Settings
from searchapp.state import secret
from searchapp.state.database import Database
from searchapp.web.errors import render_error

CSP = "; ".join([
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
])
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
CSRF_FIELD = "csrf_token"
# ~680 CJK characters once percent-encoded (queries are cut to 200 characters anyway);
# below gunicorn's hard request-line limit (8190), so users get this message, not gunicorn's.
MAX_QUERY_BYTES = 6 * 1024
load_secret_key = secret.key_file  # the instance folder's key file (SQLite setups)


def csrf_token() -> str:
    """The session's token, created on first use (templates call this for each form)."""
    if CSRF_FIELD not in session:
        session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return str(session[CSRF_FIELD])


BAD_HOST = "请求的主机名无效，或本站不以该名称提供服务。"
CROSS_ORIGIN = "不接受来自其他网站的表单提交。请在本站页面上重新操作。"


def valid_host_name(host: str) -> bool:
    """A Host header (with or without port) that names a host: werkzeug checks characters
    and port, we add what IDNA needs (no empty label, labels of at most 63 characters),
    since building an absolute link from `..` would otherwise fail with a 500."""
    if not host_is_trusted(host, None):
        return False
    if host.startswith("["):  # an IPv6 literal, which werkzeug has checked
        return True
    name = host.partition(":")[0].removesuffix(".")
    return len(name) <= 253 and all(0 < len(label) <= 63 for label in name.split("."))


def check_host() -> Response | None:
    """Refuse a request for a host we are not: one log line, a 400, no link built from it."""
    raw = request.headers.get("Host")
    host = raw if raw is not None else get_host(request.scheme, None, request.server, None)
    if raw is None and not host:
        return None  # no Host header and no server address: there is nothing to check
    trusted = current_app.config["TRUSTED_HOSTS"]
    if valid_host_name(host) and host_is_trusted(host, trusted):
        return None
    current_app.logger.warning("refused a request for Host %r: not a valid host name or not "
                               "in SEARCHAPP_ALLOWED_HOSTS (%s)", host[:300],
                               ", ".join(trusted) if trusted else "*")
    return render_error(400, BAD_HOST)


def _origin_host(origin: str) -> str:
    """host[:port] of an Origin header ("" for `null` or garbage). The scheme is not compared:
    behind a proxy that does not say it spoke HTTPS, our own origin would look foreign."""
    try:
        return urlsplit(origin).netloc.lower()
    except ValueError:  # e.g. "http://[::1" (an unclosed IPv6 literal)
        return ""


def check_csrf() -> None:
    """Reject a state-changing request from another site or without the session's token.
    A method the address does not take is left to routing (405, or 404 for no address)."""
    if request.method in {"GET", "HEAD", "OPTIONS"} or request.routing_exception is not None:
        return
    origin = request.headers.get("Origin")
    if origin is not None and _origin_host(origin) != request.host.lower():
        abort(403, description=CROSS_ORIGIN)
    expected = session.get(CSRF_FIELD, "")
    given = request.form.get(CSRF_FIELD, "")
    if not expected or not hmac.compare_digest(str(expected), given):
        abort(400, description="表单已过期或来源无效，请刷新页面后重试。")


TOO_LONG = f"检索请求过长（上限 {MAX_QUERY_BYTES} 字节），请缩短检索词。"


def limit_query_string() -> None:
    """Refuse absurd URLs with a clear message before any parsing or searching happens."""
    if len(request.query_string) > MAX_QUERY_BYTES:
        abort(413, description=TOO_LONG)


def add_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


class _Sessions(SecureCookieSessionInterface):
    """The session cookie is marked Secure whenever the request came over HTTPS, directly or
    through a proxy gunicorn trusts (X-Forwarded-Proto), so one setup serves both."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return request.is_secure


def init_app(app: Flask, settings: Settings, database: Database) -> None:
    app.secret_key = secret.session_key(database)
    app.session_interface = _Sessions()
    app.config.update(SESSION_COOKIE_NAME="searchapp_session", SESSION_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SAMESITE="Lax", MAX_CONTENT_LENGTH=64 * 1024,
                      TRUSTED_HOSTS=settings.trusted_hosts())
    app.before_request(check_host)  # first: nothing may build a link from a bad host
    app.before_request(limit_query_string)
    app.before_request(check_csrf)
    app.after_request(add_headers)
    app.jinja_env.globals["csrf_token"] = csrf_token
