"""Typed conditions (DESIGN §4): as authorities propose them and as the committee attaches them."""
from flask_babel import gettext as _

from ..models.committee import ConditionKind


def parse_parameters(text):
    """'area=Sangam DMC; hours=07-22' -> {'area': 'Sangam DMC', 'hours': '07-22'}."""
    parameters = {}
    for part in (text or "").replace("\n", ";").split(";"):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            raise ValueError(part.strip())
        parameters[key.strip()] = value.strip()
    return parameters


def format_parameters(parameters):
    return "; ".join(f"{k}={v}" for k, v in (parameters or {}).items())


def clean_conditions(conditions):
    """Normalise a list of {kind, parameters, text}; returns (conditions, problems). Blank rows are dropped."""
    cleaned, problems = [], []
    for number, raw in enumerate(conditions or [], start=1):
        kind = (raw.get("kind") or "").strip()
        text = (raw.get("text") or "").strip()
        parameters = raw.get("parameters") or {}
        if not text and not parameters:
            continue
        if isinstance(parameters, str):
            try:
                parameters = parse_parameters(parameters)
            except ValueError as exc:
                problems.append(_("Condition %(n)d: write parameters as key=value, separated by “;” (not “%(part)s”).",
                                  n=number, part=str(exc)))
                continue
        if kind not in ConditionKind.__members__:
            problems.append(_("Condition %(n)d: choose the kind of condition.", n=number))
            continue
        if not text:
            problems.append(_("Condition %(n)d: write the condition in words.", n=number))
            continue
        cleaned.append({"kind": kind, "parameters": parameters, "text": text})
    return cleaned, problems
