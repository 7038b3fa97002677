"""Questions, answers and comments: who may do what, labels, notifications and safety."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import resolve

from catalog.models import Dataset
from communities.models import (
    Answer,
    Comment,
    Community,
    Follow,
    Membership,
    Notification,
    Profile,
    Question,
)
from tests.factories import DatasetFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # The rate-limit counters live in the (process-wide) cache.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def dataset(publisher):
    return DatasetFactory(published=True, slug="bike-counts", publisher=publisher)


@pytest.fixture
def community():
    return Community.objects.create(slug="mobility", name={"en": "Mobility"})


@pytest.fixture
def dave():
    """A re-user who asks questions."""
    return UserFactory(username="dave")


def _member(community, user, role, **extra):
    return Membership.objects.create(community=community, user=user, role=role, **extra)


def _question(author, *, dataset=None, community=None, **extra):
    extra.setdefault("title", "Where are the counts of 2023?")
    extra.setdefault("body", "I cannot find them.")
    return Question.objects.create(author=author, dataset=dataset, community=community, **extra)


def _answer(question, author, **extra):
    extra.setdefault("body", "Here.")
    return Answer.objects.create(question=question, author=author, **extra)


def _post(client, user, url, data=None):
    client.force_login(user)
    return client.post(url, data or {})


def _html(response) -> str:
    return response.content.decode()


# Asking ---------------------------------------------------------------------------------------


def test_asking_in_a_community_creates_the_question(client, dave, community):
    client.force_login(dave)

    response = client.post(
        f"/communities/{community.slug}/ask/",
        {"title": "Is there a bus stop list?", "body": "For **2024**.", "tags": "Bus, stops, bus"},
    )

    question = Question.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/questions/{question.pk}/"
    assert (question.author, question.community, question.dataset) == (dave, community, None)
    assert question.tags == ["bus", "stops"]


def test_asking_on_a_dataset_creates_the_question(client, dave, dataset):
    client.force_login(dave)

    response = client.post(f"/datasets/{dataset.slug}/ask/", {"title": "What unit is this?"})

    assert response.status_code == 302
    assert Question.objects.get().dataset == dataset


def test_dataset_ask_route_does_not_collide_with_catalogue_pages(dataset):
    assert resolve(f"/datasets/{dataset.slug}/ask/").view_name == (
        "communities:dataset-question-ask"
    )
    assert resolve(f"/datasets/{dataset.slug}/questions/").view_name == (
        "communities:dataset-questions"
    )
    assert resolve(f"/datasets/{dataset.slug}/").view_name == "catalog:dataset-detail"


def test_visitors_must_sign_in_to_ask(client, community):
    response = client.post(f"/communities/{community.slug}/ask/", {"title": "Anyone here?"})

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not Question.objects.exists()


def test_nobody_asks_on_a_draft_dataset(client, alice, publisher):
    draft = DatasetFactory(status=Dataset.Status.DRAFT, publisher=publisher)
    client.force_login(alice)

    response = client.post(f"/datasets/{draft.slug}/ask/", {"title": "Is this ready yet?"})

    assert response.status_code == 404
    assert not Question.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"title": ""},
        {"title": "x" * 201},
        {"title": "Long one", "body": "x" * 10_001},
        {"title": "Many tags", "tags": "a,b,c,d,e,f"},
        {"title": "Long tag", "tags": "x" * 31},
    ],
)
def test_asking_refuses_what_is_too_long_or_missing(client, dave, community, data):
    client.force_login(dave)

    response = client.post(f"/communities/{community.slug}/ask/", data)

    assert response.status_code == 400
    assert not Question.objects.exists()


def test_the_honeypot_refuses_bots(client, dave, community):
    client.force_login(dave)

    response = client.post(
        f"/communities/{community.slug}/ask/",
        {"title": "Cheap watches here", "website": "https://spam.example"},
    )

    assert response.status_code == 400
    assert not Question.objects.exists()


def test_the_honeypot_is_hidden_on_the_form(client, dave, community):
    client.force_login(dave)

    html = _html(client.get(f"/communities/{community.slug}/ask/"))

    assert re.search(r'<div class="honeypot" hidden[^>]*>.*name="website"', html, re.S)


def test_posting_is_limited_per_user(client, dave, community, settings):
    settings.COMMUNITY_POSTS_PER_HOUR = 2
    client.force_login(dave)
    url = f"/communities/{community.slug}/ask/"

    statuses = [client.post(url, {"title": f"Question {n}"}).status_code for n in range(3)]

    assert statuses == [302, 302, 429]
    assert Question.objects.count() == 2


def test_posting_is_limited_per_address(client, community, dataset, settings):
    settings.COMMUNITY_POSTS_PER_HOUR_PER_ADDRESS = 2
    question = _question(UserFactory(), community=community)
    statuses = []
    for n in range(3):  # three fresh accounts from one address
        client.force_login(UserFactory(username=f"fresh{n}"))
        response = client.post(f"/questions/{question.pk}/answer/", {"body": "Me too."})
        statuses.append(response.status_code)

    assert statuses == [302, 302, 429]
    assert question.answers.count() == 2


def test_a_new_accounts_first_question_is_held_when_the_site_asks(
    client, dave, carol, community, settings
):
    settings.COMMUNITY_HOLD_FIRST_POSTS = True
    client.force_login(dave)

    client.post(f"/communities/{community.slug}/ask/", {"title": "My very first question"})

    question = Question.objects.get()
    assert question.is_held
    assert "waiting for moderation" in _html(client.get(question.get_absolute_url()))
    client.force_login(carol)
    assert client.get(question.get_absolute_url()).status_code == 404


# The question page ----------------------------------------------------------------------------


def test_question_page_shows_body_answers_and_comments(client, dave, carol, dataset):
    question = _question(dave, dataset=dataset, body="Which **unit** is used?")
    answer = _answer(question, carol)
    Comment.objects.create(answer=answer, author=dave, body="Thanks, that helps.")

    response = client.get(question.get_absolute_url())

    html = _html(response)
    assert response.status_code == 200
    assert "<strong>unit</strong>" in html
    assert f'id="answer-{answer.pk}"' in html
    assert "Thanks, that helps." in html


def test_question_on_a_draft_dataset_is_not_shown(client, dave, publisher):
    draft = DatasetFactory(status=Dataset.Status.DRAFT, publisher=publisher)
    question = _question(dave, dataset=draft)

    assert client.get(question.get_absolute_url()).status_code == 404


def test_unknown_question_is_a_404(client):
    assert client.get("/questions/999999/").status_code == 404


def test_accepted_answer_is_shown_first_with_a_label(client, dave, carol, bob, dataset):
    question = _question(dave, dataset=dataset)
    first = _answer(question, carol, body="First answer")
    accepted = _answer(question, bob, body="Accepted answer")
    question.accepted_answer = accepted
    question.save()

    html = _html(client.get(question.get_absolute_url()))

    assert html.index(f'id="answer-{accepted.pk}"') < html.index(f'id="answer-{first.pk}"')
    assert "Accepted answer</span>" in html


def test_answer_labels_show_data_owners_and_experts(
    client, dave, alice, bob, carol, dataset, community
):
    question = _question(dave, dataset=dataset, community=community)
    owner_answer = _answer(question, alice)  # member of the dataset's publisher
    expert_answer = _answer(question, bob)
    Profile.objects.create(user=bob, is_expert=True)
    role_owner = UserFactory(username="olga")
    _member(community, role_owner, Membership.Role.OWNER)
    role_owner_answer = _answer(question, role_owner)
    role_expert = UserFactory(username="erik")
    _member(community, role_expert, Membership.Role.EXPERT)
    role_expert_answer = _answer(question, role_expert)
    plain_answer = _answer(question, carol)

    html = _html(client.get(question.get_absolute_url()))

    def labels(answer):
        block = html.split(f'id="answer-{answer.pk}"')[1].split("</article>")[0]
        return ("Data owner" in block, "Expert</span>" in block)

    assert labels(owner_answer) == (True, False)
    assert labels(expert_answer) == (False, True)
    assert labels(role_owner_answer) == (True, False)
    assert labels(role_expert_answer) == (False, True)
    assert labels(plain_answer) == (False, False)


def test_pending_members_get_no_label(client, dave, dataset, community):
    question = _question(dave, community=community)
    pending = UserFactory(username="pending")
    _member(community, pending, Membership.Role.EXPERT, status=Membership.Status.PENDING)
    answer = _answer(question, pending)

    html = _html(client.get(question.get_absolute_url()))

    block = html.split(f'id="answer-{answer.pk}"')[1].split("</article>")[0]
    assert "Expert</span>" not in block


def test_question_page_query_count_does_not_grow(
    client, dave, dataset, community, django_assert_max_num_queries
):
    def thread(size):
        question = _question(dave, dataset=dataset, community=community)
        for n in range(size):
            author = UserFactory()
            Profile.objects.create(user=author, display_name=f"Person {n}")
            answer = _answer(question, author)
            for _ in range(size):
                Comment.objects.create(answer=answer, author=UserFactory(), body="Noted.")
        return question

    small, large = thread(1), thread(5)
    client.force_login(dave)
    with django_assert_max_num_queries(30) as few:
        client.get(small.get_absolute_url())

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(large.get_absolute_url())

    assert len(re.findall(r"<article class=\"answer[ \"]", _html(response))) == 5


# Answering and commenting ---------------------------------------------------------------------


def test_signed_in_users_answer(client, dave, carol, dataset):
    question = _question(dave, dataset=dataset)

    response = _post(client, carol, f"/questions/{question.pk}/answer/", {"body": "Try 2022."})

    answer = Answer.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#answer-{answer.pk}")
    assert (answer.author, answer.question) == (carol, question)


def test_visitors_cannot_answer(client, dave, dataset):
    question = _question(dave, dataset=dataset)

    response = client.post(f"/questions/{question.pk}/answer/", {"body": "Anonymous"})

    assert response.status_code == 302
    assert not Answer.objects.exists()


def test_answering_needs_post(client, carol, dave, dataset):
    question = _question(dave, dataset=dataset)
    client.force_login(carol)

    assert client.get(f"/questions/{question.pk}/answer/").status_code == 405


def test_closed_questions_refuse_answers_and_say_so(client, dave, carol, dataset):
    question = _question(dave, dataset=dataset, status=Question.Status.CLOSED)

    response = _post(client, carol, f"/questions/{question.pk}/answer/", {"body": "Late"})

    assert response.status_code == 403
    assert not Answer.objects.exists()
    html = _html(client.get(question.get_absolute_url()))
    assert "This question is closed" in html
    assert f'action="/questions/{question.pk}/answer/"' not in html


def test_deleted_or_hidden_questions_take_no_answers(client, dave, carol, dataset):
    deleted = _question(dave, dataset=dataset, is_deleted=True)
    hidden = _question(dave, dataset=dataset, is_hidden=True)

    for question in (deleted, hidden):
        response = _post(client, carol, f"/questions/{question.pk}/answer/", {"body": "Hi"})
        assert response.status_code == 404
    assert not Answer.objects.exists()


def test_comment_on_an_answer(client, dave, carol, dataset):
    question = _question(dave, dataset=dataset)
    answer = _answer(question, carol)

    response = _post(client, dave, f"/answers/{answer.pk}/comment/", {"body": "Which year?"})

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert (comment.answer, comment.author) == (answer, dave)


def test_too_long_comment_is_refused(client, dave, carol, dataset):
    answer = _answer(_question(dave, dataset=dataset), carol)

    _post(client, dave, f"/answers/{answer.pk}/comment/", {"body": "x" * 2001})

    assert not Comment.objects.exists()


def test_owner_answers_on_behalf_of_their_publisher(client, dave, alice, publisher, dataset):
    question = _question(dave, dataset=dataset)
    client.force_login(alice)
    assert 'name="on_behalf_of"' in _html(client.get(question.get_absolute_url()))

    client.post(
        f"/questions/{question.pk}/answer/", {"body": "Official.", "on_behalf_of": publisher.pk}
    )

    answer = Answer.objects.get()
    assert answer.on_behalf_of == publisher
    html = _html(client.get(question.get_absolute_url()))
    assert "on behalf of" in html
    assert f'href="/publishers/{publisher.slug}/"' in html


def test_nobody_answers_on_behalf_of_a_publisher_they_do_not_belong_to(
    client, dave, bob, publisher, dataset
):
    question = _question(dave, dataset=dataset)

    response = _post(
        client,
        bob,
        f"/questions/{question.pk}/answer/",
        {"body": "Fake", "on_behalf_of": publisher.pk},
    )

    assert response.status_code == 400
    assert not Answer.objects.exists()


def test_people_without_a_publisher_get_no_on_behalf_choice(client, dave, carol, dataset):
    question = _question(dave, dataset=dataset)
    client.force_login(carol)

    assert 'name="on_behalf_of"' not in _html(client.get(question.get_absolute_url()))


# first_response_at ----------------------------------------------------------------------------


def test_first_response_is_the_first_answer_by_an_owner_or_expert(
    client, dave, carol, alice, bob, dataset
):
    question = _question(dave, dataset=dataset)
    _post(client, carol, f"/questions/{question.pk}/answer/", {"body": "Just a re-user"})
    question.refresh_from_db()
    assert question.first_response_at is None

    _post(client, alice, f"/questions/{question.pk}/answer/", {"body": "The owner"})
    question.refresh_from_db()
    owner_answer = Answer.objects.get(author=alice)
    assert question.first_response_at == owner_answer.created_at

    Profile.objects.create(user=bob, is_expert=True)
    _post(client, bob, f"/questions/{question.pk}/answer/", {"body": "An expert, later"})
    question.refresh_from_db()
    assert question.first_response_at == owner_answer.created_at


def test_an_experts_answer_sets_first_response(client, dave, community):
    question = _question(dave, community=community)
    expert = UserFactory(username="erik")
    _member(community, expert, Membership.Role.EXPERT)

    _post(client, expert, f"/questions/{question.pk}/answer/", {"body": "Expert view"})

    question.refresh_from_db()
    assert question.first_response_at == Answer.objects.get().created_at


# Accepting ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("dave", True), ("alice", True), ("carol", False), ("bob", False), ("answerer", False)],
)
def test_only_the_asker_or_the_data_owner_accepts(client, request, dave, dataset, who, allowed):
    question = _question(dave, dataset=dataset)
    answerer = UserFactory(username="answerer")
    answer = _answer(question, answerer)
    user = answerer if who == "answerer" else request.getfixturevalue(who)

    response = _post(client, user, f"/answers/{answer.pk}/accept/", {"action": "accept"})

    question.refresh_from_db()
    assert response.status_code == (302 if allowed else 403)
    assert (question.accepted_answer == answer) is allowed


def test_accepting_can_be_withdrawn(client, dave, carol, dataset):
    question = _question(dave, dataset=dataset)
    answer = _answer(question, carol)
    question.accepted_answer = answer
    question.save()

    _post(client, dave, f"/answers/{answer.pk}/accept/", {"action": "unaccept"})

    question.refresh_from_db()
    assert question.accepted_answer is None


def test_a_hidden_answer_cannot_be_accepted(client, dave, carol, dataset):
    question = _question(dave, dataset=dataset)
    answer = _answer(question, carol, is_hidden=True)

    response = _post(client, dave, f"/answers/{answer.pk}/accept/")

    assert response.status_code == 404


# Closing and reopening ------------------------------------------------------------------------


@pytest.fixture
def closers(community):
    """Everyone who may close a question in `community` on `dataset`, by how."""
    community_moderator = UserFactory(username="cmod")
    _member(community, community_moderator, Membership.Role.MODERATOR)
    community_manager = UserFactory(username="cman")
    _member(community, community_manager, Membership.Role.MANAGER)
    site_moderator = UserFactory(username="smod")
    Profile.objects.create(user=site_moderator, is_moderator=True)
    return {
        "community_moderator": community_moderator,
        "community_manager": community_manager,
        "site_moderator": site_moderator,
    }


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("dave", True),  # the asker
        ("alice", True),  # member of the dataset's publisher
        ("community_moderator", True),
        ("community_manager", True),
        ("site_moderator", True),
        ("manager", True),  # site manager
        ("carol", False),
        ("bob", False),  # member of another publisher
        ("reuser", False),
    ],
)
def test_who_closes_and_reopens(client, request, dave, dataset, community, closers, who, allowed):
    reuser = UserFactory(username="reuser")
    _member(community, reuser, Membership.Role.REUSER)
    user = closers.get(who) or (reuser if who == "reuser" else request.getfixturevalue(who))
    question = _question(dave, dataset=dataset, community=community)

    closing = _post(client, user, f"/questions/{question.pk}/close/")
    question.refresh_from_db()
    closed = question.status == Question.Status.CLOSED
    Question.objects.filter(pk=question.pk).update(status=Question.Status.CLOSED)
    reopening = _post(client, user, f"/questions/{question.pk}/reopen/")
    question.refresh_from_db()

    assert closing.status_code == reopening.status_code == (302 if allowed else 403)
    assert closed is allowed
    assert (question.status == Question.Status.OPEN) is allowed


def test_moderators_of_a_community_including_the_dataset_close_its_questions(
    client, dave, dataset, publisher
):
    other = Community.objects.create(slug="cycling", name={"en": "Cycling"})
    other.rule_publishers.add(publisher)
    moderator = UserFactory(username="cmod2")
    _member(other, moderator, Membership.Role.MODERATOR)
    question = _question(dave, dataset=dataset)

    response = _post(client, moderator, f"/questions/{question.pk}/close/")

    question.refresh_from_db()
    assert response.status_code == 302
    assert question.status == Question.Status.CLOSED


def test_data_owner_role_in_the_community_closes(client, dave, community):
    owner = UserFactory(username="olga")
    _member(community, owner, Membership.Role.OWNER)
    question = _question(dave, community=community)

    assert _post(client, owner, f"/questions/{question.pk}/close/").status_code == 302


# Editing and deleting -------------------------------------------------------------------------


def test_authors_edit_their_question_and_it_says_edited(client, dave, dataset):
    question = _question(dave, dataset=dataset)
    assert "edited</span>" not in _html(client.get(question.get_absolute_url()))

    response = _post(
        client,
        dave,
        f"/questions/{question.pk}/edit/",
        {"title": "Where are the 2023 counts?", "body": "Still missing.", "tags": "counts"},
    )

    question.refresh_from_db()
    assert response.status_code == 302
    assert (question.title, question.body, question.tags) == (
        "Where are the 2023 counts?",
        "Still missing.",
        ["counts"],
    )
    assert question.edited_at is not None
    assert "edited</span>" in _html(client.get(question.get_absolute_url()))


def test_authors_edit_answers_and_comments(client, dave, carol, dataset):
    question = _question(dave, dataset=dataset)
    answer = _answer(question, carol)
    comment = Comment.objects.create(answer=answer, author=dave, body="Hmm")

    _post(client, carol, f"/answers/{answer.pk}/edit/", {"body": "Better answer"})
    _post(client, dave, f"/comments/{comment.pk}/edit/", {"body": "Thanks"})

    answer.refresh_from_db()
    comment.refresh_from_db()
    assert (answer.body, comment.body) == ("Better answer", "Thanks")
    assert answer.edited_at and comment.edited_at


@pytest.mark.parametrize("action", ["edit", "delete"])
def test_nobody_edits_or_deletes_someone_elses_posts(client, dave, carol, manager, dataset, action):
    question = _question(dave, dataset=dataset)
    answer = _answer(question, carol)
    comment = Comment.objects.create(answer=answer, author=carol, body="Mine")

    for user, url in [
        (carol, f"/questions/{question.pk}/{action}/"),
        (dave, f"/answers/{answer.pk}/{action}/"),
        (manager, f"/comments/{comment.pk}/{action}/"),
    ]:
        response = _post(client, user, url, {"body": "Changed", "title": "Changed title"})
        assert response.status_code == 403

    question.refresh_from_db()
    answer.refresh_from_db()
    comment.refresh_from_db()
    assert question.title != "Changed title"
    assert (answer.body, comment.body) == ("Here.", "Mine")
    assert not (question.is_deleted or answer.is_deleted or comment.is_deleted)


def test_deleting_keeps_a_deleted_marker_without_content(client, dave, carol, dataset):
    question = _question(dave, dataset=dataset)
    answer = _answer(question, carol, body="Secret answer text")
    comment = Comment.objects.create(answer=answer, author=carol, body="Secret comment text")
    question.accepted_answer = answer
    question.save()

    assert _post(client, carol, f"/comments/{comment.pk}/delete/").status_code == 302
    assert _post(client, carol, f"/answers/{answer.pk}/delete/").status_code == 302

    answer.refresh_from_db()
    question.refresh_from_db()
    assert answer.is_deleted and question.accepted_answer is None
    html = _html(client.get(question.get_absolute_url()))
    assert "Secret answer text" not in html and "Secret comment text" not in html
    assert "This answer was deleted." in html and "This comment was deleted." in html


def test_a_deleted_question_says_so_without_content(client, dave, dataset):
    question = _question(dave, dataset=dataset, title="Secret title", body="Secret body")

    _post(client, dave, f"/questions/{question.pk}/delete/")

    client.logout()
    html = _html(client.get(question.get_absolute_url()))
    assert "Deleted question" in html
    assert "Secret title" not in html and "Secret body" not in html


def test_deleting_needs_post(client, dave, dataset):
    question = _question(dave, dataset=dataset)
    client.force_login(dave)

    assert client.get(f"/questions/{question.pk}/delete/").status_code == 405


# Following ------------------------------------------------------------------------------------


def test_follow_and_unfollow_a_thread(client, carol, dave, dataset):
    question = _question(dave, dataset=dataset)

    _post(client, carol, f"/questions/{question.pk}/follow/", {"action": "follow"})
    assert Follow.objects.filter(user=carol, question=question).exists()
    assert "Stop following" in _html(client.get(question.get_absolute_url()))

    _post(client, carol, f"/questions/{question.pk}/follow/", {"action": "unfollow"})
    assert not Follow.objects.filter(user=carol, question=question).exists()


# Notifications --------------------------------------------------------------------------------


def _recipients(kind):
    return set(Notification.objects.filter(kind=kind).values_list("user__username", flat=True))


def test_an_answer_notifies_the_asker_and_followers(
    client, dave, carol, bob, dataset, django_capture_on_commit_callbacks
):
    question = _question(dave, dataset=dataset)
    Follow.objects.create(user=bob, question=question)

    with django_capture_on_commit_callbacks(execute=True):
        _post(client, carol, f"/questions/{question.pk}/answer/", {"body": "Here you go"})

    assert _recipients("answer") == {"dave", "bob"}
    assert {message.to[0] for message in mail.outbox} == {dave.email, bob.email}
    assert all(question.title in message.subject for message in mail.outbox)


def test_a_comment_notifies_the_answers_author(
    client, dave, carol, dataset, django_capture_on_commit_callbacks
):
    answer = _answer(_question(dave, dataset=dataset), carol)

    with django_capture_on_commit_callbacks(execute=True):
        _post(client, dave, f"/answers/{answer.pk}/comment/", {"body": "Thanks!"})

    assert _recipients("comment") == {"carol"}
    assert [message.to for message in mail.outbox] == [[carol.email]]


def test_accepting_notifies_the_answers_author(
    client, dave, carol, dataset, django_capture_on_commit_callbacks
):
    answer = _answer(_question(dave, dataset=dataset), carol)

    with django_capture_on_commit_callbacks(execute=True):
        _post(client, dave, f"/answers/{answer.pk}/accept/", {"action": "accept"})

    assert _recipients("accepted") == {"carol"}
    assert [message.to for message in mail.outbox] == [[carol.email]]


def test_a_new_question_notifies_community_followers_managers_and_the_publisher(
    client, dave, alice, anna, bob, carol, dataset, community, django_capture_on_commit_callbacks
):
    community.datasets.add(dataset)
    follower = UserFactory(username="follower")
    _member(community, follower, Membership.Role.REUSER)
    Follow.objects.create(user=follower, community=community)
    community_manager = UserFactory(username="cman")
    _member(community, community_manager, Membership.Role.MANAGER)
    quiet_member = UserFactory(username="quiet")
    _member(community, quiet_member, Membership.Role.REUSER)
    Follow.objects.create(user=carol, dataset=dataset)

    with django_capture_on_commit_callbacks(execute=True):
        _post(client, dave, f"/datasets/{dataset.slug}/ask/", {"title": "How fresh is this?"})

    # alice and anna are members of the dataset's publisher; bob is of another one
    assert _recipients("question") == {"follower", "cman", "alice", "anna", "carol"}
    assert len(mail.outbox) == 5


def test_a_held_question_notifies_nobody_yet(client, dave, alice, dataset, settings):
    settings.COMMUNITY_HOLD_FIRST_POSTS = True

    _post(client, dave, f"/datasets/{dataset.slug}/ask/", {"title": "How fresh is this?"})

    assert not Notification.objects.exists()


def test_people_who_turned_email_off_get_only_the_portal_notification(
    client, dave, carol, dataset, django_capture_on_commit_callbacks
):
    Profile.objects.create(user=dave, email_frequency=Profile.Frequency.OFF)
    question = _question(dave, dataset=dataset)

    with django_capture_on_commit_callbacks(execute=True):
        _post(client, carol, f"/questions/{question.pk}/answer/", {"body": "Here"})

    assert _recipients("answer") == {"dave"}
    assert mail.outbox == []


# Lists and search -----------------------------------------------------------------------------


@pytest.fixture
def listed(dave, carol, dataset, community, publisher):
    """A community with questions of every kind: its own, on a dataset in scope, elsewhere."""
    community.rule_publishers.add(publisher)
    _question(dave, community=community, title="Bus stops unanswered", tags=["bus"])
    answered = _question(carol, dataset=dataset, title="Bike counts answered")
    _answer(answered, dave)
    accepted = _question(carol, community=community, title="Tram lines accepted")
    accepted.accepted_answer = _answer(accepted, dave)
    accepted.save()
    only_hidden_answer = _question(carol, community=community, title="Hidden answer only")
    _answer(only_hidden_answer, dave, is_hidden=True)
    _question(dave, community=community, title="My held question", is_held=True)
    _question(carol, community=community, title="A hidden question", is_hidden=True)
    _question(carol, community=community, title="A deleted question", is_deleted=True)
    elsewhere = Community.objects.create(slug="education", name={"en": "Education"})
    _question(carol, community=elsewhere, title="About schools")
    draft = DatasetFactory(status=Dataset.Status.DRAFT, publisher=publisher)
    _question(carol, dataset=draft, title="On a draft dataset")
    return community


def _titles(response) -> set[str]:
    return set(
        re.findall(r'class="question-item__title"><a href="[^"]+">([^<]+)</a>', _html(response))
    )


def test_community_questions_include_its_datasets_questions(client, listed):
    response = client.get(f"/communities/{listed.slug}/questions/")

    assert response.status_code == 200
    assert _titles(response) == {
        "Bus stops unanswered",
        "Bike counts answered",
        "Tram lines accepted",
        "Hidden answer only",
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"filter": "unanswered"}, {"Bus stops unanswered", "Hidden answer only"}),
        ({"filter": "answered"}, {"Bike counts answered", "Tram lines accepted"}),
        ({"filter": "accepted"}, {"Tram lines accepted"}),
        ({"q": "bike"}, {"Bike counts answered"}),
        ({"q": "BUS"}, {"Bus stops unanswered"}),
        ({"q": "tram lines", "filter": "accepted"}, {"Tram lines accepted"}),
        ({"q": "schools"}, set()),
        ({"filter": "nonsense"}, None),
    ],
)
def test_community_question_search_and_filters(client, listed, params, expected):
    response = client.get(f"/communities/{listed.slug}/questions/", params)

    assert response.status_code == 200
    if expected is not None:
        assert _titles(response) == expected


def test_mine_shows_my_questions_including_held_ones(client, dave, listed):
    client.force_login(dave)

    response = client.get(f"/communities/{listed.slug}/questions/", {"filter": "mine"})

    assert _titles(response) == {"Bus stops unanswered", "My held question"}
    assert "waiting for moderation" in _html(response)


def test_mine_is_empty_for_visitors(client, listed):
    response = client.get(f"/communities/{listed.slug}/questions/", {"filter": "mine"})

    assert _titles(response) == set()


def test_question_list_is_paginated(client, dave, community):
    for n in range(25):
        _question(dave, community=community, title=f"Question number {n}")

    first = client.get(f"/communities/{community.slug}/questions/")
    second = client.get(f"/communities/{community.slug}/questions/", {"page": 2})
    garbage = client.get(f"/communities/{community.slug}/questions/", {"page": "x"})

    assert (len(_titles(first)), len(_titles(second))) == (20, 5)
    assert garbage.status_code == 200


def test_question_list_query_count_does_not_grow(
    client, dave, community, dataset, django_assert_max_num_queries
):
    community.datasets.add(dataset)

    def questions(size):
        for n in range(size):
            author = UserFactory()
            Profile.objects.create(user=author, display_name=f"Asker {n}")
            question = _question(author, community=community, tags=["x"], title=f"{author} asks")
            question.accepted_answer = _answer(question, dave)
            question.save()
            _question(author, dataset=dataset, title=f"{author} on the dataset")

    questions(1)
    with django_assert_max_num_queries(15) as few:
        client.get(f"/communities/{community.slug}/questions/")
    questions(8)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(f"/communities/{community.slug}/questions/")

    assert len(_titles(response)) == 18


# The dataset page -----------------------------------------------------------------------------


def test_dataset_page_lists_its_visible_questions_and_an_ask_link(client, dave, carol, dataset):
    _question(dave, dataset=dataset, title="A visible question")
    _question(carol, dataset=dataset, title="A hidden question", is_hidden=True)
    _question(carol, dataset=dataset, title="A held question", is_held=True)

    html = _html(client.get(dataset.get_absolute_url()))

    assert "A visible question" in html
    assert "A hidden question" not in html and "A held question" not in html
    assert f'href="/datasets/{dataset.slug}/ask/"' in html


def test_dataset_page_links_to_all_questions_when_there_are_many(client, dave, dataset):
    for n in range(7):
        _question(dave, dataset=dataset, title=f"Question {n}")

    html = _html(client.get(dataset.get_absolute_url()))
    listing = client.get(f"/datasets/{dataset.slug}/questions/")

    assert f'href="/datasets/{dataset.slug}/questions/"' in html
    assert len(_titles(listing)) == 7


def test_dataset_questions_of_a_draft_are_not_listed(client, publisher):
    draft = DatasetFactory(status=Dataset.Status.DRAFT, publisher=publisher)

    assert client.get(f"/datasets/{draft.slug}/questions/").status_code == 404


# Hidden and held posts ------------------------------------------------------------------------


def test_hidden_posts_show_only_to_their_author_and_moderators(client, dave, carol, bob, dataset):
    question = _question(dave, dataset=dataset)
    hidden_answer = _answer(question, carol, body="Hidden answer text", is_hidden=True)
    held_comment = Comment.objects.create(
        answer=_answer(question, dave), author=carol, body="Held comment text", is_held=True
    )
    moderator = UserFactory(username="smod")
    Profile.objects.create(user=moderator, is_moderator=True)

    client.logout()
    anonymous = _html(client.get(question.get_absolute_url()))
    client.force_login(bob)
    other = _html(client.get(question.get_absolute_url()))
    client.force_login(carol)
    author = _html(client.get(question.get_absolute_url()))
    client.force_login(moderator)
    moderating = _html(client.get(question.get_absolute_url()))

    for html in (anonymous, other):
        assert "Hidden answer text" not in html and "Held comment text" not in html
        assert f'id="answer-{hidden_answer.pk}"' not in html
    for html in (author, moderating):
        assert "Hidden answer text" in html and "Held comment text" in html
        assert "hidden</span>" in html and "waiting for moderation</span>" in html
    assert f'id="comment-{held_comment.pk}"' in author


def test_a_hidden_question_is_a_404_for_others(client, dave, carol, dataset):
    question = _question(dave, dataset=dataset, is_hidden=True)

    assert client.get(question.get_absolute_url()).status_code == 404
    client.force_login(carol)
    assert client.get(question.get_absolute_url()).status_code == 404
    client.force_login(dave)
    assert client.get(question.get_absolute_url()).status_code == 200


# Sanitising -----------------------------------------------------------------------------------

XSS_PAYLOADS = [
    "<script>alert('xss')</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "[click](javascript:alert('xss'))",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<img src="/static/img/logo.svg" onerror="alert(1)">',
    '<p onclick="alert(1)" onmouseover="alert(2)">hover</p>',
    "<style>body { display: none }</style>",
    '<p style="background:url(https://evil.example/bg.png)">styled</p>',
    "![pixel](https://tracker.example/pixel.gif)",
    '<img src="https://tracker.example/pixel.gif" width="1" height="1">',
    '<img src="//tracker.example/pixel.gif">',
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<iframe src="https://evil.example"></iframe>',
    "<svg onload=alert(1)>",
    '<form action="https://evil.example"><input name="x"></form>',
]


def _dangerous(html: str) -> list[str]:
    patterns = [
        r"<script",
        r"javascript:",
        r"\son\w+\s*=",
        r"<style",
        r"\sstyle\s*=",
        r"<img[^>]+src=\"(https?:)?//",
        r"data:",
        r"<iframe",
        r"<svg",
        r"<form[^>]+evil",
    ]
    return [pattern for pattern in patterns if re.search(pattern, html, re.I)]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_markdown_payloads_render_inert_everywhere(client, dave, carol, dataset, payload):
    question = _question(dave, dataset=dataset, title="Safe title", body=payload)
    answer = _answer(question, carol, body=payload)
    Comment.objects.create(answer=answer, author=dave, body=payload)

    response = client.get(question.get_absolute_url())

    html = _html(response)
    main = html.split("<main", 1)[1].split("</main>")[0]
    assert _dangerous(main) == []


def test_a_payload_in_the_title_and_tags_is_escaped(client, dave, dataset, community):
    _question(
        dave,
        dataset=dataset,
        community=community,
        title="<script>alert(1)</script>",
        tags=['"><img src=x onerror=alert(1)>'],
    )

    for url in (
        f"/communities/{community.slug}/questions/",
        dataset.get_absolute_url(),
        Question.objects.get().get_absolute_url(),
    ):
        html = _html(client.get(url))
        assert "<script>alert(1)" not in html
        assert "<img src=x onerror" not in html
