"""A `next` the login, the language switch and the review buttons return to is a path on this site:
anything a browser would read as another host sends the person to the default page instead."""
import pytest

from .conftest import PASSWORD


@pytest.mark.parametrize("target", ["//evil.example/x", "/\\evil.example/x", "https://evil.example/", "evil"])
def test_login_never_returns_to_another_host(client, make_user, target):
    user = make_user("applicant")
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert "evil" not in response.headers["Location"]


def test_login_returns_to_a_page_of_this_site(client, make_user):
    user = make_user("applicant")
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD, "next": "/notices/"})
    assert response.headers["Location"].endswith("/notices/")


def test_the_language_switch_keeps_to_this_site(client):
    response = client.post("/auth/language/en", data={"next": "/\\evil.example"})
    assert "evil" not in response.headers["Location"]
