import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """The demo writes evidence PDFs: keep them out of the worktree."""
    settings.MEDIA_ROOT = tmp_path / "media"
