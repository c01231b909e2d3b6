"""WhiteNoise's file index is built once per process, not once per test client."""

from django.test import Client, override_settings

from marketplace.staticfiles import WhiteNoiseMiddleware


def a_static_root(path, files: int = 30):
    for number in range(files):
        (path / "icons").mkdir(exist_ok=True)
        (path / "icons" / f"icon-{number}.svg").write_text("<svg/>")
    return path


def test_a_new_middleware_reuses_the_index_instead_of_walking_static_root(tmp_path):
    root = a_static_root(tmp_path)
    with override_settings(STATIC_ROOT=str(root), WHITENOISE_AUTOREFRESH=False):
        first = WhiteNoiseMiddleware(lambda request: None)
        assert "/static/icons/icon-0.svg" in first.files
        (root / "icons" / "late.svg").write_text("<svg/>")
        second = WhiteNoiseMiddleware(lambda request: None)
        # Not walked again: a file added since is unknown to the second middleware.
        assert "/static/icons/late.svg" not in second.files
        assert second.files.keys() == first.files.keys()
        # Each middleware has its own dictionary; the shared index is not changed.
        second.files["/static/extra"] = None
        assert "/static/extra" not in WhiteNoiseMiddleware(lambda r: None).files


def test_what_shapes_a_response_gets_its_own_index(tmp_path):
    root = a_static_root(tmp_path)
    with override_settings(STATIC_ROOT=str(root), WHITENOISE_AUTOREFRESH=False):
        short = WhiteNoiseMiddleware(lambda request: None)
        with override_settings(WHITENOISE_MAX_AGE=12345):
            (root / "icons" / "late.svg").write_text("<svg/>")
            longer = WhiteNoiseMiddleware(lambda request: None)
    assert "/static/icons/late.svg" in longer.files
    assert "/static/icons/late.svg" not in short.files


def test_test_clients_serve_static_root_files_with_production_headers(tmp_path, db):
    root = a_static_root(tmp_path, files=3)
    with override_settings(
        STATIC_ROOT=str(root), WHITENOISE_AUTOREFRESH=False, WHITENOISE_MAX_AGE=60
    ):
        for _ in range(3):
            response = Client().get("/static/icons/icon-1.svg")
            assert response.status_code == 200
            assert response["Cache-Control"] == "max-age=60, public"
            assert b"".join(response.streaming_content) == b"<svg/>"


def test_autorefresh_still_finds_files_added_later(tmp_path):
    root = a_static_root(tmp_path, files=1)
    with override_settings(STATIC_ROOT=str(root), WHITENOISE_AUTOREFRESH=True):
        middleware = WhiteNoiseMiddleware(lambda request: None)
        (root / "icons" / "late.svg").write_text("<svg/>")
        assert middleware.find_file("/static/icons/late.svg") is not None


def _headers(static_file, **request) -> list:
    response = static_file.get_response("GET", request)
    if response.file is not None:
        response.file.close()
    return sorted(response.headers)


def test_a_file_is_served_as_whitenoise_serves_it_made_on_its_first_request(
    tmp_path,
):
    # The index holds paths; a URL's response is made when it is first asked for,
    # with the headers WhiteNoise's own index gives it (compressed copies too).
    from whitenoise.middleware import WhiteNoiseMiddleware as Upstream

    root = a_static_root(tmp_path, files=3)
    (root / "site.css").write_text("body {}")
    (root / "site.css.gz").write_bytes(b"gzipped")
    (root / "site.css.br").write_bytes(b"brotli")
    with override_settings(STATIC_ROOT=str(root), WHITENOISE_AUTOREFRESH=False):
        ours = WhiteNoiseMiddleware(lambda request: None)
        upstream = Upstream(lambda request: None)
        assert ours.files.keys() == upstream.files.keys()
        assert "/static/site.css.gz" not in ours.files
        for url, expected in upstream.files.items():
            assert isinstance(dict.get(ours.files, url), str)  # not made yet
            made = ours.files.get(url)
            assert ours.files.get(url) is made  # made once, then kept
            for request in ({}, {"HTTP_ACCEPT_ENCODING": "gzip, br"}):
                assert _headers(made, **request) == _headers(expected, **request)
        assert ours.files.get("/static/missing.svg") is None
