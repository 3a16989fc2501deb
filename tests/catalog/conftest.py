"""The catalog over HTTP with its real storage code (mongomock) and a recording publisher."""

import pytest

from services.catalog.app import create_app
from tests.catalog.test_api import Recorder
from tests.support import running


@pytest.fixture
def published() -> Recorder:
    return Recorder()


@pytest.fixture
async def client(settings, published):
    async with running(create_app(settings, publish=published)) as client:
        yield client
