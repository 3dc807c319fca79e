"""Who a viewer is to a file (the audiences of the disclosure rule) and the neutral labels people appear
under; shared by policy/disclosure.py and policy/disclosure_records.py."""
from enum import StrEnum

from flask_babel import lazy_gettext as _l


class Audience(StrEnum):
    applicant = "applicant"  # members of the applying organisation
    office = "office"  # the sandbox office (secretariat)
    reviewer = "reviewer"
    authority = "authority"
    committee = "committee"  # committee members and the chair
    auditor = "auditor"


# In whose capacity someone acted on a file; people acting in a capacity the viewer may not name
# appear under its neutral label.
NEUTRAL_LABELS = {
    "applicant": _l("the applicant"), "office": _l("the sandbox office"), "reviewer": _l("a reviewer"),
    "authority": _l("the competent authority"), "committee": _l("the committee"), "auditor": _l("an auditor"),
    "system": _l("the system"), "public": _l("a citizen"),
}
