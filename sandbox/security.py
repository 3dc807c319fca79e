"""Security headers on every response, and the login manager's wiring."""
from flask import flash, g, request, session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .extensions import login_manager

# The key in the Flask session holding the token of the server-side session row (services/sessions.py).
SESSION_TOKEN_KEY = "sid"
_LOGIN_KEYS = ("_user_id", "_fresh", "_id", SESSION_TOKEN_KEY)

CSP = ("default-src 'self'; img-src 'self' data: {tiles}; style-src 'self'; script-src 'self'; "
       "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
       "form-action 'self'; object-src 'none'")


def init_security(app):
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id):
        # Only an open server-side session logs a request in: a copied cookie dies with its session, and a
        # remember-me cookie (never issued; its name is known) carries no session token, so it opens nothing.
        from .services import sessions
        user = sessions.check(user_id, session.get(SESSION_TOKEN_KEY))
        if user is None and "_user_id" in session:
            for key in _LOGIN_KEYS:
                session.pop(key, None)
            flash(_("Your session has ended, please log in again."), "warning")
        return user

    csp = content_security_policy(app)

    @app.after_request
    def set_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", csp)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(self)")
        if app.config.get("HTTPS"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if _private(response):
            # Replaces send_file's "no-cache": that still lets the browser and proxies keep a copy on disk.
            headers["Cache-Control"] = "no-store"
        return response


def _private(response):
    """Whether no cache may keep this response: every download, and everything a logged-in user is shown
    but the static files (the same for everyone)."""
    if request.endpoint == "static" or (request.endpoint or "").endswith(".static"):
        return False
    if response.headers.get("Content-Disposition", "").startswith("attachment"):
        return True
    user = g.get("_login_user")  # loaded by this request already; asking the database again could fail
    if user is not None:
        return bool(user.is_authenticated)
    return "_user_id" in session


def content_security_policy(app, inline_styles=False):
    policy = CSP.format(tiles=_tile_origin(app.config.get("MAP_TILE_URL", ""))).replace("  ", " ")
    if inline_styles:
        # Only for pages drawing generated diagrams (mermaid writes <style> into its SVG); scripts stay strict.
        policy = policy.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
    return policy


def _tile_origin(url):
    if not url.startswith(("http://", "https://")):
        return ""
    scheme, rest = url.split("://", 1)
    host = rest.split("/", 1)[0]
    return f"{scheme}://{host}"
