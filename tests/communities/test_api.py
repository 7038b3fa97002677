"""The communities' REST API (/api/v1/communities/, questions/, data-requests/) and the
communities as CKAN groups: open reads without hidden content, token writes with the web's
permissions, and lists in a fixed number of queries."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import ApiToken, Concept
from communities import questions as qa
from communities.api import scope_slugs, with_labels
from communities.models import (
    Answer,
    Comment,
    Community,
    DataRequest,
    DataRequestComment,
    DataRequestEvent,
    Membership,
    Profile,
    Question,
)
from tests.factories import DatasetFactory, UserFactory, concept

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()


def _token(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {ApiToken.create_for(user, 'api')[1]}"}


def _community(slug="mobility", **rules):
    community = Community.objects.create(
        slug=slug, name={"en": slug.title(), "nl": slug}, description={"en": "About it."}
    )
    community.rule_publishers.set(rules.get("publishers", []))
    community.rule_themes.set(rules.get("themes", []))
    community.datasets.set(rules.get("datasets", []))
    community.rule_keywords = rules.get("keywords", [])
    community.save()
    return community


def _member(community, user, role=Membership.Role.REUSER, **extra):
    return Membership.objects.create(community=community, user=user, role=role, **extra)


def _count_queries(callable_):
    with CaptureQueriesContext(connection) as queries:
        callable_()
    return len(queries)


# Communities -------------------------------------------------------------------------------


def test_community_shows_members_by_role_without_email_and_published_datasets_only(
    client, publisher, alice, carol
):
    community = _community(publishers=[publisher])
    published = DatasetFactory(published=True, publisher=publisher, slug="bike-parking")
    DatasetFactory(publisher=publisher, slug="secret-draft")
    _member(community, alice, Membership.Role.OWNER, publisher=publisher)
    _member(community, carol)
    Profile.objects.create(user=carol, display_name="Carol C.")
    _member(community, UserFactory(username="waiting"), status=Membership.Status.PENDING)

    response = client.get("/api/v1/communities/mobility/")

    body = response.json()
    assert response.status_code == 200
    assert body["datasets"] == [published.slug]
    assert body["members"]["owner"][0]["username"] == "alice"
    assert body["members"]["owner"][0]["publisher"] == "gemeente-utrecht"
    assert body["members"]["reuser"] == [
        {
            "username": "carol",
            "display_name": "Carol C.",
            "publisher": None,
            "joined_at": body["members"]["reuser"][0]["joined_at"],
        }
    ]
    assert body["member_count"] == 2  # the pending one is not a member yet
    assert "@" not in response.content.decode()
    assert "secret-draft" not in response.content.decode()


def test_scope_slugs_agree_with_each_community_scope(publisher, other_publisher):
    education = concept(Concept.Scheme.THEME, "EDUC")
    picked = DatasetFactory(published=True, publisher=other_publisher)
    by_theme = DatasetFactory(published=True, publisher=other_publisher, themes=[education])
    by_keyword = DatasetFactory(
        published=True, publisher=other_publisher, keywords={"nl": ["fiets"]}
    )
    DatasetFactory(published=True, publisher=publisher)
    DatasetFactory(publisher=publisher, keywords={"nl": ["fiets"]})  # draft
    communities = [
        _community("one", publishers=[publisher], datasets=[picked]),
        _community("two", themes=[education], keywords=["fiets"]),
        _community("three", datasets=[by_theme, by_keyword]),
        _community("empty"),
    ]

    scopes = scope_slugs(communities)

    for community in communities:
        expected = sorted(community.datasets_in_scope().values_list("slug", flat=True))
        assert scopes[community.pk] == expected
    assert scopes[communities[3].pk] == []


def test_community_list_query_count_does_not_grow(client, publisher):
    def add(number):
        community = _community(f"c{number}", publishers=[publisher], keywords=["fiets"])
        community.themes.set([concept(Concept.Scheme.THEME, "TRAN")])
        _member(community, UserFactory(), Membership.Role.EXPERT)
        _member(community, UserFactory())
        DatasetFactory(published=True, publisher=publisher, keywords={"nl": ["fiets"]})

    add(0)
    few = _count_queries(lambda: client.get("/api/v1/communities/"))
    for number in range(1, 5):
        add(number)

    assert _count_queries(lambda: client.get("/api/v1/communities/")) == few
    assert client.get("/api/v1/communities/").json()["count"] == 5


# Questions: reads --------------------------------------------------------------------------


@pytest.fixture
def thread(publisher, alice, carol, bob):
    """A community question by carol with a visible, a hidden and a held answer."""
    community = _community(publishers=[publisher])
    question = Question.objects.create(
        community=community, author=carol, title="Where are the bike racks?", body="**Where**?"
    )
    shown = Answer.objects.create(question=question, author=alice, body="Here.")
    Answer.objects.create(question=question, author=bob, body="HIDDEN-ANSWER", is_hidden=True)
    Answer.objects.create(question=question, author=bob, body="HELD-ANSWER", is_held=True)
    Comment.objects.create(answer=shown, author=carol, body="Thanks!")
    Comment.objects.create(answer=shown, author=bob, body="DELETED-COMMENT", is_deleted=True)
    return question


def test_questions_leave_out_hidden_held_and_deleted_posts(client, thread, carol, publisher):
    Question.objects.create(
        community=thread.community, author=carol, title="HIDDEN-QUESTION", body="x", is_hidden=True
    )
    Question.objects.create(
        community=thread.community, author=carol, title="HELD-QUESTION", body="x", is_held=True
    )
    Question.objects.create(
        community=thread.community, author=carol, title="GONE-QUESTION", body="x", is_deleted=True
    )
    draft = DatasetFactory(publisher=publisher)
    Question.objects.create(dataset=draft, author=carol, title="DRAFT-DATASET", body="x")

    listing = client.get("/api/v1/questions/")
    detail = client.get(f"/api/v1/questions/{thread.pk}/")

    assert listing.json()["count"] == 1
    text = listing.content.decode() + detail.content.decode()
    for secret in ("HIDDEN", "HELD", "GONE", "DELETED", "DRAFT-DATASET"):
        assert secret not in text
    answer = detail.json()["answers"][0]
    assert answer["body"] == "Here." and answer["comments"][0]["body"] == "Thanks!"
    assert detail.json()["body_html"] == "<p><strong>Where</strong>?</p>"
    assert detail.json()["answer_count"] == 1


def test_a_hidden_question_is_not_found(client, thread):
    Question.objects.filter(pk=thread.pk).update(is_hidden=True)

    assert client.get(f"/api/v1/questions/{thread.pk}/").status_code == 404
    assert client.get("/api/v1/questions/99999999999999999999999/").status_code == 404
    odd = client.post("/api/v1/questions/%0A%F1%82%A9Z/reopen/")  # a newline in the path
    assert odd.status_code == 404 and odd["Content-Type"] == "application/json"


def test_question_filters(client, thread, publisher, carol):
    dataset = DatasetFactory(published=True, publisher=publisher, slug="racks")
    on_dataset = Question.objects.create(
        dataset=dataset, author=carol, title="On a dataset", body=""
    )
    closed = Question.objects.create(
        community=_community("other"), author=carol, title="Closed one", body="", status="closed"
    )

    def ids(query):
        response = client.get(f"/api/v1/questions/?{query}")
        assert response.status_code == 200, response.content
        return {item["id"] for item in response.json()["results"]}

    # A dataset's questions also show in every community that includes the dataset.
    assert ids("community=mobility") == {thread.pk, on_dataset.pk}
    assert ids("community=nope") == set()
    assert ids("dataset=racks") == {on_dataset.pk}
    assert ids("status=closed") == {closed.pk}
    assert ids("answered=true") == {thread.pk}
    assert ids("answered=false") == {on_dataset.pk, closed.pk}
    assert client.get("/api/v1/questions/?answered=maybe").status_code == 400
    assert client.get("/api/v1/questions/?status=sleeping").status_code == 400


def test_question_list_query_count_does_not_grow(client, publisher, alice):
    community = _community(publishers=[publisher])
    dataset = DatasetFactory(published=True, publisher=publisher)

    def add():
        asker = UserFactory()
        question = Question.objects.create(
            community=community, dataset=dataset, author=asker, title="A question", body="?"
        )
        answer = Answer.objects.create(question=question, author=alice, body="!")
        Answer.objects.create(question=question, author=UserFactory(), body="!")
        Comment.objects.create(answer=answer, author=asker, body="thanks")

    add()
    few = _count_queries(lambda: client.get("/api/v1/questions/"))
    for _ in range(4):
        add()

    assert _count_queries(lambda: client.get("/api/v1/questions/")) == few


def test_question_detail_query_count_does_not_grow_with_answers(client, thread, alice):
    url = f"/api/v1/questions/{thread.pk}/"
    few = _count_queries(lambda: client.get(url))
    for _ in range(4):
        answer = Answer.objects.create(question=thread, author=UserFactory(), body="More")
        Comment.objects.create(answer=answer, author=alice, body="Indeed")

    assert _count_queries(lambda: client.get(url)) == few
    assert len(client.get(url).json()["answers"]) == 5


def test_answer_labels_agree_with_the_threads_labels(publisher, alice, bob, carol):
    community = _community(publishers=[publisher])
    _member(community, bob, Membership.Role.EXPERT)
    owner = UserFactory(username="owner")
    _member(community, owner, Membership.Role.OWNER, publisher=publisher)
    expert = UserFactory(username="expert")
    Profile.objects.create(user=expert, is_expert=True)
    dataset = DatasetFactory(published=True, publisher=publisher)
    questions = [
        Question.objects.create(community=community, author=carol, title="In it", body=""),
        Question.objects.create(dataset=dataset, author=carol, title="On data", body=""),
        Question.objects.create(
            community=community, dataset=dataset, author=carol, title="Both", body=""
        ),
    ]
    for question in questions:
        for author in (alice, bob, carol, owner, expert):
            Answer.objects.create(question=question, author=author, body="An answer")
    loaded = list(
        Question.objects.filter(pk__in=[q.pk for q in questions]).prefetch_related("answers")
    )
    for question in loaded:
        question.visible_answers = list(question.answers.select_related("author__profile"))

    with_labels(loaded)

    for question in loaded:
        expected = qa.labels_for(question, question.visible_answers)
        for answer in question.visible_answers:
            assert answer.labels == expected.get(answer.author_id, []), (question, answer.author)
    both = next(question for question in loaded if question.title == "Both")
    assert {a.author.username: a.labels for a in both.visible_answers} == {
        "alice": ["owner"], "bob": ["expert"], "carol": [], "owner": ["owner"],
        "expert": ["expert"],
    }  # fmt: skip


# Questions: writes -------------------------------------------------------------------------


def test_writes_need_a_token(client, thread):
    responses = [
        client.post("/api/v1/questions/", {"title": "Hello there", "body": "x"}),
        client.post(f"/api/v1/questions/{thread.pk}/answers/", {"body": "x"}),
        client.post(f"/api/v1/questions/{thread.pk}/close/"),
        client.post("/api/v1/data-requests/", {"title": "Data", "body": "x"}),
    ]

    assert [response.status_code for response in responses] == [401] * 4
    assert Question.objects.count() == 1


def test_ask_answer_on_behalf_accept_and_close_with_tokens(client, publisher, alice, carol, bob):
    community = _community(publishers=[publisher])
    _member(community, alice, Membership.Role.OWNER, publisher=publisher)
    DatasetFactory(published=True, publisher=publisher, slug="racks")
    carol_token, alice_token, bob_token = _token(carol), _token(alice), _token(bob)

    asked = client.post(
        "/api/v1/questions/",
        {"title": "How often is it updated?", "body": "Daily?", "tags": ["Updates"],
         "community": "mobility", "dataset": "racks"},
        content_type="application/json",
        **carol_token,
    )  # fmt: skip
    question_id = asked.json()["id"]
    answered = client.post(
        f"/api/v1/questions/{question_id}/answers/",
        {"body": "Every night.", "on_behalf_of": "gemeente-utrecht"},
        content_type="application/json",
        **alice_token,
    )
    answer_id = answered.json()["id"]
    not_hers = client.post(
        f"/api/v1/questions/{question_id}/answers/",
        {"body": "For them.", "on_behalf_of": "gemeente-utrecht"},
        content_type="application/json",
        **bob_token,
    )
    bob_accepts = client.post(
        f"/api/v1/questions/{question_id}/accept/", {"answer": answer_id}, **bob_token
    )
    carol_accepts = client.post(
        f"/api/v1/questions/{question_id}/accept/", {"answer": answer_id}, **carol_token
    )
    bob_closes = client.post(f"/api/v1/questions/{question_id}/close/", **bob_token)
    carol_closes = client.post(f"/api/v1/questions/{question_id}/close/", **carol_token)
    late = client.post(f"/api/v1/questions/{question_id}/answers/", {"body": "x"}, **bob_token)

    assert asked.status_code == 201, asked.content
    assert asked.json()["tags"] == ["updates"] and asked.json()["dataset"] == "racks"
    assert answered.status_code == 201, answered.content
    assert answered.json()["on_behalf_of"]["slug"] == "gemeente-utrecht"
    assert answered.json()["labels"] == ["owner"]
    assert not_hers.status_code == 400 and "on_behalf_of" in not_hers.json()
    assert bob_accepts.status_code == 403
    assert carol_accepts.status_code == 200
    assert carol_accepts.json()["accepted_answer"] == answer_id
    assert carol_accepts.json()["answers"][0]["is_accepted"] is True
    assert bob_closes.status_code == 403
    assert carol_closes.status_code == 200 and carol_closes.json()["status"] == "closed"
    assert late.status_code == 403
    question = Question.objects.get(pk=question_id)
    assert question.first_response_at is not None  # an owner answered: the response KPI
    assert question.follows.filter(user=carol).exists()
    # carol heard of the answer, alice of the acceptance
    assert {n.kind for n in carol.notifications.all()} >= {"answer"}
    assert alice.notifications.filter(kind="accepted").exists()


def test_owner_of_the_dataset_may_close_and_accept(client, publisher, alice, carol):
    dataset = DatasetFactory(published=True, publisher=publisher)
    question = Question.objects.create(dataset=dataset, author=carol, title="Question", body="")
    answer = Answer.objects.create(question=question, author=carol, body="Self-answer")

    accepted = client.post(
        f"/api/v1/questions/{question.pk}/accept/", {"answer": answer.pk}, **_token(alice)
    )
    reopened = client.post(f"/api/v1/questions/{question.pk}/reopen/", **_token(alice))

    assert accepted.status_code == 200 and reopened.status_code == 200


def test_accepting_a_hidden_answer_or_another_questions_answer_is_refused(
    client, thread, carol, alice
):
    hidden = thread.answers.get(is_hidden=True)
    other = Question.objects.create(
        community=thread.community, author=alice, title="x" * 6, body=""
    )
    elsewhere = Answer.objects.create(question=other, author=alice, body="Elsewhere")

    for answer_id in (hidden.pk, elsewhere.pk, 10**30):
        response = client.post(
            f"/api/v1/questions/{thread.pk}/accept/", {"answer": answer_id}, **_token(carol)
        )
        assert response.status_code == 400, answer_id
    thread.refresh_from_db()
    assert thread.accepted_answer is None


def test_question_validation_errors_are_400(client, carol):
    _community()
    token = _token(carol)

    nowhere = client.post("/api/v1/questions/", {"title": "A real question", "body": "?"}, **token)
    unknown = client.post(
        "/api/v1/questions/", {"title": "A real question", "community": "nope"}, **token
    )
    short = client.post("/api/v1/questions/", {"title": "Hi", "community": "mobility"}, **token)

    assert [r.status_code for r in (nowhere, unknown, short)] == [400, 400, 400]
    assert "title" in short.json()


def test_posting_limits_apply_to_the_api(client, carol, settings):
    _community()
    settings.COMMUNITY_POSTS_PER_HOUR = 2
    token = _token(carol)

    codes = [
        client.post(
            "/api/v1/questions/",
            {"title": f"Question number {n}", "body": "?", "community": "mobility"},
            **token,
        ).status_code
        for n in range(3)
    ]

    assert codes == [201, 201, 429]


def test_xss_in_a_question_body_is_sanitised(client, carol):
    _community()
    payload = '<script>alert(1)</script><img src="https://evil.example/t.gif" onerror=x>**ok**'

    response = client.post(
        "/api/v1/questions/",
        {"title": "A question with HTML", "body": payload, "community": "mobility"},
        **_token(carol),
    )

    html = response.json()["body_html"]
    assert "<script" not in html and 'evil.example/t.gif"' not in html and "onerror" not in html
    assert "<strong>ok</strong>" in html


# Data requests -----------------------------------------------------------------------------


@pytest.fixture
def request_in_community(publisher, carol):
    community = _community(publishers=[publisher])
    data_request = DataRequest.objects.create(
        author=carol, title="Parking tariffs", body="Per street", community=community
    )
    DataRequestEvent.objects.create(request=data_request, status="submitted", actor=carol)
    return data_request


def test_data_requests_show_history_supporters_and_only_visible_content(
    client, request_in_community, bob, carol
):
    request_in_community.supporters.add(bob)
    DataRequestComment.objects.create(request=request_in_community, author=bob, body="Me too")
    DataRequestComment.objects.create(
        request=request_in_community, author=bob, body="HIDDEN-COMMENT", is_hidden=True
    )
    DataRequest.objects.create(author=carol, title="HIDDEN-REQUEST", body="x", is_hidden=True)
    DataRequest.objects.create(author=carol, title="HELD-REQUEST", body="x", is_held=True)

    listing = client.get("/api/v1/data-requests/")
    detail = client.get(f"/api/v1/data-requests/{request_in_community.pk}/").json()

    assert listing.json()["count"] == 1
    assert "HIDDEN" not in listing.content.decode() and "HELD" not in listing.content.decode()
    assert detail["supporter_count"] == 1
    assert [event["status"] for event in detail["history"]] == ["submitted"]
    assert [comment["body"] for comment in detail["comments"]] == ["Me too"]
    assert "@" not in listing.content.decode()


def test_data_request_filters(client, request_in_community, carol):
    DataRequest.objects.create(author=carol, title="Other", body="x", status="planned")

    def titles(query):
        return {r["title"] for r in client.get(f"/api/v1/data-requests/?{query}").json()["results"]}

    assert titles("community=mobility") == {"Parking tariffs"}
    assert titles("status=planned") == {"Other"}
    assert client.get("/api/v1/data-requests/?status=lost").status_code == 400


def test_create_support_and_change_status_with_tokens(
    client, publisher, alice, bob, carol, manager
):
    community = _community(publishers=[publisher])
    dataset = DatasetFactory(published=True, publisher=publisher, slug="tariffs")
    mail.outbox.clear()

    created = client.post(
        "/api/v1/data-requests/",
        {"title": "Parking tariffs per street", "body": "All streets", "owner": publisher.slug,
         "community": community.slug, "commercial": True, "desired_format": "CSV"},
        content_type="application/json",
        **_token(carol),
    )  # fmt: skip
    pk = created.json()["id"]
    own_support = client.post(f"/api/v1/data-requests/{pk}/support/", **_token(carol))
    supported = client.post(f"/api/v1/data-requests/{pk}/support/", **_token(bob))
    bob_changes = client.post(
        f"/api/v1/data-requests/{pk}/status/", {"status": "planned"}, **_token(bob)
    )
    missing_dataset = client.post(
        f"/api/v1/data-requests/{pk}/status/", {"status": "already_available"}, **_token(alice)
    )
    alice_changes = client.post(
        f"/api/v1/data-requests/{pk}/status/",
        {"status": "already_available", "dataset": "tariffs", "explanation": "It exists."},
        **_token(alice),
    )

    assert created.status_code == 201, created.content
    assert created.json()["owner"]["slug"] == publisher.slug and created.json()["commercial"]
    assert own_support.status_code == 400
    assert supported.status_code == 200 and supported.json() == {
        "supporter_count": 1,
        "supporting": True,
    }
    assert bob_changes.status_code == 403
    assert missing_dataset.status_code == 400 and "dataset" in missing_dataset.json()
    assert alice_changes.status_code == 200, alice_changes.content
    body = alice_changes.json()
    assert body["status"] == "already_available" and body["dataset"] == dataset.slug
    assert [e["status"] for e in body["history"]] == ["submitted", "already_available"]
    assert body["history"][1]["explanation"] == "It exists."
    assert carol.notifications.filter(kind="data_request_status").exists()
    assert bob.notifications.filter(kind="data_request_status").exists()
    withdrawn = client.delete(f"/api/v1/data-requests/{pk}/support/", **_token(bob))
    assert withdrawn.json() == {"supporter_count": 0, "supporting": False}


def test_data_request_list_query_count_does_not_grow(client, publisher, carol):
    community = _community(publishers=[publisher])

    def add():
        data_request = DataRequest.objects.create(
            author=UserFactory(), title="Request", body="x", community=community, owner=publisher
        )
        DataRequestEvent.objects.create(request=data_request, status="submitted", actor=carol)
        DataRequestComment.objects.create(request=data_request, author=carol, body="+1")
        data_request.supporters.add(carol, UserFactory())

    add()
    few = _count_queries(lambda: client.get("/api/v1/data-requests/"))
    for _ in range(4):
        add()

    assert _count_queries(lambda: client.get("/api/v1/data-requests/")) == few


# CKAN: communities as groups ---------------------------------------------------------------


def _ckan(client, action, query=""):
    response = client.get(f"/api/3/action/{action}?{query}")
    assert response.status_code == 200, response.content
    return response.json()["result"]


def test_ckan_group_list_and_show_cover_communities(client, publisher):
    _community(publishers=[publisher])
    DatasetFactory(published=True, publisher=publisher, slug="racks")
    DatasetFactory(publisher=publisher, slug="draft-racks")

    names = _ckan(client, "group_list")
    full = _ckan(client, "group_list", "all_fields=true&sort=package_count desc")
    shown = _ckan(client, "group_show", "id=mobility&include_datasets=true")
    theme = _ckan(client, "group_show", "id=tran")

    assert "mobility" in names and "tran" in names and names == sorted(names)
    mobility = next(group for group in full if group["name"] == "mobility")
    assert mobility["type"] == "community" and mobility["package_count"] == 1
    assert mobility["title_translated"]["en"] == "Mobility"
    assert shown["type"] == "community" and shown["package_count"] == 1
    assert [package["name"] for package in shown["packages"]] == ["racks"]
    assert theme["type"] == "group"
    assert client.get("/api/3/action/group_show?id=nope").status_code == 404


def test_ckan_group_list_sorts_limits_and_searches_across_themes_and_communities(client):
    _community("zzz-last")
    _community("aaa-first")

    assert _ckan(client, "group_list", "limit=1")[0] == "aaa-first"
    assert _ckan(client, "group_list", "sort=name desc&limit=1") == ["zzz-last"]
    assert _ckan(client, "group_list", "q=zzz") == ["zzz-last"]
    assert client.get("/api/3/action/group_list?sort=colour").status_code == 409  # as CKAN


@pytest.mark.django_db(transaction=True)
def test_ckanapi_client_reads_communities(live_server, publisher):
    ckanapi = pytest.importorskip("ckanapi")
    _community(publishers=[publisher])
    DatasetFactory(published=True, publisher=publisher, slug="racks")
    remote = ckanapi.RemoteCKAN(live_server.url, user_agent="datakring-tests")

    groups = remote.action.group_list(all_fields=True)
    shown = remote.action.group_show(id="mobility", include_datasets=True)

    assert "mobility" in [group["name"] for group in groups]
    assert shown["packages"][0]["name"] == "racks"
