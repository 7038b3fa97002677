import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from catalog.models import Concept, Dataset, Reuse
from communities import spaces
from communities.models import (
    Answer,
    Community,
    DataRequest,
    Membership,
    Notification,
    Profile,
    Question,
)
from tests.factories import DatasetFactory, PublisherFactory, UserFactory, concept

pytestmark = pytest.mark.django_db


def make_community(slug="mobility", *, is_open=True, **rules):
    community = Community.objects.create(
        slug=slug,
        name={"en": f"Community {slug}", "nl": f"Gemeenschap {slug}"},
        description={"en": "About **moving** around.", "nl": "Over **bewegen**."},
        is_open=is_open,
        rule_keywords=rules.pop("keywords", []),
    )
    community.rule_publishers.set(rules.pop("publishers", []))
    community.rule_themes.set(rules.pop("themes", []))
    community.datasets.set(rules.pop("datasets", []))
    return community


def add_member(community, user, role=Membership.Role.REUSER, status=Membership.Status.ACTIVE):
    return Membership.objects.create(community=community, user=user, role=role, status=status)


def post(client, name, community, *args, data=None):
    return client.post(reverse(f"communities:{name}", args=[community.slug, *args]), data or {})


@pytest.fixture
def community():
    return make_community()


@pytest.fixture
def managed(community, manager_user):
    add_member(community, manager_user, Membership.Role.MANAGER)
    return community


@pytest.fixture
def manager_user():
    """The manager of a community (not a site manager)."""
    return UserFactory(username="mia")


# Scope --------------------------------------------------------------------------------------


def test_publisher_rule_picks_up_a_new_dataset(publisher, other_publisher):
    community = make_community(publishers=[publisher])

    new = DatasetFactory(published=True, publisher=publisher)
    DatasetFactory(published=True, publisher=other_publisher)

    assert list(community.datasets_in_scope()) == [new]


def test_theme_rule_picks_up_a_new_dataset():
    education = concept(Concept.Scheme.THEME, "EDUC")
    community = make_community(themes=[education])

    new = DatasetFactory(published=True, themes=[education])
    DatasetFactory(published=True, themes=[concept(Concept.Scheme.THEME, "TRAN")])

    assert list(community.datasets_in_scope()) == [new]


def test_keyword_rule_picks_up_a_new_dataset():
    community = make_community(keywords=["fietsen"])

    new = DatasetFactory(published=True, keywords={"nl": ["fietsen", "verkeer"]})
    DatasetFactory(published=True, keywords={"nl": ["onderwijs"]})

    assert list(community.datasets_in_scope()) == [new]


def test_drafts_never_enter_the_scope(publisher):
    draft = DatasetFactory(publisher=publisher, keywords={"nl": ["fietsen"]})
    community = make_community(publishers=[publisher], keywords=["fietsen"], datasets=[draft])

    assert not community.datasets_in_scope().exists()
    assert spaces.dataset_counts([community]) == {community.pk: 0}


def test_dataset_counts_match_the_scope_and_count_overlaps_once(publisher, other_publisher):
    education = concept(Concept.Scheme.THEME, "EDUC")
    both = DatasetFactory(published=True, publisher=publisher, keywords={"nl": ["fietsen"]})
    DatasetFactory(published=True, publisher=other_publisher, themes=[education])
    picked = DatasetFactory(published=True, publisher=other_publisher)
    communities = [
        make_community("a", publishers=[publisher], keywords=["fietsen"]),
        make_community("b", themes=[education], datasets=[picked, both]),
        make_community("c"),
    ]

    counts = spaces.dataset_counts(communities)

    assert counts == {c.pk: c.datasets_in_scope().count() for c in communities}
    assert list(counts.values()) == [1, 3, 0]


# List and detail ----------------------------------------------------------------------------


