"""Treasury's FY2025 workbooks are read once per test session (the slow part); each
test that wants the release writes it into its own transaction."""

import pytest

from standards.importers import read_path
from standards.services import release_import
from tests.standards.workbooks import SHARED_FY2025


@pytest.fixture(scope="session")
def fy2025_data():
    return read_path(SHARED_FY2025)


@pytest.fixture
def fy2025(db, fy2025_data):
    release, _ = release_import(name="FY2025", data=fy2025_data)
    return release
