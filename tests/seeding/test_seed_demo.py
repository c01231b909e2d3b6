import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from marketplace.roles import Role, role_of
from seeding.demo import DEMO_PASSWORD, users


@pytest.mark.django_db
def test_seed_demo_creates_one_user_per_role_and_is_idempotent(capsys, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    accounts = {user.username: user for user in get_user_model().objects.all()}
    assert {
        role_of(accounts[name]) for name in ("agency", "provider", "broker", "admin")
    } == {
        Role.AGENCY,
        Role.PROVIDER,
        Role.BROKER,
        Role.ADMIN,
    }
    assert role_of(accounts["agency2"]) == Role.AGENCY
    assert all(user.check_password(DEMO_PASSWORD) for user in accounts.values())
    assert len(accounts) == 5


@pytest.mark.django_db
def test_seed_demo_prints_a_short_summary_and_the_users_only(capsys, settings):
    """make run shows this: no step names, no e-mail, no log lines."""
    settings.DEBUG = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    call_command("seed_demo")
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0] == "Demo data is ready (all of it invented)."
    assert "published offerings" in lines[1] and "agency needs" in lines[1]
    assert lines[2] == "Sign in at http://127.0.0.1:8000/account/sign-in/ as:"
    assert len(lines) == 3 + 5
    assert all(f"password {DEMO_PASSWORD}" in line for line in lines[3:])
    assert captured.err == ""
    assert "Subject:" not in captured.out


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
def test_an_existing_user_keeps_its_password(settings, capsys):
    settings.DEBUG = True
    own = "an-operator-chose-this-one"  # noqa: S105  # nosec B105
    admin = get_user_model().objects.create_user(username="admin", password=own)
    call_command("seed_demo")
    admin.refresh_from_db()
    assert admin.check_password(own)
    assert not admin.check_password(DEMO_PASSWORD)
    users.seed_users()
    admin.refresh_from_db()
    assert admin.check_password(own)
