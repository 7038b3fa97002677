import hashlib
import re

import pytest
from django.core.cache import cache

from catalog.models import ApiToken
from tests.factories import DatasetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()


def _create(client, name="nightly upload") -> str:
    response = client.post("/account/tokens/new/", {"name": name})
    assert response.status_code == 200
    return re.search(r'id="token-key"[^>]*value="([^"]+)"', response.content.decode()).group(1)


def test_token_pages_need_a_login(client):
    response = client.get("/account/tokens/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_token_is_shown_once_and_stored_hashed(client, alice):
    client.force_login(alice)

    key = _create(client)

    token = ApiToken.objects.get(user=alice)
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert token.prefix == key[:11] and key.startswith("dk_")
    listing = client.get("/account/tokens/").content.decode()
    assert "nightly upload" in listing and key[:11] in listing
    assert key not in listing


def test_token_creation_page_is_not_cached(client, alice):
    client.force_login(alice)

    response = client.post("/account/tokens/new/", {"name": "x"})

    assert response["Cache-Control"] == "no-store"


def test_token_needs_a_name(client, alice):
    client.force_login(alice)

    response = client.post("/account/tokens/new/", {"name": ""})

    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_token_authenticates_rest_requests_and_notes_last_use(client, alice, publisher):
    client.force_login(alice)
    key = _create(client)
    client.logout()
    draft = DatasetFactory(publisher=publisher)

    response = client.get(f"/api/v1/datasets/{draft.slug}/", HTTP_AUTHORIZATION=f"Token {key}")

    assert response.status_code == 200
    assert ApiToken.objects.get(user=alice).last_used_at is not None


def test_unknown_token_is_401(client):
    response = client.get("/api/v1/datasets/", HTTP_AUTHORIZATION="Token not-a-real-token")

    assert response.status_code == 401


def test_malformed_token_header_is_401(client):
    response = client.get("/api/v1/datasets/", HTTP_AUTHORIZATION="Token a b")

    assert response.status_code == 401


def test_revoked_token_no_longer_works(client, alice):
    client.force_login(alice)
    key = _create(client)
    token = ApiToken.objects.get(user=alice)

    response = client.post(f"/account/tokens/{token.pk}/revoke/")
    client.logout()

    assert response.status_code == 302
    assert not ApiToken.objects.exists()
    denied = client.get("/api/v1/datasets/", HTTP_AUTHORIZATION=f"Token {key}")
    assert denied.status_code == 401


def test_token_of_another_user_cannot_be_revoked(client, alice, bob):
    token, _key = ApiToken.create_for(bob, "bob's")
    client.force_login(alice)

    response = client.post(f"/account/tokens/{token.pk}/revoke/")

    assert response.status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_revoke_needs_post(client, alice):
    token, _key = ApiToken.create_for(alice, "x")
    client.force_login(alice)

    assert client.get(f"/account/tokens/{token.pk}/revoke/").status_code == 405


def test_token_of_an_inactive_user_is_refused(client, alice):
    _token, key = ApiToken.create_for(alice, "x")
    alice.is_active = False
    alice.save()

    response = client.get("/api/v1/datasets/", HTTP_AUTHORIZATION=f"Token {key}")

    assert response.status_code == 401
