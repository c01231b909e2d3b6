import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from marketplace.demo import DEMO_PASSWORD
from marketplace.roles import Role, role_of


@pytest.mark.django_db
def test_seed_demo_creates_one_user_per_role_and_is_idempotent(capsys):
    call_command("seed_demo")
    call_command("seed_demo")
    users = {user.username: user for user in get_user_model().objects.all()}
    assert {
        role_of(users[name]) for name in ("agency", "provider", "broker", "admin")
    } == {
        Role.AGENCY,
        Role.PROVIDER,
        Role.BROKER,
        Role.ADMIN,
    }
    assert all(user.check_password(DEMO_PASSWORD) for user in users.values())
    assert len(users) == 4
    assert f"password {DEMO_PASSWORD}" in capsys.readouterr().out
