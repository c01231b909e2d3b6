import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from marketplace.demo import DEMO_PASSWORD, seed_users
from marketplace.roles import Role, role_of


@pytest.mark.django_db
def test_seed_demo_creates_one_user_per_role_and_is_idempotent(capsys, settings):
    settings.DEBUG = True
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


@pytest.mark.django_db
def test_seed_demo_refuses_a_production_configuration(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--allow-production"):
        call_command("seed_demo")
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_seed_demo_runs_on_production_only_when_told_to(settings, capsys):
    settings.DEBUG = False
    call_command("seed_demo", allow_production=True)
    assert get_user_model().objects.filter(username="admin").exists()


@pytest.mark.django_db
def test_an_existing_user_keeps_its_password(settings):
    settings.DEBUG = True
    own = "an-operator-chose-this-one"  # noqa: S105  # nosec B105
    admin = get_user_model().objects.create_user(username="admin", password=own)
    call_command("seed_demo")
    admin.refresh_from_db()
    assert admin.check_password(own)
    assert not admin.check_password(DEMO_PASSWORD)
    seed_users()
    admin.refresh_from_db()
    assert admin.check_password(own)
