"""What every permission rule asks first: the person's roles, whether they belong to the applying
organisation, and whether they may see the file at all."""
from ..labels import Role
from ..rules.reviews import has_unconflicted_assignment
from ..states import ApplicationState as S

# Who sees a file once it has left the applicant's hands (assignments narrow this in the Review issue).
READ_ALL_FILES = {Role.office, Role.auditor}


def roles_of(user):
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    return user.role_set


def is_member(user, application):
    return application.organisation_id in user.organisation_ids


def may_view_application(user, application):
    roles = roles_of(user)
    if Role.applicant in roles and is_member(user, application):
        return True
    if application.state == S.draft:
        return False
    if roles & READ_ALL_FILES:
        return True
    return has_unconflicted_assignment(user, application)