def test_list_shows_communities_with_member_and_dataset_counts(client, publisher, carol):
    community = make_community(publishers=[publisher])
    DatasetFactory.create_batch(2, published=True, publisher=publisher)
    DatasetFactory(publisher=publisher)  # a draft: not counted
    add_member(community, carol)
    add_member(community, UserFactory(), status=Membership.Status.PENDING)

    response = client.get(reverse("communities:community-list"))

    assert response.status_code == 200
    assert response.context["communities"][0].member_count == 1
    assert response.context["communities"][0].dataset_count == 2
    assert "Community mobility" in response.text
    assert "About moving around." in response.text


def test_list_query_count_does_not_grow_with_communities(client, publisher):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("communities:community-list")).status_code == 200
        return len(captured)

    make_community("one", publishers=[publisher], keywords=["x"], themes=[concept("theme", "EDUC")])
    few = queries()
    for slug in ("two", "three", "four"):
        community = make_community(slug, publishers=[PublisherFactory()], keywords=[slug])
        community.themes.set([concept(Concept.Scheme.THEME, "TRAN")])
        add_member(community, UserFactory())
        DatasetFactory(published=True, keywords={"nl": [slug]})

    assert queries() == few


def test_detail_shows_about_members_datasets_questions_requests_reuses(client, publisher):
    community = make_community(publishers=[publisher])
    dataset = DatasetFactory(published=True, publisher=publisher, title={"en": "Bike counts"})
    draft = DatasetFactory(publisher=publisher, title={"en": "Secret draft"})
    owner = UserFactory(username="olga")
    Profile.objects.create(user=owner, display_name="Olga Owner")
    add_member(community, owner, Membership.Role.OWNER)
    add_member(community, UserFactory(username="pending-pete"), status=Membership.Status.PENDING)
    question = Question.objects.create(
        author=owner, community=community, title="Where are the counters?", body="?"
    )
    Question.objects.create(author=owner, dataset=dataset, title="Asked on the dataset", body="?")
    Question.objects.create(
        author=owner, community=community, dataset=draft, title="Asked on the draft", body="?"
    )
    Question.objects.create(
        author=owner, community=community, title="Hidden question", body="?", is_hidden=True
    )
    Answer.objects.create(author=owner, question=question, body="At every crossing.")
    Answer.objects.create(author=owner, question=question, body="Removed", is_deleted=True)
    DataRequest.objects.create(author=owner, community=community, title="Parking data", body="!")
    reuse = Reuse.objects.create(
        slug="bike-app", title="Bike app", type="application", description="x", author="Me",
        status=Reuse.Status.APPROVED,
    )  # fmt: skip
    reuse.datasets.set([dataset])
    pending_reuse = Reuse.objects.create(
        slug="pending", title="Unmoderated app", type="application", description="x", author="Me"
    )
    pending_reuse.datasets.set([dataset])

    response = client.get(community.get_absolute_url())

    assert response.status_code == 200
    text = response.text
    assert "About <strong>moving</strong> around." in text
    assert "Olga Owner" in text and "pending-pete" not in text
    assert "Bike counts" in text and "Secret draft" not in text
    assert "Where are the counters?" in text and "Asked on the dataset" in text
    assert "Asked on the draft" not in text and "Hidden question" not in text
    assert "At every crossing." in text and "Removed" not in text
    assert "Parking data" in text
    assert "Bike app" in text and "Unmoderated app" not in text
    kinds = [activity.kind for activity in response.context["activity"]]
    assert sorted(set(kinds)) == ["answer", "dataset", "question", "request", "reuse"]
    assert response.context["activity"] == sorted(
        response.context["activity"], key=lambda activity: activity.when, reverse=True
    )


def test_detail_paginates_published_datasets(client, publisher):
    community = make_community(publishers=[publisher])
    DatasetFactory.create_batch(12, published=True, publisher=publisher)

    first = client.get(community.get_absolute_url())
    second = client.get(community.get_absolute_url(), {"page": 2})
    garbage = client.get(community.get_absolute_url(), {"page": "x'--"})

    assert first.context["page_obj"].paginator.count == 12
    assert len(first.context["page_obj"].object_list) == 10
    assert len(second.context["page_obj"].object_list) == 2
    assert garbage.status_code == 200


def test_detail_of_an_unknown_community_is_404(client):
    assert client.get("/communities/nope/").status_code == 404


