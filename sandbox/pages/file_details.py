"""A file's content as the people working on it read it: the file page and the applicant's "review and
submit" step show the same rows."""
from flask_babel import gettext as _

from ..labels import Instrument, TechCategory

def details(application):
    """The file's content as (label, value) rows, in form order."""
    rows = [
        (_("Instrument"), Instrument(application.instrument).label),
        (_("Technology category"), TechCategory(application.category).label if application.category else "—"),
        (_("Summary"), application.summary),
    ]
    if application.instrument == Instrument.quick_confirmation:
        rows.append((_("Question"), application.question))
        if application.answer:
            rows.append((_("Answer"), application.answer))
        return rows
    period = (f"{application.period_start} – {application.period_end}"
              if application.period_start and application.period_end else "—")
    rows += [
        (_("Innovation"), application.innovation), (_("Public and user benefit"), application.public_benefit),
        (_("Regulations to be waived"), application.regulations), (_("Trial period"), period),
        (_("Scale"), _("%(units)s units, %(users)s users", units=application.units or 0,
                       users=application.users_planned or 0)),
        (_("Safety plan"), application.safety_plan), (_("User protection and privacy"), application.user_protection),
        (_("Insurance and compensation plan"), application.insurance_plan),
        (_("Financing and organisation"), application.financing),
    ]
    if application.answer:
        rows.append((_("Latest supplement from the applicant"), application.answer))
    return rows
