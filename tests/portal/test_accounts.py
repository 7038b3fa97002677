"""Public accounts (django-allauth): sign-up, sign-in, sign-out, the account page, the header."""

import re
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-and-unusual-secret"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # allauth counts attempts in the cache; a test must not inherit another test's count.
    cache.clear()
    yield
    cache.clear()


def _csrf_token(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())[1]


def test_sign_up_creates_an_account_signs_in_and_sends_a_confirmation():
    client = Client(enforce_csrf_checks=True)
    form = client.get("/accounts/signup/")
    assert form.status_code == 200

    response = client.post(
        "/accounts/signup/",
        {
            "csrfmiddlewaretoken": _csrf_token(form),
            "username": "renate",
            "email": "renate@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    assert response.status_code == 302
    user = get_user_model().objects.get(username="renate")
    assert not user.is_staff and not user.publisher_memberships.exists()
    assert EmailAddress.objects.get(user=user).verified is False
    assert [m.to for m in mail.outbox] == [["renate@example.org"]]
    # Verification is optional by default: the new account is signed in at once.
    assert client.get("/account/").status_code == 200


def test_sign_up_without_csrf_token_is_refused():
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/signup/")

    response = client.post(
        "/accounts/signup/",
        {"username": "x", "email": "x@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == 403
    assert not get_user_model().objects.filter(username="x").exists()


def test_sign_up_errors_are_shown_next_to_the_fields(client):
    UserFactory(username="taken", email="taken@example.org")

    response = client.post(
        "/accounts/signup/",
        {"username": "taken", "email": "not-an-address", "password1": "1", "password2": "2"},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_email_error"' in html
    assert get_user_model().objects.filter(username="taken").count() == 1


def test_sign_in_by_username_or_email_and_sign_out_by_post(client):
    UserFactory(username="renate", email="renate@example.org", password=PASSWORD)

    response = client.post("/accounts/login/", {"login": "renate", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/account/").status_code == 200

    # Signing out is a POST: a GET only asks for confirmation.
    assert client.get("/accounts/logout/").status_code == 200
    assert client.get("/account/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/account/").status_code == 302

    response = client.post(
        "/accounts/login/?next=/datasets/", {"login": "renate@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/datasets/"


def test_a_wrong_password_is_an_error_on_the_form(client):
    UserFactory(username="renate", password=PASSWORD)

    response = client.post("/accounts/login/", {"login": "renate", "password": "wrong"})

    assert response.status_code == 200
    assert 'class="error-summary" role="alert"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_repeated_failed_logins_are_rate_limited_with_a_clear_message(client):
    UserFactory(username="renate", password=PASSWORD)

    for _ in range(5):
        client.post("/accounts/login/", {"login": "renate", "password": "wrong"})
    response = client.post("/accounts/login/", {"login": "renate", "password": PASSWORD})

    # Even the right password is refused until the limit expires.
    assert response.status_code in (200, 429)
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_repeated_sign_ups_from_one_address_get_a_429_page(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "2/m/ip"}

    statuses = [
        client.post("/accounts/signup/", {"username": f"u{n}"}).status_code for n in range(3)
    ]

    assert statuses == [200, 200, 429]
    response = client.post("/accounts/signup/", {"username": "u4"})
    assert "Too many attempts" in response.content.decode()
    assert 'class="site-header"' in response.content.decode()


def test_login_page_in_dutch(client):
    response = client.get("/accounts/login/", headers={"accept-language": "nl"})

    html = response.content.decode()
    assert '<html lang="nl">' in html
    assert re.search(r"<h1>\s*Aanmelden\s*</h1>", html)
    assert "Gebruikersnaam of e-mail" in html  # the login field's label
    assert 'class="site-header"' in html  # the portal's layout, not allauth's bare page


def test_account_page_requires_sign_in(client, carol):
    response = client.get("/account/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/account/")

    client.force_login(carol)
    response = client.get("/account/")
    assert response.status_code == 200
    html = response.content.decode()
    for url in ("/accounts/email/", "/accounts/password/change/", "/account/tokens/"):
        assert f'href="{url}"' in html
    assert "/admin/" not in html  # neither in the account page nor in the header or footer


def test_account_page_lists_an_editors_publisher_and_the_admin(client, alice):
    alice.is_staff = True
    alice.save()
    client.force_login(alice)

    html = client.get("/account/").content.decode()

    assert "/publishers/gemeente-utrecht/" in html
    assert 'href="/admin/"' in html


def test_header_for_anonymous_visitors(client):
    html = client.get("/datasets/").content.decode()

    assert 'href="/accounts/login/?next=/datasets/"' in html
    assert 'href="/accounts/signup/?next=/datasets/"' in html
    assert 'class="account-menu"' not in html


def test_header_for_signed_in_users(client, carol, manager):
    client.force_login(carol)
    html = client.get("/datasets/").content.decode()

    assert 'href="/accounts/login/' not in html
    menu = html[html.index('class="account-menu"') : html.index("</details>")]
    assert "carol" in menu
    assert 'href="/account/"' in menu and 'href="/account/tokens/"' in menu
    assert 'action="/accounts/logout/"' in menu and "csrfmiddlewaretoken" in menu
    assert 'href="/admin/"' not in menu

    client.force_login(manager)
    html = client.get("/datasets/").content.decode()
    menu = html[html.index('class="account-menu"') : html.index("</details>")]
    assert 'href="/admin/"' in menu


def test_staff_still_sign_in_through_the_admin_and_the_public_page(client, manager):
    manager.set_password(PASSWORD)
    manager.save()

    response = client.post(
        "/admin/login/?next=/admin/", {"username": "manager", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200

    client.logout()
    response = client.post("/accounts/login/", {"login": "manager", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_mandatory_verification_keeps_an_unconfirmed_account_out(client, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"

    client.post(
        "/accounts/signup/",
        {
            "username": "renate",
            "email": "renate@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    assert "_auth_user_id" not in client.session
    key = re.search(r"/accounts/confirm-email/([^/\s]+)/", mail.outbox[0].body)[1]
    client.post(f"/accounts/confirm-email/{key}/")
    assert EmailAddress.objects.get(email="renate@example.org").verified


def test_password_reset_sends_a_link(client):
    UserFactory(username="renate", email="renate@example.org", password=PASSWORD)

    response = client.post("/accounts/password/reset/", {"email": "renate@example.org"})

    assert response.status_code == 302
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_demo_re_user_can_sign_in(client):
    output = StringIO()
    call_command("load_demo", stdout=output)

    assert "username hergebruiker, password datakring-demo" in output.getvalue()

    user = get_user_model().objects.get(username="hergebruiker")
    assert not user.is_staff and not user.publisher_memberships.exists()
    assert EmailAddress.objects.get(user=user, primary=True).verified
    response = client.post(
        "/accounts/login/", {"login": "hergebruiker", "password": "datakring-demo"}
    )
    assert response.status_code == 302
