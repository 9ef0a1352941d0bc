"""Fixtures for the reliability suite: each test gets its own real sealkeeperd (temporary socket and state)."""
import pytest

import harness


@pytest.fixture
def daemon():
    d = harness.Daemon("rel")
    try:
        yield d.start()
    finally:
        d.cleanup()


@pytest.fixture
def register(daemon):
    """A daemon with staff, the example catalogue, one active seal and a delegation."""
    seal = harness.setup_register(daemon)[0]
    return daemon, seal
