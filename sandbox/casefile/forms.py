from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField
from wtforms.validators import DataRequired

from ..labels import DocumentKind, options

# After submission a file only grows by supplements, insurance certificates and trial records.
LATER_KINDS = (DocumentKind.supplement, DocumentKind.insurance, DocumentKind.other)


class LaterDocumentForm(FlaskForm):
    kind = SelectField(_l("Kind of document"), choices=options((k.value, k.label) for k in LATER_KINDS),
                       validators=[DataRequired()])
    file = FileField(_l("File"), validators=[FileRequired(message=_l("Choose a file to upload."))],
                     description=_l("PDF, PNG, JPEG or WebP."))
