"""Notifications: in the portal, e-mail per chosen frequency, the daily digest, one-click
unsubscribe, the unread count in the header, following."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communities import notify
from communities.models import Community, DataRequest, Follow, Notification, Profile, Question
from tests.factories import DatasetFactory, UserFactory

pytestmark = pytest.mark.django_db


def _profile(user, frequency):
    return Profile.objects.create(user=user, email_frequency=frequency)


def _notify(users, django_capture_on_commit_callbacks, message="Someone answered"):
    with django_capture_on_commit_callbacks(execute=True):
        return notify.notify(users, "answer", message, "/questions/1/")


def test_immediate_users_get_an_email_digest_and_off_users_do_not(
    carol, settings, django_capture_on_commit_callbacks
):
    daily = UserFactory(username="daily")
    off = UserFactory(username="off")
    _profile(daily, Profile.Frequency.DAILY)
    _profile(off, Profile.Frequency.OFF)

    assert _notify([carol, daily, off], django_capture_on_commit_callbacks) == 3

    # carol has no profile: immediate, the default.
    assert [m.to for m in mail.outbox] == [["carol@example.org"]]
    assert "Someone answered" in mail.outbox[0].body
    assert settings.SITE_URL + "/questions/1/" in mail.outbox[0].body
    assert Notification.objects.filter(user__in=[carol, daily, off]).count() == 3
    assert Notification.objects.get(user=carol).emailed_at is not None
    assert Notification.objects.get(user=daily).emailed_at is None


def test_the_actor_is_not_notified(carol, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert notify.notify([carol], "answer", "Hi", "/", actor=carol) == 0
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_emails_carry_one_click_unsubscribe_headers_and_link(
    carol, django_capture_on_commit_callbacks
):
    _notify([carol], django_capture_on_commit_callbacks)

    email = mail.outbox[0]
    link = notify.unsubscribe_url(carol)
    assert email.extra_headers["List-Unsubscribe"] == f"<{link}>"
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in email.body
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in email.message().as_string()


def test_daily_digest_sends_each_daily_user_their_news_once(
    carol, django_capture_on_commit_callbacks
):
    daily = UserFactory(username="daily")
    _profile(daily, Profile.Frequency.DAILY)
    _notify([carol, daily], django_capture_on_commit_callbacks, "First news")
    _notify([daily], django_capture_on_commit_callbacks, "Second news")
    mail.outbox.clear()

    call_command("send_notification_digest", stdout=None)

    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == ["daily@example.org"]
    assert "First news" in digest.body and "Second news" in digest.body
    assert notify.unsubscribe_url(daily) in digest.body
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert not Notification.objects.filter(user=daily, emailed_at=None).exists()

    # Idempotent: a second run (retry, or the command after the task) sends nothing.
    call_command("send_notification_digest", stdout=None)
    assert len(mail.outbox) == 1

    # News after the digest comes in the next one, alone.
    _notify([daily], django_capture_on_commit_callbacks, "Third news")
    notify.send_digests()
    assert len(mail.outbox) == 2
    assert "Third news" in mail.outbox[1].body and "First news" not in mail.outbox[1].body


def test_digest_skips_notifications_already_read(django_capture_on_commit_callbacks):
    daily = UserFactory(username="daily")
    _profile(daily, Profile.Frequency.DAILY)
    _notify([daily], django_capture_on_commit_callbacks)
    Notification.objects.update(read_at="2024-01-01T00:00:00Z")

    assert notify.send_digests() == 0
    assert mail.outbox == []


def test_unsubscribe_link_asks_then_switches_email_off(client, carol):
    url = notify.unsubscribe_url(carol).removeprefix("http://127.0.0.1:8000")
    url = url[url.index("/notifications/") :]

    page = client.get(url)
    assert page.status_code == 200
    assert b'method="post"' in page.content
    assert not Profile.objects.filter(user=carol).exists()  # GET changes nothing

    done = client.post(url)
    assert done.status_code == 200
    assert Profile.objects.get(user=carol).email_frequency == Profile.Frequency.OFF


def test_one_click_post_needs_no_csrf_token(carol):
    from django.test import Client

    _profile(carol, Profile.Frequency.DAILY)
    strict = Client(enforce_csrf_checks=True)
    url = notify.unsubscribe_url(carol)
    url = url[url.index("/notifications/") :]

    response = strict.post(url, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert Profile.objects.get(user=carol).email_frequency == Profile.Frequency.OFF


def test_tampered_unsubscribe_token_is_refused(client, carol):
    token = notify.unsubscribe_token(carol)
    other = UserFactory(username="other")
    forged = token.replace(token.split(":")[0], notify.unsubscribe_token(other).split(":")[0])

    for bad in (forged, token[:-2] + "xx", "nonsense"):
        assert client.post(f"/notifications/unsubscribe/{bad}/").status_code == 400
        assert client.get(f"/notifications/unsubscribe/{bad}/").status_code == 400
    assert not Profile.objects.filter(email_frequency=Profile.Frequency.OFF).exists()


def test_unsubscribed_users_get_no_more_email(client, carol, django_capture_on_commit_callbacks):
    url = notify.unsubscribe_url(carol)
    client.post(url[url.index("/notifications/") :])

    _notify([carol], django_capture_on_commit_callbacks)

    assert mail.outbox == []
    assert Notification.objects.filter(user=carol).exists()  # still in the portal


def test_settings_form_changes_the_frequency(client, carol):
    client.force_login(carol)

    assert client.get("/account/notifications/").status_code == 200
    response = client.post("/account/notifications/", {"email_frequency": "daily"})

    assert response.status_code == 302
    assert Profile.objects.get(user=carol).email_frequency == Profile.Frequency.DAILY
    assert client.post("/account/notifications/", {"email_frequency": "x"}).status_code == 400


def test_settings_need_sign_in(client):
    assert client.get("/account/notifications/").status_code == 302
    assert client.get("/notifications/").status_code == 302


def test_unread_count_in_header_and_list_marks_read(
    client, carol, django_capture_on_commit_callbacks
):
    _notify([carol], django_capture_on_commit_callbacks, "An answer to your question")
    _notify([carol], django_capture_on_commit_callbacks, "A comment on your answer")
    client.force_login(carol)

    home = client.get("/datasets/")
    assert '2<span class="visually-hidden"> unread notifications' in home.content.decode()

    listing = client.get("/notifications/")
    assert "An answer to your question" in listing.content.decode()
    assert not Notification.objects.filter(user=carol, read_at=None).exists()
    assert "unread notifications" not in client.get("/datasets/").content.decode()


def test_mark_all_read(client, carol, django_capture_on_commit_callbacks):
    _notify([carol], django_capture_on_commit_callbacks)
    client.force_login(carol)

    assert client.post("/notifications/").status_code == 302

    assert not Notification.objects.filter(user=carol, read_at=None).exists()


def test_notifications_of_others_are_not_listed(client, carol, django_capture_on_commit_callbacks):
    _notify([UserFactory(username="dave")], django_capture_on_commit_callbacks, "For dave only")
    client.force_login(carol)

    assert "For dave only" not in client.get("/notifications/").content.decode()


def _count_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def test_unread_count_costs_one_query_and_none_for_visitors(client, carol):
    # The count query is the only one that mentions the notification table.
    anonymous = _count_queries(client, "/publishers/")
    assert not [sql for sql in anonymous if "communities_notification" in sql]

    client.force_login(carol)
    signed_in = _count_queries(client, "/publishers/")
    counts = [sql for sql in signed_in if "communities_notification" in sql]
    assert len(counts) == 1
    assert "COUNT(" in counts[0].upper()


def test_follow_and_unfollow_a_community_dataset_and_request(client, carol):
    community = Community.objects.create(slug="mobility", name={"en": "Mobility"})
    dataset = DatasetFactory(published=True)
    data_request = DataRequest.objects.create(author=carol, title="Bus stops", body="Please")
    client.force_login(carol)

    for which, target in (
        ("community", community),
        ("dataset", dataset),
        ("data_request", data_request),
    ):
        response = client.post("/follow/", {"which": which, "id": target.pk})
        assert response.status_code == 302
        assert notify.is_following(carol, **{which: target})
        client.post("/follow/", {"which": which, "id": target.pk})  # twice: still one
        assert Follow.objects.filter(user=carol, **{which: target}).count() == 1
        assert list(notify.followers(**{which: target})) == [carol]

    settings_page = client.get("/account/notifications/").content.decode()
    assert "Mobility" in settings_page and "Bus stops" in settings_page

    client.post("/follow/", {"which": "community", "id": community.pk, "action": "unfollow"})
    assert not notify.is_following(carol, community=community)


def test_follow_refuses_unknown_hidden_and_unpublished_things(client, carol):
    draft = DatasetFactory()
    hidden = Question.objects.create(
        author=carol,
        title="Hidden",
        body="x",
        dataset=DatasetFactory(published=True),
        is_hidden=True,
    )
    client.force_login(carol)

    assert client.post("/follow/", {"which": "dataset", "id": draft.pk}).status_code == 404
    assert client.post("/follow/", {"which": "question", "id": hidden.pk}).status_code == 404
    assert client.post("/follow/", {"which": "nonsense", "id": 1}).status_code == 404
    assert client.post("/follow/", {"which": "dataset", "id": "x"}).status_code == 404
    assert client.get("/follow/").status_code == 405
    assert not Follow.objects.exists()


def test_follow_needs_sign_in(client):
    community = Community.objects.create(slug="mobility", name={"en": "Mobility"})

    response = client.post("/follow/", {"which": "community", "id": community.pk})

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Follow.objects.exists()


def test_follow_redirects_only_to_this_site(client, carol):
    community = Community.objects.create(slug="mobility", name={"en": "Mobility"})
    client.force_login(carol)

    response = client.post(
        "/follow/", {"which": "community", "id": community.pk, "next": "https://evil.example/"}
    )

    assert response["Location"] == community.get_absolute_url()


def test_dataset_page_offers_follow_and_unfollow(client, carol):
    from tests.factories import DatasetFactory

    dataset = DatasetFactory(published=True)
    client.force_login(carol)

    page = client.get(dataset.get_absolute_url()).content.decode()
    assert 'name="which" value="dataset"' in page and 'value="follow"' in page

    client.post("/follow/", {"which": "dataset", "id": dataset.pk, "next": "/"})
    page = client.get(dataset.get_absolute_url()).content.decode()
    assert 'value="unfollow"' in page
