"""Named fixtures: a cast of users around one publisher, and test-only settings."""

import pytest

from catalog import facetindex
from catalog.models import PublisherMembership
from portal.celery import app as celery_app
from tests.factories import MembershipFactory, PublisherFactory, UserFactory


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.OUTBOUND_ALLOW_PRIVATE = True
    # Deterministic tests even when the developer's shell exports REDIS_URL; the
    # worker integration tests (marked `worker`) switch this off themselves.
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    # The in-memory search bitmaps outlive a test's rolled-back rows: start afresh.
    facetindex.reset()


@pytest.fixture
def publisher():
    return PublisherFactory(slug="gemeente-utrecht", name={"en": "Utrecht", "nl": "Utrecht"})


@pytest.fixture
def other_publisher():
    return PublisherFactory(slug="rijkswaterstaat", name={"en": "Rijkswaterstaat"})


@pytest.fixture
def alice(publisher):
    """An editor of `publisher`."""
    return MembershipFactory(
        publisher=publisher, user__username="alice", role=PublisherMembership.Role.EDITOR
    ).user


@pytest.fixture
def anna(publisher):
    """An administrator of `publisher`: manages its members."""
    return MembershipFactory(
        publisher=publisher, user__username="anna", role=PublisherMembership.Role.ADMIN
    ).user


@pytest.fixture
def bob(other_publisher):
    """An editor of `other_publisher`."""
    return MembershipFactory(publisher=other_publisher, user__username="bob").user


@pytest.fixture
def carol():
    """A signed-up visitor who belongs to no publisher."""
    return UserFactory(username="carol")


@pytest.fixture
def manager():
    """A site manager: sees and changes everything."""
    return UserFactory(username="manager", is_staff=True, is_superuser=True)
