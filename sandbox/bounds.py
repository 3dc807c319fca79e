"""Bounded input: what the database columns hold decides what a request may carry.

One module, so every route, query string and form applies the same limits:
- path integers: the `int` converter of every route is `BoundedIntConverter` (at most the range of a
  PostgreSQL `integer` column), so /files/99999999999999999999 is a 404 before any query;
- query and hidden-field integers: `request.args.get(name, type=db_int)` (or `db_bigint`) treats a
  value the column cannot hold like any malformed one (the filter is ignored, the default used);
  `query_text` refuses a search term longer than any column with a 400 page naming the parameter;
- form integers, floats, dates and choices: the WTForms fields and the coerce function below refuse
  the same values with a form error, so the form is shown again with everything kept;
- text: a NUL character (PostgreSQL refuses it in text) or invalid UTF-8 in the path, the query
  string or a url-encoded body gets a 400 page before any view runs;
- repeated groups: `BoundedFieldList` numbers its rows 0..max_entries-1 and refuses anything else
  under its prefix (a larger index, an old hidden count), building nothing for it;
- bodies: a url-encoded body is held to MAX_FORM_MEMORY_SIZE and MAX_FORM_PARTS as Werkzeug holds
  multipart ones (413 page), on top of MAX_CONTENT_LENGTH for uploads.
"""
import math
import re
from datetime import date
from urllib.parse import unquote_to_bytes

import wtforms
from flask import request
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import IntegerConverter, ValidationError as RouteMismatch
from wtforms.utils import unset_value
from wtforms.validators import NumberRange

from .errors import SandboxError

INT_MIN, INT_MAX = -(2**31), 2**31 - 1  # PostgreSQL `integer`: ids, counts and most numbers
BIGINT_MAX = 2**63 - 1  # PostgreSQL `bigint`: audit sequence numbers and sums of money
# Dates the columns and Python both hold, with room for the "+ n days" the services add to them.
DATE_MIN, DATE_MAX = date(1900, 1, 1), date(9899, 12, 31)
_INTEGER = re.compile(r"[+-]?[0-9]{1,19}")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ROW_INDEX = re.compile(r"[0-9]{1,4}")
SEARCH_MAX = 254  # the longest column a search term is matched against (an e-mail address)


class InvalidQueryValue(SandboxError):
    status = 400


class MalformedInput(SandboxError):
    status = 400


class BoundedIntConverter(IntegerConverter):
    """Flask's `int` converter limited to 1..2**31-1 unless the rule says otherwise (`int(max=...)`)."""

    def __init__(self, map, fixed_digits=0, min=1, max=INT_MAX, signed=False):
        super().__init__(map, fixed_digits, min, max, signed)

    def to_python(self, value):
        if len(value) > 19:  # never hand int() a megabyte of digits
            raise RouteMismatch()
        return super().to_python(value)