def test_detail_query_count_is_fixed(client, publisher, carol):
    community = make_community(publishers=[publisher])
    client.force_login(carol)
    add_member(community, carol)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(community.get_absolute_url()).status_code == 200
        return len(captured)

    def add_content(start, stop):
        for i in range(start, stop):
            person = UserFactory()
            Profile.objects.create(user=person, display_name=f"Person {i}")
            add_member(community, person, role=Membership.Role.EXPERT)
            dataset = DatasetFactory(published=True, publisher=publisher)
            question = Question.objects.create(
                author=person, community=community, title=f"Q{i}", body="?"
            )
            Question.objects.create(author=person, dataset=dataset, title=f"D{i}", body="?")
            Answer.objects.create(author=person, question=question, body="A")
            DataRequest.objects.create(author=person, community=community, title="R", body="!")
            reuse = Reuse.objects.create(
                slug=f"r{i}", title="R", type="application", description="x", author="Me",
                status=Reuse.Status.APPROVED,
            )  # fmt: skip
            reuse.datasets.set([dataset])

    add_content(0, 1)
    few = queries()
    add_content(1, 6)

    assert queries() == few


# Membership ---------------------------------------------------------------------------------


def test_joining_an_open_community_makes_an_active_reuser(client, community, carol):
    client.force_login(carol)

    response = post(client, "community-join", community)

    assert response.status_code == 302
    membership = Membership.objects.get(community=community, user=carol)
    assert (membership.status, membership.role) == ("active", "reuser")


def test_joining_twice_changes_nothing(client, community, carol):
    client.force_login(carol)
    add_member(community, carol, Membership.Role.EXPERT)

    post(client, "community-join", community)

    assert Membership.objects.get(community=community, user=carol).role == "expert"


def test_asking_to_join_a_closed_community_waits_and_tells_the_managers(client, carol):
    community = make_community(is_open=False)
    manager = UserFactory(username="mia")
    add_member(community, manager, Membership.Role.MANAGER)
    client.force_login(carol)

    post(client, "community-join", community)

    assert Membership.objects.get(community=community, user=carol).status == "pending"
    assert Notification.objects.filter(user=manager, kind="join_requested").exists()
    page = client.get(community.get_absolute_url())
    assert "carol" not in page.context["member_groups"].__repr__()


def test_join_needs_sign_in_and_post(client, community, carol):
    assert post(client, "community-join", community).status_code == 302
    assert not Membership.objects.exists()
    client.force_login(carol)
    response = client.get(reverse("communities:community-join", args=[community.slug]))
    assert response.status_code == 405


def test_join_refuses_a_missing_csrf_token(community, carol):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(carol)

    assert post(client, "community-join", community).status_code == 403
    assert not Membership.objects.exists()


def test_manager_approves_a_request_and_the_person_is_notified(client, manager_user, carol):
    community = make_community(is_open=False)
    add_member(community, manager_user, Membership.Role.MANAGER)
    pending = add_member(community, carol, status=Membership.Status.PENDING)
    client.force_login(manager_user)

    response = post(client, "member-approve", community, pending.pk)

    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == "active"
    notification = Notification.objects.get(user=carol)
    assert notification.kind == "join_approved"
    assert notification.url == community.get_absolute_url()


def test_manager_refuses_a_request_and_the_person_is_notified(client, managed, carol):
    pending = add_member(managed, carol, status=Membership.Status.PENDING)
    client.force_login(Membership.objects.get(role="manager").user)

    post(client, "member-refuse", managed, pending.pk)

    assert not Membership.objects.filter(pk=pending.pk).exists()
    assert Notification.objects.get(user=carol).kind == "join_refused"


def test_join_decision_is_notified_in_the_persons_language(client, managed, carol):
    Profile.objects.create(user=carol, language="nl")
    pending = add_member(managed, carol, status=Membership.Status.PENDING)
    client.force_login(Membership.objects.get(role="manager").user)

    post(client, "member-approve", managed, pending.pk)

    assert "Gemeenschap mobility" in Notification.objects.get(user=carol).message


