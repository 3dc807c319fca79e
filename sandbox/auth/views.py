"""Register, log in and out, change password, choose the language."""
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..errors import ValidationFailed
from ..extensions import limiter
from ..i18n import LANG_COOKIE
from ..services import accounts
from .forms import LanguageForm, LoginForm, PasswordForm, RegisterForm

bp = Blueprint("auth", __name__, url_prefix="/auth")


def _safe_next(target):
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/"):
        return None
    return target


def _home():
    return url_for("public.index")


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def _address_and_account():
    # Per address and account: guessing one password is slowed down without locking out a whole office behind one NAT.
    return f"{request.remote_addr}|{(request.form.get('email') or '').strip().lower()}"


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, key_func=_address_and_account, methods=["POST"],
               deduct_when=lambda response: bool(g.get("login_failed")))
@limiter.limit(lambda: current_app.config["LOGIN_ADDRESS_RATE_LIMIT"], methods=["POST"],
               deduct_when=lambda response: bool(g.get("login_failed")))
def login():
    if current_user.is_authenticated:
        return redirect(_home())
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is None:
            g.login_failed = True
            form.password.errors.append(_("The e-mail address or password is not correct."))
        else:
            login_user(user)
            flash(_("Welcome, %(name)s.", name=user.display_name), "success")
            return redirect(_safe_next(form.next.data) or _home())
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    accounts.record_logout(current_user._get_current_object())
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(_home())


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(_home())
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = accounts.register_user(form.email.data, form.name.data, form.password.data)
        except ValidationFailed as exc:
            form.email.errors.append(exc.message)
        else:
            login_user(user)
            flash(_("Your account is ready. Create or join your organisation to start an application."), "success")
            return redirect(url_for("applicant.organisations"))
    return render_template("auth/register.html", form=form)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user._get_current_object(), form.current.data, form.password.data)
        except ValidationFailed as exc:
            form.current.errors.append(exc.message)
        else:
            flash(_("Your password has been changed."), "success")
            return redirect(_home())
    return render_template("auth/password.html", form=form)


@bp.route("/language/<lang>", methods=["POST"])
def set_language(lang):
    form = LanguageForm()
    if lang not in current_app.config["LANGUAGES"]:
        lang = "ko"
    target = _safe_next(form.next.data if form.validate_on_submit() else None) or _home()
    response = redirect(target)
    response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, httponly=True, samesite="Lax",
                        secure=current_app.config.get("HTTPS", False))
    return response