def parse_int(value, minimum=INT_MIN, maximum=INT_MAX):
    """`value` as an int within [minimum, maximum]; None when absent, malformed or out of range."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        return None
    return number if minimum <= number <= maximum else None


def parse_date(value):
    """An ISO date (YYYY-MM-DD) between DATE_MIN and DATE_MAX, else None."""
    if isinstance(value, date):
        return value if DATE_MIN <= value <= DATE_MAX else None
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value.strip()):
        return None
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        return None
    return day if DATE_MIN <= day <= DATE_MAX else None


def int_list(values, minimum=1, maximum=INT_MAX):
    """The ids in a multi-valued form field that parse and fit; the rest are dropped."""
    return [n for n in (parse_int(v, minimum, maximum) for v in values) if n is not None]


def db_int(value):
    """For Werkzeug's `request.form.get(name, type=db_int)`: a value that does not fit an integer
    column raises ValueError, so `get` returns its default (None) as for any malformed value."""
    number = parse_int(value)
    if number is None:
        raise ValueError(value)
    return number


def db_bigint(value):
    number = parse_int(value, -BIGINT_MAX - 1, BIGINT_MAX)
    if number is None:
        raise ValueError(value)
    return number


def query_text(name, max_length=SEARCH_MAX):
    """A search term from the query string; longer than any column it is compared with → 400."""
    text = request.args.get(name, "").strip()
    if len(text) > max_length:
        raise InvalidQueryValue(_("“%(name)s” in the address may be at most %(n)d characters.", name=name,
                                  n=max_length))
    return text


def optional_int(value):
    """SelectField coerce: '' or None → None; a fitting integer → int; anything else is a form error."""
    if value in (None, "", "None"):
        return None
    number = parse_int(value)
    if number is None:
        raise ValueError(_("Not a valid choice."))
    return number


class IntegerField(wtforms.IntegerField):
    """WTForms' IntegerField that refuses what the column cannot hold, with a form error."""

    def __init__(self, label=None, validators=None, *, minimum=INT_MIN, maximum=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        # A NumberRange above the integer range declares a `bigint` column (sums of money).
        declared = [v.max for v in validators or () if isinstance(v, NumberRange) and v.max is not None]
        self.minimum = minimum
        wide = declared and max(declared) > INT_MAX
        self.maximum = maximum or (min(max(declared), BIGINT_MAX) if wide else INT_MAX)

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        self.data = parse_int(valuelist[0], self.minimum, self.maximum)
        if self.data is None and valuelist[0].strip():
            raise ValueError(_("Enter a whole number from %(min)s to %(max)s.", min=self.minimum,
                               max=self.maximum))


class FloatField(wtforms.FloatField):
    """WTForms' FloatField without infinities, NaN or absurd magnitudes."""

    LIMIT = 1e12

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not (math.isfinite(self.data) and abs(self.data) <= self.LIMIT):
            self.data = None
            raise ValueError(_("Enter a number no larger than %(max)s.", max=f"{self.LIMIT:,.0f}"))


class DateField(wtforms.DateField):
    """WTForms' DateField limited to DATE_MIN..DATE_MAX (9999-12-31 would overflow the day after it)."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not DATE_MIN <= self.data <= DATE_MAX:
            self.data = None
            raise ValueError(_("Enter a date from %(min)s to %(max)s.", min=DATE_MIN.isoformat(),
                               max=DATE_MAX.isoformat()))


class BoundedFieldList(wtforms.FieldList):
    """A repeated group whose rows are numbered 0..max_entries-1 and nothing else: a larger index, a
    count or any other stray key under its prefix is a form error and no row is built from the request."""

    def __init__(self, unbound_field, label=None, validators=None, *, max_entries, **kwargs):
        super().__init__(unbound_field, label, validators, max_entries=max_entries, **kwargs)
        self.altered = False

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.altered = bool(formdata) and not self._keys_fit(formdata)
        super().process(None if self.altered else formdata, data, extra_filters)

    def _keys_fit(self, formdata):
        prefix = self.name + self._separator
        for key in formdata:
            if key.startswith(prefix):
                index, _sep, rest = key[len(prefix):].partition(self._field_separator)
                if not (_ROW_INDEX.fullmatch(index) and int(index) < self.max_entries and rest):
                    return False
        return True

    def validate(self, form, extra_validators=()):
        if self.altered:
            self.errors = [_(
                "At most %(n)d rows are accepted, numbered from 1; reload the page and try again.",
                             n=self.max_entries)]
            return False
        return super().validate(form, extra_validators)


def refuse_malformed_text():
    """before_request: NUL (which PostgreSQL refuses in text) or invalid UTF-8 in the path, query
    string or a url-encoded body → a 400 page saying so, before any view or query runs."""
    if "\x00" in request.path:
        raise MalformedInput(_("The request contains a NUL character, which no field accepts."))
    raw = [unquote_to_bytes(request.query_string)]
    if request.mimetype == "application/x-www-form-urlencoded":
        raw.append(unquote_to_bytes(_bounded_urlencoded_body().replace(b"+", b" ")))
    for chunk in raw:
        try:
            text = chunk.decode("utf-8")
        except UnicodeDecodeError:
            raise MalformedInput(_("The request contains bytes that are not valid UTF-8 text.")) from None
        if "\x00" in text:
            raise MalformedInput(_("The request contains a NUL character, which no field accepts."))
    if request.mimetype == "multipart/form-data":
        texts = [v for _name, values in request.form.lists() for v in values]
        texts += [f.filename or "" for _name, files in request.files.lists() for f in files]
        if any("\x00" in text for text in texts):
            raise MalformedInput(_("The request contains a NUL character, which no field accepts."))


def _bounded_urlencoded_body():
    """Werkzeug applies MAX_FORM_MEMORY_SIZE and MAX_FORM_PARTS to multipart bodies only: a url-encoded
    body up to MAX_CONTENT_LENGTH (20 MB) of `a&a&a...` would become millions of fields. The same two
    limits hold here; the form parser then reads the cached copy."""
    limit = request.max_form_memory_size
    if limit is not None and (request.content_length or 0) > limit:
        raise RequestEntityTooLarge()
    body = request.get_data(cache=True)
    if (limit is not None and len(body) > limit) or \
            (request.max_form_parts is not None and body.count(b"&") >= request.max_form_parts):
        raise RequestEntityTooLarge()
    return body


def init_app(app):
    """Register the converter (before any blueprint adds its rules) and the text check (before CSRF
    protection, whose check parses the form and would leave no raw body to read)."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(refuse_malformed_text)
