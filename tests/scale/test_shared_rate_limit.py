"""Several app servers share one login throttle through Redis (RATELIMIT_STORAGE_URI); with the default
in-process storage each server counts on its own. Two real gunicorn servers on one database, the same
wrong password sent to both: Redis's count reaches the limit across them, the in-process count does not.

Needs a Redis server on 127.0.0.1:6379 (skipped with the reason when there is none)."""
import socket
import uuid

import pytest

from bench.common import Client, Server, app_env, flask

REDIS = ("127.0.0.1", 6379)


def _redis_answers():
    try:
        with socket.create_connection(REDIS, timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not _redis_answers(), reason="no Redis server on 127.0.0.1:6379")


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    root = tmp_path_factory.mktemp("shared-limit")
    env = app_env(f"sqlite:///{root / 'app.sqlite'}", root / "uploads")
    flask(env, "db", "upgrade", timeout=300)
    flask(env, "demo-data", timeout=300)
    return env, root


def wrong_password(server):
    client = Client(server.url)
    token = client.csrf("/auth/login")
    status, _, _ = client.request("/auth/login", {"csrf_token": token, "email": "applicant@demo.kr",
                                                  "password": "not the password"})
    return status


def attempts_on_two_servers(env, root, storage):
    # A key prefix of its own, so this run's counts start at zero whatever Redis holds already.
    env = {**env, "RATELIMIT_ENABLED": "1", "RATELIMIT_STORAGE_URI": storage,
           "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    first = Server(env, workers=1, log_path=root / f"first-{uuid.uuid4().hex}.log")
    second = Server(env, workers=1, log_path=root / f"second-{uuid.uuid4().hex}.log")
    try:
        return [wrong_password(first) for _ in range(3)] + [wrong_password(second) for _ in range(3)]
    finally:
        first.stop()
        second.stop()


def test_servers_sharing_redis_throttle_the_sixth_wrong_password_wherever_it_arrives(database):
    env, root = database
    statuses = attempts_on_two_servers(env, root, "redis://127.0.0.1:6379/15")
    assert statuses[:5] == [200] * 5 and statuses[5] == 429


def test_in_process_counts_let_each_server_allow_five(database):
    env, root = database
    assert attempts_on_two_servers(env, root, "memory://") == [200] * 6
