"""Button-only forms: they carry the CSRF token for the notification centre's POST buttons."""
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length


class ConfirmForm(FlaskForm):
    pass


class ReadForm(ConfirmForm):
    """Mark one notice read; `open=1` (the notice's own link) also goes to what it is about."""
    open = StringField(validators=[Length(max=1)])
