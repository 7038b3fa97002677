"""Trust and moderation: reports, the moderators' queue, hiding and restoring, who may
moderate, held first posts, rate limits and the honeypot."""

import pytest
from django.core.cache import cache

from communities import moderation
from communities.models import (
    Answer,
    Comment,
    Community,
    DataRequest,
    DataRequestComment,
    Follow,
    Membership,
    Notification,
    Profile,
    Question,
    Report,
)
from tests.factories import DatasetFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counts():
    # Rate-limit counters live in the (process-wide) cache.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def community():
    return Community.objects.create(slug="mobility", name={"en": "Mobility"})


@pytest.fixture
def dave():
    return UserFactory(username="dave")


@pytest.fixture
def question(community, dave):
    return Question.objects.create(
        author=dave, community=community, title="Where are the bus stops?", body="Question body"
    )


@pytest.fixture
def answer(question):
    author = UserFactory(username="erin")
    return Answer.objects.create(author=author, question=question, body="A rude answer here")


def _member(community, role, username):
    user = UserFactory(username=username)
    Membership.objects.create(community=community, user=user, role=role)
    return user


def _report(client, kind, post, reason="Spam", **extra):
    return client.post(f"/report/{kind}/{post.pk}/", {"reason": reason, **extra}, **_addr(extra))


def _addr(extra):
    return {"REMOTE_ADDR": extra.pop("address")} if "address" in extra else {}


def test_anyone_signed_in_reports_and_moderators_hear_of_it(client, carol, answer, community):
    moderator = _member(community, Membership.Role.MODERATOR, "mo")
    client.force_login(carol)

    assert client.get(f"/report/answer/{answer.pk}/").status_code == 200
    response = _report(client, "answer", answer, "Insults", next="/questions/")

    assert response.status_code == 302
    assert response["Location"] == "/questions/"
    report = Report.objects.get()
    assert (report.post, report.reporter, report.reason) == (answer, carol, "Insults")
    assert Notification.objects.filter(user=moderator, kind="report").exists()
    # Twice by the same person: still one open report.
    _report(client, "answer", answer)
    assert Report.objects.count() == 1


def test_every_kind_of_post_can_be_reported(client, carol, answer, community):
    comment = Comment.objects.create(author=answer.author, answer=answer, body="c")
    data_request = DataRequest.objects.create(author=answer.author, title="Data", body="b")
    request_comment = DataRequestComment.objects.create(
        author=answer.author, request=data_request, body="d"
    )
    client.force_login(carol)

    for kind, post in (
        ("question", answer.question),
        ("answer", answer),
        ("comment", comment),
        ("data_request", data_request),
        ("data_request_comment", request_comment),
    ):
        assert _report(client, kind, post).status_code == 302
    assert Report.objects.count() == 5


def test_reporting_needs_sign_in_a_reason_and_a_visible_post(client, carol, answer):
    response = _report(client, "answer", answer)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    client.force_login(carol)
    assert _report(client, "answer", answer, reason="").status_code == 400
    assert _report(client, "answer", answer, reason="x" * 1001).status_code == 400
    assert _report(client, "nonsense", answer).status_code == 404
    assert client.post("/report/answer/999999/", {"reason": "x"}).status_code == 404
    Answer.objects.filter(pk=answer.pk).update(is_hidden=True)
    assert _report(client, "answer", answer).status_code == 404
    assert not Report.objects.exists()


def test_honeypot_refuses_the_report(client, carol, answer):
    client.force_login(carol)

    response = _report(client, "answer", answer, website="http://spam.example")

    assert response.status_code == 400
    assert not Report.objects.exists()


def test_report_partial_renders_a_form_without_javascript(rf, carol, answer):
    from django.template.loader import render_to_string

    request = rf.get("/questions/1/")
    request.user = carol
    html = render_to_string("communities/_report.html", {"post": answer, "user": carol}, request)

    assert f'action="/report/answer/{answer.pk}/"' in html
    assert 'name="reason"' in html and 'name="website"' in html and "<details" in html


