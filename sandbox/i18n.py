"""Language choice: the remembered cookie, else the browser's preference, else Korean."""
from flask import current_app, request
from flask_babel import get_locale

LANG_COOKIE = "lang"


def select_locale():
    lang = request.cookies.get(LANG_COOKIE)
    if lang in current_app.config["LANGUAGES"]:
        return lang
    return request.accept_languages.best_match(current_app.config["LANGUAGES"], default="ko")


def current_language():
    return str(get_locale() or "ko")
