"""Enumerations with translated labels, shared by models, forms and pages."""
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice


class LabeledEnum(StrEnum):
    """A StrEnum whose members carry a translated `label` and a badge `tone`."""

    @property
    def label(self):
        return self._labels().get(self.value, self.value)

    @property
    def tone(self):
        return self._tones().get(self.value, "neutral")

    @classmethod
    def _labels(cls):
        return {}

    @classmethod
    def _tones(cls):
        return {}

    @classmethod
    def choices(cls):
        """Options for a WTForms select, in declaration order."""
        return [SelectChoice(m.value, m.label) for m in cls]


def options(pairs, blank=None):
    """WTForms select options from (value, label) pairs, with an optional empty first choice."""
    head = [SelectChoice("", blank)] if blank is not None else []
    return head + [SelectChoice(value, label) for value, label in pairs]


class Role(LabeledEnum):
    applicant = "applicant"
    # The sandbox office. The stored value keeps its first name: hashed audit rows carry it as actor_role,
    # and changing it would break every chain already written.
    office = "secretariat"
    reviewer = "reviewer"
    authority = "authority"
    committee = "committee"
    chair = "chair"
    auditor = "auditor"
    admin = "admin"

    @classmethod
    def _labels(cls):
        return {
            "applicant": _l("Applicant"), "secretariat": _l("Sandbox office"), "reviewer": _l("Expert reviewer"),
            "authority": _l("Competent authority"), "committee": _l("Committee member"),
            "chair": _l("Committee chair"), "auditor": _l("Auditor"), "admin": _l("Administrator"),
        }


class OrganisationKind(LabeledEnum):
    company = "company"
    university = "university"
    institute = "institute"
    public_body = "public_body"

    @classmethod
    def _labels(cls):
        return {"company": _l("Company"), "university": _l("University"),
                "institute": _l("Research institute"), "public_body": _l("Public body")}


class TechCategory(LabeledEnum):
    autonomous_driving = "autonomous_driving"
    drones = "drones"
    robots = "robots"
    mobility = "mobility"
    energy = "energy"
    data_ai = "data_ai"
    other = "other"

    @classmethod
    def _labels(cls):
        return {"autonomous_driving": _l("Autonomous driving"), "drones": _l("Drones"),
                "robots": _l("Robots"), "mobility": _l("Mobility"), "energy": _l("Energy"),
                "data_ai": _l("Data and AI"), "other": _l("Other")}


class Instrument(LabeledEnum):
    trial_exemption = "trial_exemption"
    quick_confirmation = "quick_confirmation"
    temporary_permit = "temporary_permit"

    @classmethod
    def _labels(cls):
        return {"trial_exemption": _l("Trial exemption"), "quick_confirmation": _l("Quick confirmation"),
                "temporary_permit": _l("Temporary permit")}


class LegalGround(LabeledEnum):
    no_standard = "no_standard"
    unclear_standard = "unclear_standard"
    impossible_under_other_law = "impossible_under_other_law"

    @classmethod
    def _labels(cls):
        return {"no_standard": _l("No applicable standard exists"),
                "unclear_standard": _l("The standard is unclear or unreasonable"),
                "impossible_under_other_law": _l("Impossible under another law")}


class DocumentKind(LabeledEnum):
    business_plan = "business_plan"
    safety_plan = "safety_plan"
    insurance = "insurance"
    site_plan = "site_plan"
    supplement = "supplement"
    other = "other"

    @classmethod
    def _labels(cls):
        return {"business_plan": _l("Business plan"), "safety_plan": _l("Safety plan"),
                "insurance": _l("Insurance certificate"), "site_plan": _l("Site plan"),
                "supplement": _l("Supplement"), "other": _l("Other document")}