@pytest.mark.parametrize("action", ["member-approve", "member-refuse", "member-role"])
def test_members_cannot_decide_on_others(client, managed, carol, action):
    pending = add_member(managed, UserFactory(), status=Membership.Status.PENDING)
    add_member(managed, carol, Membership.Role.MODERATOR)
    client.force_login(carol)

    response = post(client, action, managed, pending.pk, data={"role": "manager"})

    assert response.status_code == 403
    assert Membership.objects.get(pk=pending.pk).status == "pending"


def test_a_manager_of_another_community_cannot_manage_this_one(client, managed, carol):
    other = make_community("other")
    add_member(other, carol, Membership.Role.MANAGER)
    member = add_member(managed, UserFactory())
    client.force_login(carol)

    assert post(client, "member-remove", managed, member.pk).status_code == 403
    assert client.get(reverse("communities:member-list", args=[managed.slug])).status_code == 403
    # A membership of another community through this community's URL: not found.
    mine = Membership.objects.get(community=other, user=carol)
    assert post(client, "member-remove", other, 999999).status_code == 404
    client.force_login(Membership.objects.get(community=managed, role="manager").user)
    assert post(client, "member-remove", managed, mine.pk).status_code == 404


def test_site_manager_manages_any_community(client, community, manager, carol):
    member = add_member(community, carol)
    client.force_login(manager)

    post(client, "member-role", community, member.pk, data={"role": "expert"})

    member.refresh_from_db()
    assert member.role == "expert"


def test_member_list_is_for_managers(client, managed, manager_user, carol):
    url = reverse("communities:member-list", args=[managed.slug])
    add_member(managed, carol, status=Membership.Status.PENDING)

    assert client.get(url).status_code == 302  # to sign in
    client.force_login(carol)
    assert client.get(url).status_code == 403
    client.force_login(manager_user)
    response = client.get(url)
    assert response.status_code == 200
    assert [m.user for m in response.context["pending"]] == [carol]


def test_member_leaves(client, community, carol):
    add_member(community, carol)
    client.force_login(carol)

    post(client, "community-leave", community)

    assert not Membership.objects.filter(user=carol).exists()


def test_leaving_without_membership_is_404(client, community, carol):
    client.force_login(carol)

    assert post(client, "community-leave", community).status_code == 404


def test_the_last_manager_cannot_leave_be_removed_or_demoted(client, managed, manager_user):
    membership = Membership.objects.get(user=manager_user)
    client.force_login(manager_user)

    post(client, "community-leave", managed)
    post(client, "member-remove", managed, membership.pk)
    response = post(client, "member-role", managed, membership.pk, data={"role": "reuser"})

    membership.refresh_from_db()
    assert membership.role == "manager"
    assert "needs a manager" in client.get(response.url).text


def test_a_manager_may_step_down_when_another_remains(client, managed, manager_user, carol):
    add_member(managed, carol, Membership.Role.MANAGER)
    client.force_login(manager_user)

    post(client, "community-leave", managed)

    assert not Membership.objects.filter(user=manager_user).exists()
    assert Membership.objects.get(user=carol).role == "manager"


def test_manager_changes_roles_and_the_person_is_notified(client, managed, manager_user, carol):
    member = add_member(managed, carol)
    client.force_login(manager_user)

    for role in ["expert", "moderator", "manager", "reuser"]:
        post(client, "member-role", managed, member.pk, data={"role": role})
        member.refresh_from_db()
        assert member.role == role
    assert Notification.objects.filter(user=carol, kind="role_changed").count() == 4


def test_data_owner_represents_one_of_their_publishers(client, managed, manager_user, alice):
    # conftest: alice is an editor of `publisher`
    member = add_member(managed, alice)
    publisher = alice.publisher_memberships.get().publisher
    client.force_login(manager_user)

    post(
        client, "member-role", managed, member.pk, data={"role": "owner", "publisher": publisher.pk}
    )

    member.refresh_from_db()
    assert (member.role, member.publisher) == ("owner", publisher)