def test_report_hide_makes_post_invisible_then_restore(client, carol, answer, community):
    moderator = _member(community, Membership.Role.MODERATOR, "mo")
    client.force_login(carol)
    _report(client, "answer", answer, "Insults")
    page_url = f"/questions/{answer.question.pk}/"
    assert "A rude answer here" in client.get(page_url).content.decode()

    client.force_login(moderator)
    queue = client.get("/moderation/").content.decode()
    assert "A rude answer here" in queue and "Insults" in queue
    assert client.post(f"/moderation/answer/{answer.pk}/", {"action": "hide"}).status_code == 302

    answer.refresh_from_db()
    assert answer.is_hidden
    report = Report.objects.get()
    assert report.resolved_by == moderator and report.decision == "hidden"
    assert "Insults" not in client.get("/moderation/").content.decode()  # resolved
    client.force_login(carol)
    assert "A rude answer here" not in client.get(page_url).content.decode()
    client.logout()
    assert "A rude answer here" not in client.get(page_url).content.decode()
    assert answer not in Answer.objects.visible()

    client.force_login(moderator)
    client.post(f"/moderation/answer/{answer.pk}/", {"action": "restore"})
    answer.refresh_from_db()
    assert not answer.is_hidden
    client.logout()
    assert "A rude answer here" in client.get(page_url).content.decode()


def test_hidden_question_is_gone_for_others(client, carol, question, manager):
    client.force_login(manager)
    client.post(f"/moderation/question/{question.pk}/", {"action": "hide"})

    client.force_login(carol)
    assert client.get(f"/questions/{question.pk}/").status_code == 404
    client.logout()
    assert client.get(f"/questions/{question.pk}/").status_code == 404


def test_dismiss_keeps_the_post_and_closes_reports(client, carol, answer, manager):
    client.force_login(carol)
    _report(client, "answer", answer)
    client.force_login(manager)

    client.post(f"/moderation/answer/{answer.pk}/", {"action": "dismiss"})

    answer.refresh_from_db()
    assert not answer.is_hidden
    assert Report.objects.get().decision == "kept"


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("manager", True),
        ("profile_moderator", True),
        ("community_moderator", True),
        ("community_manager", True),
        ("community_reuser", False),
        ("other_community_moderator", False),
        ("carol", False),
    ],
)
def test_who_may_moderate(client, who, allowed, answer, community, carol, manager):
    other = Community.objects.create(slug="education", name={"en": "Education"})
    users = {
        "manager": lambda: manager,
        "carol": lambda: carol,
        "community_moderator": lambda: _member(community, Membership.Role.MODERATOR, "m1"),
        "community_manager": lambda: _member(community, Membership.Role.MANAGER, "m2"),
        "community_reuser": lambda: _member(community, Membership.Role.REUSER, "m3"),
        "other_community_moderator": lambda: _member(other, Membership.Role.MODERATOR, "m4"),
    }
    if who == "profile_moderator":
        user = UserFactory(username="pm")
        Profile.objects.create(user=user, is_moderator=True)
    else:
        user = users[who]()
    client.force_login(user)

    response = client.post(f"/moderation/answer/{answer.pk}/", {"action": "hide"})

    answer.refresh_from_db()
    assert answer.is_hidden is allowed
    assert response.status_code == (302 if allowed else 403)
    assert moderation.may_moderate(user, answer) is allowed


def test_queue_access(client, carol, community):
    assert client.get("/moderation/").status_code == 302  # sign in first
    client.force_login(carol)
    assert client.get("/moderation/").status_code == 403
    client.force_login(_member(community, Membership.Role.REUSER, "reuser"))
    assert client.get("/moderation/").status_code == 403
    client.force_login(_member(community, Membership.Role.MODERATOR, "mo"))
    assert client.get("/moderation/").status_code == 200


