"""Whatever request loses a race to another writer gets the 409 page, with everything it did rolled
back: never a server error, never half a change."""
import pytest
from sqlalchemy import func, select, update

from sandbox.audit.record import record
from sandbox.extensions import db
from sandbox.models import Application, AuditEvent, User
from sandbox.transaction import atomic

from .. import factories


def _duplicate_email():
    """Two people registering one address at once: the unique key decides (an IntegrityError)."""
    taken = db.session.scalar(select(User.email).limit(1))
    with atomic():
        record("test.changed", None)
        db.session.add(User(email=taken, name="Second", password_hash=""))


def _saved_meanwhile():
    """A row changed by someone else between loading and saving (a StaleDataError from the version)."""
    application = db.session.scalar(select(Application).limit(1))
    db.session.execute(update(Application).where(Application.id == application.id)
                       .values(version=Application.version + 1).execution_options(synchronize_session=False))
    with atomic():
        record("test.changed", None)
        application.title = "Lost race"


@pytest.mark.parametrize("lose_a_race", [_duplicate_email, _saved_meanwhile])
def test_a_request_that_loses_a_race_gets_the_409_page_and_saves_nothing(serve, lose_a_race):
    server = serve()
    server.app.add_url_rule("/_test/race", "race", lambda: lose_a_race() or "unreachable", methods=["POST"])
    with server.app.app_context():
        application = factories.ApplicationFactory(title="Before")
        application_id = application.id
        events = db.session.scalar(select(func.count()).select_from(AuditEvent))

    status, _headers, body = server.request("POST", "/_test/race")

    assert status == 409
    assert b"Someone else changed the same thing at the same moment" in body
    with server.app.app_context():
        assert db.session.get(Application, application_id).title == "Before"
        assert db.session.scalar(select(func.count()).select_from(User).where(User.name == "Second")) == 0
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events