def test_data_owner_cannot_represent_a_publisher_they_do_not_belong_to(
    client, managed, manager_user, alice, other_publisher
):
    member = add_member(managed, alice)
    client.force_login(manager_user)

    post(
        client,
        "member-role",
        managed,
        member.pk,
        data={"role": "owner", "publisher": other_publisher.pk},
    )

    member.refresh_from_db()
    assert (member.role, member.publisher) == ("reuser", None)


@pytest.mark.parametrize("role", ["", "superuser", "x" * 500])
def test_bad_role_input_is_refused_without_error(client, managed, manager_user, carol, role):
    member = add_member(managed, carol)
    client.force_login(manager_user)

    response = post(client, "member-role", managed, member.pk, data={"role": role})

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.role == "reuser"


def test_pending_members_get_no_role_until_approved(client, managed, manager_user, carol):
    pending = add_member(managed, carol, status=Membership.Status.PENDING)
    client.force_login(manager_user)

    post(client, "member-role", managed, pending.pk, data={"role": "manager"})

    pending.refresh_from_db()
    assert (pending.role, pending.status) == ("reuser", "pending")


def test_manager_removes_a_member(client, managed, manager_user, carol):
    member = add_member(managed, carol)
    client.force_login(manager_user)

    post(client, "member-remove", managed, member.pk)

    assert not Membership.objects.filter(pk=member.pk).exists()
    assert Notification.objects.get(user=carol).kind == "member_removed"


# Profiles -----------------------------------------------------------------------------------


def test_profile_page_shows_name_expertise_communities_and_visible_answers(client, carol):
    Profile.objects.create(
        user=carol, display_name="Carol C.", organisation="TU Delft", expertise="Traffic models"
    )
    community = make_community()
    closed = make_community("closed", is_open=False)
    add_member(community, carol, Membership.Role.EXPERT)
    add_member(closed, carol, status=Membership.Status.PENDING)
    question = Question.objects.create(author=carol, community=community, title="Q?", body="?")
    hidden_question = Question.objects.create(
        author=carol, community=community, title="Hidden Q", body="?", is_hidden=True
    )
    draft_question = Question.objects.create(
        author=carol, dataset=DatasetFactory(), title="Draft Q", body="?"
    )
    Answer.objects.create(author=carol, question=question, body="Visible answer")
    Answer.objects.create(author=carol, question=question, body="Held answer", is_held=True)
    Answer.objects.create(author=carol, question=hidden_question, body="On hidden")
    Answer.objects.create(author=carol, question=draft_question, body="On draft")

    response = client.get(reverse("communities:profile-detail", args=["carol"]))

    assert response.status_code == 200
    text = response.text
    assert "Carol C." in text and "TU Delft" in text and "Traffic models" in text
    assert "Community mobility" in text and "Community closed" not in text
    assert "Visible answer" in text
    assert "Held answer" not in text and "On hidden" not in text and "On draft" not in text


def test_profile_is_created_when_missing(client, carol):
    assert client.get(f"/people/{carol.username}/").status_code == 200
    assert Profile.objects.filter(user=carol).exists()


def test_profile_of_unknown_or_inactive_user_is_404(client, carol):
    carol.is_active = False
    carol.save()

    assert client.get("/people/carol/").status_code == 404
    assert client.get("/people/nobody/").status_code == 404


def test_profile_edit_saves_the_signed_in_users_profile(client, carol):
    client.force_login(carol)
    data = {
        "display_name": "Carol",
        "organisation": "CBS",
        "expertise": "Statistics",
        "language": "nl",
        "is_expert": "on",  # not a field of the form: ignored
    }

    response = client.post(reverse("communities:profile-edit"), data)

    assert response.status_code == 302
    profile = Profile.objects.get(user=carol)
    assert (profile.display_name, profile.organisation, profile.language) == ("Carol", "CBS", "nl")
    assert not profile.is_expert


def test_profile_edit_refuses_bad_input(client, carol):
    client.force_login(carol)

    response = client.post(
        reverse("communities:profile-edit"), {"display_name": "x" * 500, "language": "xx"}
    )

    assert response.status_code == 400
    assert not Profile.objects.get(user=carol).display_name


