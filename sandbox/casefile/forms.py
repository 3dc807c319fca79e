from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..bounds import DateField

from ..labels import DocumentKind, options
from ..viewforms import TEXT_LIMIT

# After submission a file only grows by supplements, insurance certificates and trial records.
LATER_KINDS = (DocumentKind.supplement, DocumentKind.insurance, DocumentKind.other)


class LaterDocumentForm(FlaskForm):
    kind = SelectField(_l("Kind of document"), choices=options((k.value, k.label) for k in LATER_KINDS),
                       validators=[DataRequired()])
    file = FileField(_l("File"), validators=[FileRequired(message=_l("Choose a file to upload."))],
                     description=_l("PDF, PNG, JPEG or WebP."))


class ActionForm(FlaskForm):
    """The generic action button: a reason when the step needs one, a due date when it sets one (the
    office's requests), the applicant's answer to a supplement request. Which of them a step needs is
    the workflow's rule; the page's version travels in the address."""
    reason = TextAreaField(validators=[Length(max=TEXT_LIMIT)])
    due = DateField(validators=[Optional()])
    answer = TextAreaField(validators=[Length(max=TEXT_LIMIT)])


class ConfirmForm(FlaskForm):
    """A button with nothing to type: it carries the CSRF token."""
