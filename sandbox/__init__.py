"""Sandbox: a zone-based regulatory sandbox. create_app() wires things together and does no I/O."""
from pathlib import Path

# Flask is imported inside the functions so that `python -m sandbox.audit.verify` (stdlib only) can
# import this package on an auditor's machine without the app's dependencies.
ROOT = Path(__file__).resolve().parent.parent


def create_app(config=None):
    from flask import Flask

    from . import config as config_module

    app = Flask(__name__, instance_path=str(ROOT / "instance"), template_folder=str(ROOT / "templates"),
                static_folder=str(ROOT / "static"))
    app.config.from_object(config_module.DevelopmentConfig)
    if isinstance(config, dict):
        app.config.from_mapping(config)
    elif config is not None:
        app.config.from_object(config)
    config_module.apply_derived(app)
    trust_proxies(app)
    register_extensions(app)
    register_blueprints(app)
    register_shell(app)
    return app


def trust_proxies(app):
    """Behind TRUSTED_PROXIES reverse proxies, the client's address and scheme come from the headers they
    set (the rightmost entries, which the proxies wrote): the login throttle and the audit see the client."""
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def register_extensions(app):
    from . import bounds, models  # noqa: F401  (models: every table known to Alembic)
    from .extensions import babel, csrf, db, limiter, login_manager, migrate
    from .i18n import select_locale
    from .security import init_security

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    bounds.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    init_security(app)


def register_blueprints(app):
    from . import admin, applicant, auditor, auth, authority, casefile, committee, notices, office, public, review
    from .errorpages import register_error_pages
    from .navigation import register_navigation

    for package in (public, auth, applicant, casefile, office, review, authority, committee, auditor, admin, notices):
        app.register_blueprint(package.bp)
    register_error_pages(app)
    register_navigation(app)


def register_shell(app):
    from .cli import register_commands
    register_commands(app)
