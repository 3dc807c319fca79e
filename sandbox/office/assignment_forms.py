"""Forms of the office's assignment and committee pages: reviewer and authority picks with their due
dates, the bulk CSV, a meeting and an agenda item. Picks name rows by id; a validator loads the row so
the view hands the service objects, never a raw id."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError
from wtforms.widgets import HiddenInput

from ..bounds import DateField, IntegerField, optional_int
from ..extensions import db
from ..labels import options
from ..models import Application, ExemptionRequest, User

# More members than any committee seats; a longer list is a tampered form, not a meeting.
MAX_MEETING_MEMBERS = 100
ACTIONS = options([("check", _l("Check (dry run)")), ("apply", _l("Apply all rows"))])


def _row(model, message):
    """A validator: the picked id names an existing row, kept on the field as `.row`; else `message`."""
    def check(form, field):
        field.row = db.session.get(model, field.data) if field.data is not None else None
        if field.row is None:
            raise ValidationError(message)
    return check


def _pick(label, model, message):
    # validate_choice=False: the service, not the list shown, says why a person cannot be picked.
    return SelectField(label, coerce=optional_int, validate_choice=False, validators=[_row(model, message)])


class ReviewerAssignForm(FlaskForm):
    reviewer_id = _pick(_l("Reviewer"), User, _l("Choose a reviewer."))
    due = DateField(_l("Due date"), validators=[Optional()])


class AuthorityAssignForm(FlaskForm):
    """One form per requested exemption on the page; `exemption_request_id` says which one was sent."""
    exemption_request_id = IntegerField(widget=HiddenInput(), validators=[Optional()])
    authority_id = SelectField(_l("Authority officer"), coerce=optional_int, validate_choice=False)
    due = DateField(_l("Due date"), validators=[Optional()])

    def __init__(self, application, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application

    def validate_authority_id(self, field):
        wanted = self.exemption_request_id.data
        self.exemption_request = db.session.get(ExemptionRequest, wanted) if wanted is not None else None
        self.authority = db.session.get(User, field.data) if field.data is not None else None
        if self.exemption_request is None or self.exemption_request.application_id != self.application.id \
                or self.authority is None:
            raise ValidationError(_l("Choose the exemption and the authority officer."))


class BulkAssignForm(FlaskForm):
    csv = TextAreaField(_l("CSV text"), validators=[Optional()])
    csv_file = FileField(_l("Or upload a CSV file"), validators=[Optional()])
    # The two submit buttons share this name; a form without it is a dry run.
    action = SelectField(choices=ACTIONS, default="check", validators=[Optional()])

    def text(self):
        """The uploaded file's text when one was sent (shown in the textarea afterwards), else the textarea."""
        upload = self.csv_file.data
        if upload and getattr(upload, "filename", ""):
            return upload.read().decode("utf-8-sig", errors="replace")
        return self.csv.data or ""


def _at_most(n):
    def check(form, field):
        if len(field.data or ()) > n:
            raise ValidationError(_l("Choose at most %(n)d members.", n=n))
    return check


class MeetingForm(FlaskForm):
    """Only the shape of the input is checked here; the service says what a meeting needs (a title, a date,
    committee members), in the same words whichever way it is called."""
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    meets_on = DateField(_l("Date"), validators=[Optional()])
    members = SelectMultipleField(_l("Members"), coerce=optional_int, validators=[_at_most(MAX_MEETING_MEMBERS)])

    def __init__(self, members, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.members.choices = options((u.id, u.display_name) for u in members)
        self.people = {u.id: u for u in members}

    def chosen_members(self):
        return [self.people[i] for i in self.members.data or () if i in self.people]


class AgendaItemForm(FlaskForm):
    application_id = _pick(_l("File ready for the committee"), Application, _l("Choose a file."))
