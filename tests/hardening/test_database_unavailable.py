"""A database that fails during a request gives a 503 with Retry-After, not a 500.

The failure is injected at the driver boundary (every new cursor raises the driver's
``OperationalError``), which is what a dropped connection or a database restart looks
like to Django. The PostgreSQL test in ``test_failures.py`` cuts a real connection.
"""

from unittest import mock

import pytest
from django.db import OperationalError, connection


@pytest.fixture
def database_down():
    def fail(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    with mock.patch.object(connection, "cursor", side_effect=fail):
        yield


@pytest.mark.django_db
def test_a_page_answers_503_with_a_plain_message(client, database_down):
    client.raise_request_exception = False
    response = client.get("/catalog/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Nothing from this request was saved" in response.text
    assert "Traceback" not in response.text


@pytest.mark.django_db
def test_the_api_answers_503_in_its_error_format(client, database_down):
    client.raise_request_exception = False
    response = client.get("/api/v1/offerings/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    error = response.json()["error"]
    assert error["status"] == 503
    assert error["code"] == "database_unavailable"


@pytest.mark.django_db
def test_other_errors_still_answer_500(client):
    client.raise_request_exception = False
    with mock.patch.object(connection, "cursor", side_effect=RuntimeError("boom")):
        response = client.get("/catalog/")
    assert response.status_code == 500