def test_profile_edit_needs_sign_in(client):
    response = client.get(reverse("communities:profile-edit"))

    assert response.status_code == 302
    assert reverse("account_login") in response.url


# Language and navigation --------------------------------------------------------------------


def test_pages_render_in_dutch(client, carol):
    community = make_community()
    add_member(community, carol, Membership.Role.EXPERT)
    client.cookies["django_language"] = "nl"

    detail = client.get(community.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="nl")
    listing = client.get(reverse("communities:community-list"), HTTP_ACCEPT_LANGUAGE="nl")

    assert '<html lang="nl">' in detail.text
    assert "Gemeenschap mobility" in detail.text and "Over <strong>bewegen</strong>." in detail.text
    assert "Gemeenschap mobility" in listing.text


def test_site_nav_and_account_page_link_to_communities(client, carol):
    client.force_login(carol)

    home = client.get("/")
    account = client.get(reverse("account"))

    assert 'href="/communities/"' in home.text
    assert 'href="/communities/"' in account.text
    assert 'href="/account/profile/"' in account.text


def test_dataset_activity_uses_the_publication_date(publisher):
    community = make_community(publishers=[publisher])
    old = DatasetFactory(published=True, publisher=publisher)
    Dataset.objects.filter(pk=old.pk).update(published_at=timezone.now() - timezone.timedelta(9))
    new = DatasetFactory(published=True, publisher=publisher)
    datasets = community.datasets_in_scope()

    recent = spaces.recent(community, datasets, spaces.community_questions(community, datasets))

    assert [activity.item for activity in recent["activity"]] == [new, old]


# Admin --------------------------------------------------------------------------------------


def test_site_manager_sets_up_a_community_in_the_admin(client, manager, publisher, carol):
    client.force_login(manager)
    for model in ["community", "profile", "question", "answer", "datarequest", "report"]:
        assert client.get(f"/admin/communities/{model}/").status_code == 200
    assert client.get("/admin/communities/community/add/").status_code == 200

    response = client.post(
        "/admin/communities/community/add/",
        {
            "name_0": "Mobiliteit",
            "name_1": "Mobility",
            "description_0": "",
            "description_1": "",
            "slug": "mobiliteit",
            "is_open": "on",
            "rule_publishers": [publisher.pk],
            "rule_keywords": "fietsen, verkeer , fietsen",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-user": carol.pk,
            "memberships-0-role": "manager",
            "memberships-0-status": "active",
            "memberships-0-joined_at_0": "2026-01-01",
            "memberships-0-joined_at_1": "10:00:00",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    community = Community.objects.get(slug="mobiliteit")
    assert community.rule_keywords == ["fietsen", "verkeer"]
    assert community.memberships.get().user == carol


def test_site_manager_marks_an_expert(client, manager, carol):
    profile = Profile.objects.create(user=carol)
    client.force_login(manager)

    client.post(
        f"/admin/communities/profile/{profile.pk}/change/",
        {
            "user": carol.pk,
            "display_name": "",
            "organisation": "",
            "expertise": "",
            "language": "",
            "is_expert": "on",
            "email_frequency": "immediate",
        },
    )

    profile.refresh_from_db()
    assert profile.is_expert


def test_publisher_editors_do_not_see_the_communities_admin(client, alice):
    client.force_login(alice)

    assert client.get("/admin/communities/community/").status_code == 403
    assert client.get("/admin/communities/question/").status_code == 403


def test_posts_are_read_mostly_in_the_admin(client, manager, carol):
    question = Question.objects.create(
        author=carol, community=make_community(), title="Original", body="?"
    )
    client.force_login(manager)

    assert client.get("/admin/communities/question/add/").status_code == 403
    client.post(
        f"/admin/communities/question/{question.pk}/change/",
        {"title": "Changed", "is_hidden": "on"},
    )

    question.refresh_from_db()
    assert (question.title, question.is_hidden) == ("Original", True)


def test_without_managers_the_site_managers_hear_of_a_request_to_join(client, manager, carol):
    community = make_community(is_open=False)
    client.force_login(carol)

    post(client, "community-join", community)

    assert Notification.objects.get(kind="join_requested").user == manager
