"""A file walked through screening, a supplement, expert review, opinions and the committee with the
real services (tests/factories_flow.Trail), leaving behind every kind of confidential trace (names, e-mails,
decline and recusal reasons, committee-only comments, individual votes) that the disclosure rule must keep
from applicants."""
import pytest

from ..factories_flow import Trail


@pytest.fixture
def trail(db):
    return Trail()
