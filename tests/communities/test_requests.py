"""Data requests: filing, supporting, discussing, the lifecycle per role, and reminders."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from communities.models import (
    Community,
    DataRequest,
    DataRequestComment,
    DataRequestEvent,
    Follow,
    Membership,
    Notification,
)
from communities.tasks import remind_data_requests
from tests.factories import DatasetFactory, UserFactory

pytestmark = pytest.mark.django_db

Status = DataRequest.Status


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def community():
    return Community.objects.create(slug="mobility", name={"en": "Mobility"})


@pytest.fixture
def dora(community):
    """A manager of `community`."""
    user = UserFactory(username="dora")
    Membership.objects.create(community=community, user=user, role=Membership.Role.MANAGER)
    return user


@pytest.fixture
def erik():
    """Someone signed in with no role anywhere."""
    return UserFactory(username="erik")


def make_request(author, *, community=None, owner=None, status=Status.SUBMITTED, **fields):
    data_request = DataRequest.objects.create(
        author=author,
        title=fields.pop("title", "Parking occupancy per hour"),
        body=fields.pop("body", "Occupancy of **every** car park."),
        community=community,
        owner=owner,
        status=status,
        **fields,
    )
    DataRequestEvent.objects.create(request=data_request, status=status, actor=author)
    return data_request


@pytest.fixture
def data_request(carol, community, publisher, dora):
    return make_request(carol, community=community, owner=publisher)


def _form(**overrides):
    data = {
        "title": "Bicycle counts",
        "body": "Hourly counts of every bicycle counter.",
        "possible_owner": "The municipality",
        "purpose": "A route planner",
        "desired_format": "CSV",
        "desired_period": "2020 to now",
        "website": "",
    }
    data.update(overrides)
    return data


def _change(client, user, data_request, django_capture_on_commit_callbacks, **data):
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/data-requests/{data_request.pk}/status/", data)
    data_request.refresh_from_db()
    return response


# Filing a request --------------------------------------------------------------------------


def test_request_form_needs_sign_in(client):
    response = client.get("/data-requests/new/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_signed_in_user_files_a_request(
    client, carol, community, dora, publisher, django_capture_on_commit_callbacks
):
    client.force_login(carol)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/data-requests/new/",
            _form(owner=publisher.slug, community=community.slug, commercial="on"),
        )

    data_request = DataRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == data_request.get_absolute_url()
    assert data_request.author == carol
    assert data_request.status == Status.SUBMITTED
    assert data_request.owner == publisher
    assert data_request.community == community
    assert data_request.commercial is True
    assert data_request.desired_format == "CSV"
    assert list(data_request.events.values_list("status", flat=True)) == [Status.SUBMITTED]
    # The community's managers hear of it, in the portal and by e-mail.
    assert Notification.objects.filter(user=dora, kind="data_request_new").exists()
    assert "dora@example.org" in [m.to[0] for m in mail.outbox]


def test_request_form_takes_the_community_from_the_address(client, carol, community):
    client.force_login(carol)

    response = client.get("/data-requests/new/?community=mobility")

    assert response.status_code == 200
    assert '<option value="mobility" selected>' in response.content.decode()


def test_unknown_community_in_the_address_is_ignored(client, carol):
    client.force_login(carol)

    assert client.get("/data-requests/new/?community=nope").status_code == 200


def test_honeypot_refuses_a_filled_in_hidden_field(client, carol):
    client.force_login(carol)

    response = client.post("/data-requests/new/", _form(website="http://spam.example"))

    assert response.status_code == 400
    assert not DataRequest.objects.exists()


def test_requests_are_rate_limited_per_user(client, carol, settings):
    settings.COMMUNITY_POSTS_PER_HOUR = 2
    client.force_login(carol)

    codes = [client.post("/data-requests/new/", _form()).status_code for _ in range(3)]

    assert codes == [302, 302, 429]
    assert DataRequest.objects.count() == 2


def test_requests_are_rate_limited_per_address(client, carol, erik, settings):
    settings.COMMUNITY_POSTS_PER_HOUR_PER_ADDRESS = 2
    codes = []
    for user in (carol, erik, carol):
        client.force_login(user)
        codes.append(client.post("/data-requests/new/", _form()).status_code)

    assert codes == [302, 302, 429]


def test_overlong_description_is_refused(client, carol):
    client.force_login(carol)

    response = client.post("/data-requests/new/", _form(body="x" * 10_001))

    assert response.status_code == 400
    assert not DataRequest.objects.exists()


def test_title_is_required(client, carol):
    client.force_login(carol)

    response = client.post("/data-requests/new/", _form(title=""))

    assert response.status_code == 400


# Reading -----------------------------------------------------------------------------------


def test_anyone_reads_a_request_with_sanitised_markdown(client, carol):
    data_request = make_request(carol, body="**bold** <script>alert(1)</script>")

    response = client.get(data_request.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>bold</strong>" in html
    assert "<script>alert(1)" not in html


def test_unknown_request_is_404(client):
    assert client.get("/data-requests/999/").status_code == 404


def test_list_filters_by_status_community_and_owner(client, carol, community, publisher):
    make_request(carol, title="In the community", community=community)
    make_request(carol, title="Of the owner", owner=publisher, status=Status.FORWARDED)
    make_request(carol, title="Elsewhere")

    by_community = client.get("/data-requests/?community=mobility").content.decode()
    by_owner = client.get(f"/data-requests/?owner={publisher.slug}").content.decode()
    by_status = client.get("/data-requests/?status=forwarded").content.decode()

    assert "In the community" in by_community and "Elsewhere" not in by_community
    assert "Of the owner" in by_owner and "In the community" not in by_owner
    assert "Of the owner" in by_status and "Elsewhere" not in by_status


def test_list_survives_garbage_filters(client):
    response = client.get("/data-requests/?status=%00&community=x" + "y" * 500 + "&page=-1")

    assert response.status_code == 200


def test_list_query_count_does_not_grow_with_requests(
    client, carol, community, publisher, django_assert_max_num_queries
):
    for number in range(12):
        data_request = make_request(
            carol, title=f"Request {number}", community=community, owner=publisher
        )
        data_request.supporters.add(UserFactory())

    with django_assert_max_num_queries(8):
        response = client.get("/data-requests/")

    assert response.status_code == 200
    assert "Request 11" in response.content.decode()


# Support and discussion --------------------------------------------------------------------


def test_support_and_unsupport(client, data_request, erik):
    client.force_login(erik)

    client.post(f"/data-requests/{data_request.pk}/support/", {"action": "support"})
    supported = client.get(data_request.get_absolute_url()).content.decode()
    client.post(f"/data-requests/{data_request.pk}/support/", {"action": "unsupport"})

    assert "1 person needs this too" in supported
    assert "Withdraw my support" in supported
    assert not data_request.supporters.exists()


def test_requester_does_not_support_their_own_request(client, data_request, carol):
    client.force_login(carol)

    client.post(f"/data-requests/{data_request.pk}/support/", {"action": "support"})

    assert not data_request.supporters.exists()


def test_support_needs_sign_in_and_post(client, data_request, erik):
    url = f"/data-requests/{data_request.pk}/support/"
    assert client.post(url, {"action": "support"}).status_code == 302
    client.force_login(erik)
    assert client.get(url).status_code == 405
    assert not data_request.supporters.exists()


def test_comment_is_sanitised_and_notifies_the_requester(
    client, data_request, carol, erik, django_capture_on_commit_callbacks
):
    client.force_login(erik)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/data-requests/{data_request.pk}/comment/",
            {"body": "Me too, *urgently* <img src=https://tracker.example/x.gif>"},
        )

    comment = DataRequestComment.objects.get()
    html = client.get(data_request.get_absolute_url()).content.decode()
    assert response.status_code == 302
    assert comment.author == erik
    assert "<em>urgently</em>" in html
    assert 'src="https://tracker.example' not in html
    assert Notification.objects.filter(user=carol, kind="data_request_comment").exists()
    assert "carol@example.org" in [m.to[0] for m in mail.outbox]


def test_empty_or_honeypot_comment_is_refused(client, data_request, erik):
    client.force_login(erik)
    url = f"/data-requests/{data_request.pk}/comment/"

    assert client.post(url, {"body": ""}).status_code == 400
    assert client.post(url, {"body": "hi", "website": "x"}).status_code == 400
    assert not DataRequestComment.objects.exists()


def test_comments_are_rate_limited(client, data_request, erik, settings):
    settings.COMMUNITY_POSTS_PER_HOUR = 1
    client.force_login(erik)
    url = f"/data-requests/{data_request.pk}/comment/"

    codes = [client.post(url, {"body": "again"}).status_code for _ in range(2)]

    assert codes == [302, 429]
    assert DataRequestComment.objects.count() == 1


# The lifecycle, per role -------------------------------------------------------------------

# (from, to, who may) — the roles: requester carol, random erik, community manager dora,
# owner member alice, site manager.
CASES = [
    (Status.SUBMITTED, Status.UNDER_REVIEW, {"dora", "manager"}),
    (Status.SUBMITTED, Status.FORWARDED, {"dora", "manager"}),
    (Status.SUBMITTED, Status.PUBLISHED, set()),
    (Status.UNDER_REVIEW, Status.PLANNED, {"dora", "alice", "manager"}),
    (Status.FORWARDED, Status.PLANNED, {"dora", "alice", "manager"}),
    (Status.FORWARDED, Status.SUBMITTED, set()),
    (Status.PLANNED, Status.PUBLISHED, {"dora", "alice", "manager"}),
    (Status.PLANNED, Status.UNDER_REVIEW, set()),
    (Status.NOT_AVAILABLE, Status.UNDER_REVIEW, {"dora", "manager"}),
    (Status.ALREADY_AVAILABLE, Status.UNDER_REVIEW, {"dora", "manager"}),
    (Status.PUBLISHED, Status.UNDER_REVIEW, set()),
    (Status.PUBLISHED, Status.NOT_AVAILABLE, set()),
]


@pytest.mark.parametrize("who", ["carol", "erik", "dora", "alice", "manager"])
@pytest.mark.parametrize(("before", "after", "allowed"), CASES)
def test_transitions_per_role(
    client,
    request,
    who,
    before,
    after,
    allowed,
    carol,
    erik,
    dora,
    alice,
    manager,
    community,
    publisher,
    django_capture_on_commit_callbacks,
):
    data_request = make_request(carol, community=community, owner=publisher, status=before)
    dataset = DatasetFactory(published=True)
    user = request.getfixturevalue(who)

    response = _change(
        client,
        user,
        data_request,
        django_capture_on_commit_callbacks,
        status=after,
        explanation="Because.",
        dataset=dataset.slug,
        reason=DataRequest.Reason.DOES_NOT_EXIST,
    )

    if who in allowed:
        assert response.status_code == 302
        assert data_request.status == after
        assert data_request.events.last().actor == user
    else:
        assert response.status_code in (400, 403)
        assert data_request.status == before
        assert data_request.events.count() == 1


def test_community_manager_of_another_community_may_not_change(
    client, data_request, erik, django_capture_on_commit_callbacks
):
    elsewhere = Community.objects.create(slug="education", name={"en": "Education"})
    Membership.objects.create(community=elsewhere, user=erik, role=Membership.Role.MANAGER)

    response = _change(
        client, erik, data_request, django_capture_on_commit_callbacks, status="under_review"
    )

    assert response.status_code == 403
    assert data_request.status == Status.SUBMITTED


def test_pending_manager_may_not_change(
    client, data_request, community, erik, django_capture_on_commit_callbacks
):
    Membership.objects.create(
        community=community,
        user=erik,
        role=Membership.Role.MANAGER,
        status=Membership.Status.PENDING,
    )

    response = _change(
        client, erik, data_request, django_capture_on_commit_callbacks, status="under_review"
    )

    assert response.status_code == 403


def test_unknown_status_is_a_form_error(
    client, data_request, dora, django_capture_on_commit_callbacks
):
    response = _change(
        client, dora, data_request, django_capture_on_commit_callbacks, status="bogus"
    )

    assert response.status_code == 400
    assert data_request.status == Status.SUBMITTED


def test_not_available_needs_a_reason(
    client, data_request, dora, django_capture_on_commit_callbacks
):
    response = _change(
        client, dora, data_request, django_capture_on_commit_callbacks, status="not_available"
    )

    assert response.status_code == 400
    assert "Say why the data is not available." in response.content.decode()
    assert data_request.status == Status.SUBMITTED


def test_other_reason_needs_an_explanation(
    client, data_request, dora, django_capture_on_commit_callbacks
):
    refused = _change(
        client,
        dora,
        data_request,
        django_capture_on_commit_callbacks,
        status="not_available",
        reason="other",
    )
    accepted = _change(
        client,
        dora,
        data_request,
        django_capture_on_commit_callbacks,
        status="not_available",
        reason="other",
        explanation="The sensors were removed in 2019.",
    )

    assert refused.status_code == 400
    assert accepted.status_code == 302
    assert data_request.status == Status.NOT_AVAILABLE
    assert data_request.reason == DataRequest.Reason.OTHER
    assert data_request.events.last().explanation == "The sensors were removed in 2019."


@pytest.mark.parametrize("after", [Status.ALREADY_AVAILABLE, Status.PUBLISHED])
def test_linked_dataset_must_exist_and_be_published(
    client, carol, community, dora, after, django_capture_on_commit_callbacks
):
    data_request = make_request(carol, community=community, status=Status.FORWARDED)
    draft = DatasetFactory()
    published = DatasetFactory(published=True)

    def change(**data):
        return _change(
            client, dora, data_request, django_capture_on_commit_callbacks, status=after, **data
        )

    assert change().status_code == 400
    assert change(dataset="no-such-dataset").status_code == 400
    refused = change(dataset=draft.slug)
    assert refused.status_code == 400
    assert "This dataset is not published." in refused.content.decode()
    assert data_request.status == Status.FORWARDED
    assert change(dataset=published.slug).status_code == 302
    assert data_request.status == after
    assert data_request.dataset == published


def test_forwarding_needs_an_owner_and_sets_it(
    client, carol, community, dora, publisher, alice, django_capture_on_commit_callbacks
):
    data_request = make_request(carol, community=community)

    refused = _change(
        client, dora, data_request, django_capture_on_commit_callbacks, status="forwarded"
    )
    accepted = _change(
        client,
        dora,
        data_request,
        django_capture_on_commit_callbacks,
        status="forwarded",
        owner=publisher.slug,
    )
    # Now the owner's members take it from here.
    planned = _change(
        client, alice, data_request, django_capture_on_commit_callbacks, status="planned"
    )

    assert refused.status_code == 400
    assert accepted.status_code == 302
    assert planned.status_code == 302
    assert data_request.owner == publisher
    assert data_request.status == Status.PLANNED


def test_status_change_notifies_requester_supporters_and_followers(
    client, data_request, carol, erik, dora, django_capture_on_commit_callbacks
):
    follower = UserFactory(username="fenna")
    Follow.objects.create(user=follower, data_request=data_request)
    data_request.supporters.add(erik)
    before = data_request.status_changed_at

    response = _change(
        client,
        dora,
        data_request,
        django_capture_on_commit_callbacks,
        status="under_review",
        explanation="We are looking into it.",
    )

    notified = set(
        Notification.objects.filter(kind="data_request_status").values_list(
            "user__username", flat=True
        )
    )
    assert response.status_code == 302
    assert notified == {"carol", "erik", "fenna"}
    assert {m.to[0] for m in mail.outbox} >= {
        "carol@example.org",
        "erik@example.org",
        "fenna@example.org",
    }
    assert "dora@example.org" not in {m.to[0] for m in mail.outbox}
    assert data_request.status_changed_at > before


def test_status_history_is_public_with_explanations(
    client, data_request, dora, django_capture_on_commit_callbacks
):
    _change(
        client,
        dora,
        data_request,
        django_capture_on_commit_callbacks,
        status="under_review",
        explanation="Checking with the <b>traffic</b> department.",
    )
    client.logout()

    html = client.get(data_request.get_absolute_url()).content.decode()

    history = html.split('id="history"')[1]
    assert "Submitted" in history
    assert "Under review" in history
    assert "Checking with the &lt;b&gt;traffic&lt;/b&gt; department." in history
    assert "Change the status" not in html


def test_only_those_who_manage_see_the_status_form(client, data_request, erik, dora):
    client.force_login(erik)
    assert "Change the status" not in client.get(data_request.get_absolute_url()).content.decode()
    client.force_login(dora)
    assert "Change the status" in client.get(data_request.get_absolute_url()).content.decode()


def test_withdrawn_dataset_link_is_not_shown(client, carol):
    dataset = DatasetFactory(published=True, slug="bike-counts")
    data_request = make_request(carol, status=Status.ALREADY_AVAILABLE, dataset=dataset)
    assert "/datasets/bike-counts" in client.get(data_request.get_absolute_url()).content.decode()

    dataset.status = dataset.Status.WITHDRAWN
    dataset.save()

    assert (
        "/datasets/bike-counts" not in client.get(data_request.get_absolute_url()).content.decode()
    )


# Hidden content ----------------------------------------------------------------------------


def test_hidden_request_is_invisible_to_others(client, carol, erik):
    data_request = make_request(carol, title="Secretly hidden", is_hidden=True)

    anonymous = client.get(data_request.get_absolute_url())
    listing = client.get("/data-requests/").content.decode()
    client.force_login(erik)
    other = client.get(data_request.get_absolute_url())
    support = client.post(f"/data-requests/{data_request.pk}/support/", {"action": "support"})
    client.force_login(carol)
    own = client.get(data_request.get_absolute_url())

    assert anonymous.status_code == 404
    assert "Secretly hidden" not in listing
    assert other.status_code == 404
    assert support.status_code == 404
    assert own.status_code == 200
    assert "A moderator hid this request" in own.content.decode()


def test_hidden_comment_is_invisible_to_others(client, data_request, carol, erik):
    DataRequestComment.objects.create(
        request=data_request, author=erik, body="Buy cheap pills", is_hidden=True
    )
    DataRequestComment.objects.create(request=data_request, author=erik, body="Useful remark")

    anonymous = client.get(data_request.get_absolute_url()).content.decode()
    client.force_login(carol)
    requester = client.get(data_request.get_absolute_url()).content.decode()

    assert "Useful remark" in anonymous and "Useful remark" in requester
    assert "Buy cheap pills" not in anonymous
    assert "Buy cheap pills" not in requester


# Reminders ---------------------------------------------------------------------------------


def _age(data_request, days):
    DataRequest.objects.filter(pk=data_request.pk).update(
        status_changed_at=timezone.now() - timedelta(days=days)
    )


def test_untouched_request_reminds_the_managers_once_per_period(
    data_request, dora, settings, django_capture_on_commit_callbacks
):
    settings.DATA_REQUEST_REMINDER_DAYS = 14
    _age(data_request, 15)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind_data_requests")
        call_command("remind_data_requests")

    reminders = Notification.objects.filter(kind="data_request_reminder")
    assert list(reminders.values_list("user__username", flat=True)) == ["dora"]
    assert [m.to[0] for m in mail.outbox].count("dora@example.org") == 1
    data_request.refresh_from_db()
    assert data_request.reminded_at is not None

    # A period later, still untouched: reminded again.
    from communities.requests import send_reminders

    assert send_reminders(timezone.now() + timedelta(days=15)) == 1
    assert reminders.count() == 2


def test_recent_closed_or_hidden_requests_are_not_reminded(carol, community, dora, manager):
    fresh = make_request(carol, community=community)
    closed = make_request(carol, community=community, status=Status.PUBLISHED)
    hidden = make_request(carol, community=community, is_hidden=True)
    _age(closed, 30)
    _age(hidden, 30)

    assert remind_data_requests.delay().get() == 0
    assert not Notification.objects.filter(kind="data_request_reminder").exists()
    assert fresh.pk


def test_request_without_community_reminds_the_site_managers(carol, manager, dora):
    data_request = make_request(carol)
    _age(data_request, 20)

    call_command("remind_data_requests")

    reminded = Notification.objects.filter(kind="data_request_reminder")
    assert list(reminded.values_list("user__username", flat=True)) == ["manager"]


def test_a_status_change_restarts_the_period(
    client, data_request, dora, django_capture_on_commit_callbacks
):
    _age(data_request, 15)
    call_command("remind_data_requests")

    _change(client, dora, data_request, django_capture_on_commit_callbacks, status="under_review")
    call_command("remind_data_requests")

    assert Notification.objects.filter(kind="data_request_reminder").count() == 1


def test_new_accounts_first_request_is_held_when_configured(client, carol, erik, settings):
    settings.COMMUNITY_HOLD_FIRST_POSTS = True
    client.force_login(carol)
    client.post("/data-requests/new/", _form(title="Held request"))
    data_request = DataRequest.objects.get()

    own = client.get(data_request.get_absolute_url())
    client.force_login(erik)
    other = client.get(data_request.get_absolute_url())
    listing = client.get("/data-requests/").content.decode()

    assert data_request.is_held
    assert own.status_code == 200
    assert "waits for a moderator" in own.content.decode()
    assert other.status_code == 404
    assert "Held request" not in listing


def test_community_moderator_sees_hidden_comments(client, data_request, community, erik):
    DataRequestComment.objects.create(
        request=data_request, author=erik, body="Buy cheap pills", is_hidden=True
    )
    moderator = UserFactory(username="mo")
    Membership.objects.create(community=community, user=moderator, role=Membership.Role.MODERATOR)
    client.force_login(moderator)

    html = client.get(data_request.get_absolute_url()).content.decode()

    assert "Buy cheap pills" in html
    assert "Hidden by a moderator" in html


def test_follow_a_request_then_hear_of_comments(
    client, data_request, erik, django_capture_on_commit_callbacks
):
    client.force_login(erik)
    client.post("/follow/", {"which": "data_request", "id": data_request.pk})
    html = client.get(data_request.get_absolute_url()).content.decode()
    other = UserFactory(username="gijs")
    client.force_login(other)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/data-requests/{data_request.pk}/comment/", {"body": "Same here"})

    assert "Unfollow" in html
    assert Notification.objects.filter(user=erik, kind="data_request_comment").exists()
