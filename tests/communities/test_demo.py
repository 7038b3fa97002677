"""The demo communities load with `manage.py load_demo`, idempotently, on the demo catalogue."""

from io import StringIO

import pytest
from django.core.management import call_command

from catalog.demo import DEMO_PASSWORD
from communities.models import (
    Answer,
    Comment,
    Community,
    DataRequest,
    DataRequestEvent,
    Membership,
    Profile,
    Question,
)

pytestmark = pytest.mark.django_db


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = [Community, Membership, Profile, Question, Answer, Comment, DataRequest]
    result = {model.__name__: model.objects.count() for model in models}
    result["events"] = DataRequestEvent.objects.count()
    result["supporters"] = DataRequest.supporters.through.objects.count()
    return result


@pytest.fixture
def demo():
    return load_demo()


def test_three_communities_in_two_languages_with_every_role(demo):
    communities = Community.objects.order_by("slug")

    assert [c.slug for c in communities] == ["erfgoed-en-media", "mobiliteit", "onderwijs"]
    for community in communities:
        assert community.name["nl"] and community.name["en"]
        assert community.description["nl"] and community.description["en"]
    active = Membership.objects.filter(status=Membership.Status.ACTIVE)
    assert set(active.values_list("role", flat=True)) == set(Membership.Role.values)
    assert Membership.objects.filter(status=Membership.Status.PENDING).exists()
    for username in ("beheerder", "redacteur", "hergebruiker"):
        assert Membership.objects.filter(user__username=username).exists(), username
    owners = active.filter(role=Membership.Role.OWNER)
    assert all(owner.publisher_id for owner in owners)


def test_rules_match_the_demo_catalogue(demo):
    scope = {
        c.slug: set(c.datasets_in_scope().values_list("slug", flat=True))
        for c in Community.objects.all()
    }

    assert {"verkeersintensiteiten-a28", "publieke-laadpalen-overijssel"} <= scope["mobiliteit"]
    assert "verkeersintensiteiten-a28-oude-methode" not in scope["mobiliteit"]  # withdrawn
    assert "examenresultaten-voortgezet-onderwijs" in scope["onderwijs"]
    assert "open-beelden-hergebruikbare-video" in scope["erfgoed-en-media"]
    assert "fotocollectie-omroepgebouwen" not in scope["erfgoed-en-media"]  # a draft
    assert all(len(slugs) >= 4 for slugs in scope.values())


def test_answered_accepted_and_open_questions_and_requests_in_several_states(demo):
    questions = Question.objects.all()

    assert questions.filter(accepted_answer__isnull=False).count() >= 2
    assert questions.filter(answers__isnull=True).count() >= 2  # open, unanswered
    assert questions.filter(status=Question.Status.CLOSED).exists()
    # An owner answered on behalf of a publisher, and an expert answered.
    assert Answer.objects.filter(on_behalf_of__isnull=False).exists()
    assert Answer.objects.filter(author__profile__is_expert=True).exists()
    for question in questions.filter(answers__isnull=False).distinct():
        assert question.first_response_at is not None
    statuses = set(DataRequest.objects.values_list("status", flat=True))
    assert len(statuses) >= 5
    for data_request in DataRequest.objects.all():
        events = list(data_request.events.values_list("status", flat=True))
        assert events[0] == DataRequest.Status.SUBMITTED and events[-1] == data_request.status
    assert DataRequest.supporters.through.objects.exists()
    not_available = DataRequest.objects.get(status=DataRequest.Status.NOT_AVAILABLE)
    assert not_available.reason
    published = DataRequest.objects.get(status=DataRequest.Status.PUBLISHED)
    assert published.dataset.is_published


def test_load_demo_twice_changes_nothing(demo):
    before = counts()

    output = load_demo()

    assert counts() == before
    assert "Communities: 0 created, 0 updated, 3 unchanged" in output
    assert "1 updated" not in output and " 0 unchanged" not in output


def test_a_changed_community_is_restored_and_new_people_can_sign_in(demo, client):
    community = Community.objects.get(slug="mobiliteit")
    community.rule_keywords = []
    community.save()
    Membership.objects.filter(user__username="redacteur").update(role=Membership.Role.REUSER)

    load_demo()

    assert Community.objects.get(slug="mobiliteit").rule_keywords
    owner = Membership.objects.get(user__username="redacteur", community=community)
    assert owner.role == Membership.Role.OWNER
    assert client.login(username="rws-data", password=DEMO_PASSWORD)
    assert "rws-data" in demo and DEMO_PASSWORD in demo


def test_the_demo_shows_in_the_api_and_ckan(demo, client):
    communities = client.get("/api/v1/communities/").json()
    questions = client.get("/api/v1/questions/?community=mobiliteit").json()
    groups = client.get("/api/3/action/group_list").json()["result"]

    assert communities["count"] == 3
    assert questions["count"] >= 3
    assert {"mobiliteit", "onderwijs", "erfgoed-en-media"} <= set(groups)
