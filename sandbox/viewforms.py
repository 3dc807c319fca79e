"""Form pieces more than one blueprint posts: the typed condition row (the authorities propose
conditions, the committee decides them; blueprints may not import each other, so the row lives here),
the hidden `next` field of buttons shared by several pages with the one rule for a local `next` (posted
or in the query string), and a form's errors flashed above it."""
from flask import flash
from flask_wtf import FlaskForm
from wtforms import Form, HiddenField, StringField
from wtforms.validators import Length

TEXT_LIMIT = 5000


class ConditionForm(Form):
    """One condition row; the kind and parameters are checked by services.conditions."""
    kind = StringField(validators=[Length(max=40)])
    text = StringField(validators=[Length(max=TEXT_LIMIT)])
    parameters = StringField(validators=[Length(max=TEXT_LIMIT)])


def condition_rows(field_list):
    """The rows of a `BoundedFieldList(FormField(ConditionForm))` as the services take them."""
    return [{"kind": row.kind.data or "", "text": row.text.data or "", "parameters": row.parameters.data or ""}
            for row in field_list]


def local_path(target, default):
    """`target` when it is a path on this site, else `default`: a posted or queried `next` never sends
    anyone to another host (`//evil.example` is a host, not a path)."""
    target = target or ""
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else default


class NextForm(FlaskForm):
    """A button that may be pressed on several pages and returns to the one it was on."""
    next = HiddenField(validators=[Length(max=2000)])

    def next_or(self, default):
        return local_path(self.next.data if not self.next.errors else "", default)


def form_errors(form):
    """Every error message of a form (nested rows included) once, for the flash list above it."""
    messages = []

    def collect(value):
        if isinstance(value, dict):
            for inner in value.values():
                collect(inner)
        elif isinstance(value, (list, tuple)):
            for inner in value:
                collect(inner)
        elif value and str(value) not in messages:
            messages.append(str(value))
    collect(form.errors)
    return messages


def flash_form_errors(form):
    """A form that did not validate (a field too long, a row beyond the cap, a date that is none): each
    message above the form, which is shown again with what was typed."""
    for message in form_errors(form):
        flash(message, "danger")