def test_community_moderators_see_only_their_communities_posts(client, carol, answer, community):
    other = Community.objects.create(slug="education", name={"en": "Education"})
    elsewhere = Question.objects.create(
        author=carol, community=other, title="Schools?", body="Elsewhere body"
    )
    client.force_login(UserFactory(username="reporter"))
    _report(client, "answer", answer)
    _report(client, "question", elsewhere)

    client.force_login(_member(community, Membership.Role.MODERATOR, "mo"))
    queue = client.get("/moderation/").content.decode()

    assert "A rude answer here" in queue
    assert "Elsewhere body" not in queue
    assert (
        client.post(f"/moderation/question/{elsewhere.pk}/", {"action": "hide"}).status_code == 403
    )


def test_dataset_questions_are_moderated_by_communities_including_the_dataset(
    client, carol, publisher
):
    dataset = DatasetFactory(published=True, publisher=publisher)
    community = Community.objects.create(slug="utrecht", name={"en": "Utrecht"})
    community.rule_publishers.add(publisher)
    question = Question.objects.create(author=carol, dataset=dataset, title="Units?", body="b")
    moderator = _member(community, Membership.Role.MODERATOR, "mo")
    client.force_login(UserFactory(username="reporter"))
    _report(client, "question", question)

    client.force_login(moderator)
    assert "Units?" in client.get("/moderation/").content.decode()
    assert moderation.may_moderate(moderator, question)
    outsider = _member(
        Community.objects.create(slug="x", name={"en": "X"}), Membership.Role.MODERATOR, "m2"
    )
    assert not moderation.may_moderate(outsider, question)


def test_moderate_rejects_get_and_unknown_actions(client, manager, answer):
    client.force_login(manager)

    assert client.get(f"/moderation/answer/{answer.pk}/").status_code == 405
    assert client.post(f"/moderation/answer/{answer.pk}/", {"action": "x"}).status_code == 302
    assert client.post("/moderation/nonsense/1/", {"action": "hide"}).status_code == 404
    answer.refresh_from_db()
    assert not answer.is_hidden


# Held first posts --------------------------------------------------------------------------


def test_first_posts_are_not_held_by_default(dave, settings):
    settings.COMMUNITY_HOLD_FIRST_POSTS = False

    assert moderation.should_hold(dave) is False


def test_first_posts_held_until_one_is_released(client, settings, community, manager):
    settings.COMMUNITY_HOLD_FIRST_POSTS = True
    newbie = UserFactory(username="newbie")
    follower = UserFactory(username="follower")
    Follow.objects.create(user=follower, community=community)
    assert moderation.should_hold(newbie)
    client.force_login(newbie)

    client.post(f"/communities/{community.slug}/ask/", {"title": "My first question", "body": "b"})

    question = Question.objects.get(title="My first question")
    assert question.is_held
    assert not Notification.objects.filter(user=follower).exists()  # not before release
    client.logout()
    assert client.get(f"/questions/{question.pk}/").status_code == 404

    client.force_login(manager)
    queue = client.get("/moderation/").content.decode()
    assert "My first question" in queue
    client.post(f"/moderation/question/{question.pk}/", {"action": "release"})

    question.refresh_from_db()
    assert not question.is_held
    assert Notification.objects.filter(user=newbie, kind="post_released").exists()
    assert Notification.objects.filter(user=follower, kind="question").exists()
    client.logout()
    assert client.get(f"/questions/{question.pk}/").status_code == 200
    assert not moderation.should_hold(newbie)


def test_trusted_people_are_never_held(settings, community, alice, manager):
    settings.COMMUNITY_HOLD_FIRST_POSTS = True
    expert = UserFactory(username="expert")
    Profile.objects.create(user=expert, is_expert=True)

    assert not moderation.should_hold(manager)
    assert not moderation.should_hold(alice)  # a publisher's editor
    assert not moderation.should_hold(expert)
    assert not moderation.should_hold(_member(community, Membership.Role.MODERATOR, "mo"))
    assert moderation.should_hold(_member(community, Membership.Role.REUSER, "reuser"))


