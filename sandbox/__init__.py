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
    from .admin.views import bp as admin_bp
    from .applicant import steps  # noqa: F401  (registers the form steps on the applicant blueprint)
    from .applicant import trials as applicant_trials  # noqa: F401  (operator trial pages)
    from .secretariat import trials as office_trials  # noqa: F401  (trial supervision, feedback moderation)
    from .public import register  # noqa: F401  (public register and citizen feedback)
    from .secretariat import zones  # noqa: F401  (zone registry routes on the secretariat blueprint)
    from .files import letters  # noqa: F401  (decision letters as PDF on the files blueprint)
    from .auditor import decisions  # noqa: F401  (decision log routes on the auditor blueprint)
    from .files import decisions as file_decisions  # noqa: F401  (decision panel on the file page)
    from .applicant.views import bp as applicant_bp
    from .auditor.views import bp as auditor_bp
    from .auth.views import bp as auth_bp
    from .errorpages import register_error_pages
    from .files.views import bp as files_bp
    from .authority.views import bp as authority_bp
    from .committee.views import bp as committee_bp
    from .navigation import register_navigation
    from .public.views import bp as public_bp
    from .review.views import bp as review_bp
    from .secretariat.views import bp as secretariat_bp
    from .notices.views import bp as notices_bp
    from .secretariat.dashboard import bp as dashboard_bp

    for bp in (public_bp, auth_bp, applicant_bp, files_bp, secretariat_bp, review_bp, authority_bp,
               committee_bp, auditor_bp, admin_bp, notices_bp, dashboard_bp):
        app.register_blueprint(bp)
    register_error_pages(app)
    register_navigation(app)


def register_shell(app):
    from .cli import register_commands
    register_commands(app)
