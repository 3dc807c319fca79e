"""Typed failures that views turn into clear messages and status codes."""


class SandboxError(Exception):
    status = 400
    # {form field name: [messages]} when the refusal concerns particular fields (None: the whole request);
    # viewhelpers.refusals(form=...) shows them beside those fields.
    field_errors = None

    def __init__(self, message="", reasons=None):
        super().__init__(message)
        self.message = message
        self.reasons = list(reasons or [])


class PermissionDenied(SandboxError):
    status = 403


class InvalidTransition(SandboxError):
    """The trigger does not apply to the file's current state: it moved on."""
    status = 409


class StaleObject(SandboxError):
    """Someone else changed the file after the page was loaded."""
    status = 409


class GuardFailed(SandboxError):
    """A rule of the workflow does not hold; `reasons` names each missing item."""
    status = 422


class ValidationFailed(SandboxError):
    status = 422
