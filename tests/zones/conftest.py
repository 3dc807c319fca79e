"""Helpers for the zone tests: zones with known boundaries and files in any state."""
import pytest

from sandbox.labels import Role

from ..conftest import login


def box(west, south, east, north):
    return {"type": "Polygon", "coordinates": [[[west, south], [east, south], [east, north], [west, north],
                                                [west, south]]]}


@pytest.fixture
def office(client, make_user):
    user = make_user(Role.office)
    client.set_cookie("lang", "en")  # the assertions read the English messages
    login(client, user)
    return user