def test_hidden_post_does_not_count_as_released(settings, question, dave):
    settings.COMMUNITY_HOLD_FIRST_POSTS = True
    assert not moderation.should_hold(dave)  # dave's question is visible

    Question.objects.filter(pk=question.pk).update(is_hidden=True)

    assert moderation.should_hold(dave)


# Rate limits -------------------------------------------------------------------------------


def _questions(community, author, n):
    return [
        Question.objects.create(author=author, community=community, title=f"Q{i}", body="b")
        for i in range(n)
    ]


def test_rate_limit_per_user(client, settings, community, dave, carol):
    settings.COMMUNITY_POSTS_PER_HOUR = 2
    posts = _questions(community, dave, 4)
    client.force_login(carol)

    statuses = [
        _report(client, "question", post, address=f"10.0.0.{i}").status_code
        for i, post in enumerate(posts)
    ]

    assert statuses[:2] == [302, 302]
    assert statuses[2] == 429  # other addresses do not help
    assert Report.objects.count() == 2


def test_rate_limit_per_address(client, settings, community, dave):
    settings.COMMUNITY_POSTS_PER_HOUR = 100
    settings.COMMUNITY_POSTS_PER_HOUR_PER_ADDRESS = 2
    posts = _questions(community, dave, 4)

    statuses = []
    for i, post in enumerate(posts[:3]):
        client.force_login(UserFactory(username=f"fresh{i}"))  # fresh accounts, one machine
        statuses.append(_report(client, "question", post, address="192.0.2.7").status_code)
    assert statuses == [302, 302, 429]

    # Someone elsewhere is not affected.
    assert _report(client, "question", posts[3], address="192.0.2.8").status_code == 302
    assert Report.objects.count() == 3


def test_hidden_posts_are_gone_from_every_surface(client, carol, community, manager):
    dataset = DatasetFactory(published=True)
    community.datasets.add(dataset)
    hidden_question = Question.objects.create(
        author=carol, community=community, title="Hidden question title", body="b"
    )
    shown = Question.objects.create(
        author=carol, dataset=dataset, title="Shown question title", body="b"
    )
    Answer.objects.create(author=carol, question=shown, body="Hidden answer text")
    hidden_request = DataRequest.objects.create(
        author=carol, community=community, title="Hidden request title", body="b"
    )
    client.force_login(manager)
    for kind, pk in (("question", hidden_question.pk), ("data_request", hidden_request.pk)):
        client.post(f"/moderation/{kind}/{pk}/", {"action": "hide"})
    client.post(f"/moderation/answer/{Answer.objects.get().pk}/", {"action": "hide"})
    client.force_login(UserFactory(username="someone"))

    for url in (
        f"/communities/{community.slug}/",
        f"/communities/{community.slug}/questions/",
        f"/datasets/{dataset.slug}/",
        f"/datasets/{dataset.slug}/questions/",
        f"/questions/{shown.pk}/",
        "/data-requests/",
        f"/people/{carol.username}/",
        "/api/v1/questions/",
        f"/api/v1/questions/{shown.pk}/",
        "/api/v1/data-requests/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        for text in ("Hidden question title", "Hidden answer text", "Hidden request title"):
            assert text not in content, (url, text)
    assert client.get(f"/data-requests/{hidden_request.pk}/").status_code == 404
    assert client.get(f"/api/v1/questions/{hidden_question.pk}/").status_code == 404


def test_question_page_offers_report_on_others_posts_only(client, carol, answer):
    question = answer.question
    client.force_login(carol)

    html = client.get(question.get_absolute_url()).content.decode()

    # carol wrote neither the question nor the answer: both can be reported.
    assert html.count('class="report"') >= 2
    client.force_login(answer.author)
    own = client.get(question.get_absolute_url()).content.decode()
    assert own.count('class="report"') == html.count('class="report"') - 1
