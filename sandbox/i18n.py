"""Language choice: the remembered cookie, else the browser's preference, else Korean."""
from flask import current_app, has_request_context, request
from flask_babel import get_locale

LANG_COOKIE = "lang"


def select_locale():
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]  # CLI and background work
    lang = request.cookies.get(LANG_COOKIE)
    if lang in current_app.config["LANGUAGES"]:
        return lang
    return request.accept_languages.best_match(current_app.config["LANGUAGES"], default="ko")


def current_language():
    return str(get_locale() or "ko")
