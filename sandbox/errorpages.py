"""Friendly error pages in Korean and English, and typed service errors turned into status codes."""
from flask import current_app, g, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from .errors import SandboxError
from .extensions import db, login_manager
from .transaction import is_write_conflict

MESSAGES = {
    400: (lambda: _("The request could not be understood"),
          lambda: _("Something in the request was malformed or the form had expired. Go back, reload the page and try again.")),
    403: (lambda: _("You may not see this page"),
          lambda: _("Your account does not have access to this page or action. If you think it should, ask the sandbox office.")),
    404: (lambda: _("Page not found"),
          lambda: _("The page or file you asked for does not exist, or it was moved.")),
    405: (lambda: _("Not allowed"), lambda: _("This address does not accept that kind of request.")),
    409: (lambda: _("The file has changed"),
          lambda: _("Someone else acted on this file first, or it has moved to another stage. Reload it to see where it stands.")),
    413: (lambda: _("The file or form is too large"),
          lambda: _("Uploads may be at most %(mb)d MB each and a form's text at most %(kb)d kB. Make it smaller "
                    "and try again.", mb=current_app.config["MAX_CONTENT_LENGTH"] // 2**20,
                    kb=current_app.config["MAX_FORM_MEMORY_SIZE"] // 1024)),
    422: (lambda: _("The action is not possible yet"), lambda: _("Something the action needs is missing.")),
    429: (lambda: _("Too many attempts"),
          lambda: _("Too many attempts in a short time. Wait 15 minutes and try again.")),
    500: (lambda: _("Something went wrong on our side"),
          lambda: _("Nothing you did caused this. Your data is safe; try again in a moment. If it keeps happening, tell the sandbox office.")),
    503: (lambda: _("The service is briefly unavailable"),
          lambda: _("The database cannot be reached right now. Wait a moment and reload; nothing has been lost.")),
}


def render_error(code, message=None, reasons=None):
    title, default_message = MESSAGES.get(code, MESSAGES[500])
    return render_template("errors/error.html", code=code, title=title(), message=message or default_message(),
                           reasons=reasons or []), code


def _discard_session():
    """Roll back; when the connection itself is gone (the database stopped) the rollback fails too, so
    drop the connection instead: the pool opens a fresh one once the database is back."""
    try:
        db.session.rollback()
    except DBAPIError:
        db.session().invalidate()  # the scoped proxy has no invalidate()


def register_error_pages(app):
    @app.errorhandler(HTTPException)
    def http_error(exc):
        if exc.code in (301, 302, 303, 307, 308) or exc.code is None:
            return exc
        if exc.response is not None:  # a page made for this case (the feedback throttle keeps the typed text)
            return exc.response
        return render_error(exc.code)

    @app.errorhandler(SandboxError)
    def sandbox_error(exc):
        _discard_session()
        return render_error(exc.status, message=exc.message or None, reasons=exc.reasons)

    @app.errorhandler(StaleDataError)
    @app.errorhandler(IntegrityError)
    def write_conflict(exc):
        # Another request wrote the same row or took the same unique key between this one's checks and its
        # write; the whole transaction is rolled back, so trying again is safe.
        _discard_session()
        app.logger.warning("write conflict on %s: %s", request.path, exc)
        return render_error(409, message=_("Someone else changed the same thing at the same moment, so "
                                           "nothing was saved. Reload the page and try again."))

    @app.errorhandler(OperationalError)
    def database_unavailable(exc):
        if is_write_conflict(exc):  # the write lock not obtained in time: busy, not down
            return write_conflict(exc)
        _discard_session()
        app.logger.error("database error on %s: %s", request.path, exc)
        # The page must not need the database: loading the user (the header shows their name and unread
        # count) would query it again and fail inside this handler, so it is drawn as for a visitor.
        g._login_user = login_manager.anonymous_user()
        body, code = render_error(503)
        return body, code, {"Retry-After": "10"}

    @app.teardown_appcontext
    def drop_dead_connection(exc):
        # Runs before Flask-SQLAlchemy's own teardown. A connection the database closed under a request
        # fails its closing rollback; without this, that error would replace the response with a bare 500.
        try:
            db.session.remove()
        except DBAPIError as error:
            app.logger.warning("dropping a dead database connection: %s", error.orig)
            db.session().invalidate()  # the scoped proxy has no invalidate()
            db.session.registry.clear()

    @app.errorhandler(Exception)
    def unexpected(exc):
        _discard_session()
        if app.testing and not app.config.get("RENDER_500_IN_TESTS"):
            raise exc  # tests see the real traceback
        app.logger.exception("unhandled error on %s", request.path)
        return render_error(500)
