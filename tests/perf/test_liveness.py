"""The liveness probe answers without touching the database: it is what a process
supervisor restarts on, and the floor that ``make bench`` measures pages against."""

from django.urls import reverse


def test_liveness_answers_ok_without_a_query(client):
    # No django_db mark: any query the request made would raise here.
    response = client.get(reverse("marketplace:live"))
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"]


def test_liveness_refuses_writes(client):
    assert client.post(reverse("marketplace:live")).status_code == 405
