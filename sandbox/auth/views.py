"""Register, log in and out, change password, see and end sessions, choose the language."""
from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..errors import ValidationFailed
from ..extensions import limiter
from ..i18n import LANG_COOKIE
from ..security import SESSION_TOKEN_KEY
from ..services import accounts, registration, sessions
from ..viewforms import local_path
from ..viewhelpers import refusals
from .forms import EndSessionForm, LanguageForm, LoginForm, LogoutForm, PasswordForm, RegisterForm
from .blueprint import bp


def _home():
    return url_for("public.index")


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def _address_and_account():
    # Per address and account: guessing one password is slowed down without locking out a whole office behind one NAT.
    # The login form's own parsing, not the raw body; the limiter asks before the view runs.
    return f"{request.remote_addr}|{(LoginForm().email.data or '').strip().lower()}"


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
        refusal = _("The e-mail address or password is not correct.")
        try:
            user, token = accounts.authenticate(form.email.data, form.password.data)
        except ValidationFailed as exc:
            user, refusal = None, exc.message
        if user is None:
            g.login_failed = True
            form.password.errors.append(refusal)
        else:
            _start(user, token)
            flash(_("Welcome, %(name)s.", name=user.display_name), "success")
            return redirect(local_path(form.next.data, None) or _home())
    return render_template("auth/login.html", form=form)


def _start(user, token):
    login_user(user)
    session[SESSION_TOKEN_KEY] = token


def _end_current():
    sessions.log_out(current_user._get_current_object(), session.get(SESSION_TOKEN_KEY))
    logout_user()
    session.pop(SESSION_TOKEN_KEY, None)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    if not LogoutForm().validate_on_submit():
        abort(400)
    _end_current()
    flash(_("You have logged out."), "info")
    return redirect(_home())


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["REGISTER_RATE_LIMIT"], methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(_home())
    form = RegisterForm()
    if form.validate_on_submit():
        # The same page whether or not the address has an account; the e-mail says which it was.
        registration.request_registration(form.email.data, form.name.data, form.password.data)
        return render_template("auth/register_sent.html", email=form.email.data.strip().lower())
    return render_template("auth/register.html", form=form)


@bp.route("/confirm/<token>")
def confirm(token):
    with refusals() as outcome:
        user, session_token = registration.confirm_registration(token)
    if not outcome.ok:
        return redirect(url_for(".login"))
    if current_user.is_authenticated:
        _end_current()
    _start(user, session_token)
    flash(_("Your account is ready. Create or join your organisation to start an application."), "success")
    return redirect(url_for("applicant.organisations"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user._get_current_object(), form.current.data,
                                     form.password.data, keep_token=session.get(SESSION_TOKEN_KEY))
        except ValidationFailed as exc:
            form.current.errors.append(exc.message)
        else:
            flash(_("Your password has been changed. Your other sessions have been logged out."), "success")
            return redirect(url_for(".account"))
    return render_template("auth/password.html", form=form)


@bp.route("/account")
@login_required
def account():
    user = current_user._get_current_object()
    this = sessions.find(session.get(SESSION_TOKEN_KEY))
    return render_template("auth/account.html", user=user, sessions=sessions.open_sessions(user),
                           this_session_id=this.id if this else None, browser_label=sessions.browser_label)


@bp.route("/sessions/<int:session_id>/end", methods=["POST"])
@login_required
def end_session(session_id):
    if EndSessionForm().validate_on_submit():
        ended = sessions.end_one(current_user._get_current_object(), session_id)
        flash(_("That session has been logged out.") if ended else _("That session had already ended."),
              "success" if ended else "info")
    return redirect(url_for(".account"))


@bp.route("/sessions/end-others", methods=["POST"])
@login_required
def end_other_sessions():
    if EndSessionForm().validate_on_submit():
        count = sessions.end_others(current_user._get_current_object(), session.get(SESSION_TOKEN_KEY))
        flash(_("Logged out everywhere else (%(n)s sessions).", n=count), "success")
    return redirect(url_for(".account"))


@bp.route("/language/<lang>", methods=["POST"])
def set_language(lang):
    form = LanguageForm()
    if lang not in current_app.config["LANGUAGES"]:
        lang = "ko"
    target = local_path(form.next.data if form.validate_on_submit() else None, None) or _home()
    response = redirect(target)
    response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, httponly=True, samesite="Lax",
                        secure=current_app.config.get("HTTPS", False))
    return response
