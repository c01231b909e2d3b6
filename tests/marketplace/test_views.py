import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_home_page_explains_the_marketplace_with_uswds(client):
    response = client.get(reverse("marketplace:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "An official website of the United States government" in html
    assert 'class="usa-skipnav"' in html
    assert "uswds/css/uswds.min.css" in html
    assert "Find the right financial-management system" in html


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client):
    response = client.get(reverse("marketplace:healthz"))
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True


@pytest.mark.django_db
def test_unknown_page_gets_the_portal_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.django_db
def test_sign_in_with_a_wrong_password_shows_a_clear_error(client, agency_user):
    response = client.post(
        reverse("marketplace:login"),
        {"username": agency_user.username, "password": "wrong password"},
    )
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
