"""Who may see and change what in the admin: the permission matrix per model.

alice edits for `publisher`, anna administers it, bob edits for `other_publisher`, carol
belongs to no publisher and is no staff, manager is a site manager.
"""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from catalog.models import (
    SITE_MANAGERS_GROUP,
    Catalog,
    Concept,
    DataService,
    Dataset,
    Licence,
    Publisher,
    PublisherMembership,
)
from tests.catalog.test_admin_publishing import dataset_form_data, management
from tests.factories import (
    DataServiceFactory,
    DatasetFactory,
    DistributionFactory,
    LicenceFactory,
    PublisherFactory,
    UserFactory,
    concept,
)

pytestmark = pytest.mark.django_db

USERS = ["alice", "anna", "bob", "carol", "manager"]


@pytest.fixture
def cast(alice, anna, bob, carol, manager):
    return {"alice": alice, "anna": anna, "bob": bob, "carol": carol, "manager": manager}


def access(client, user, url) -> str:
    """'edit' when the page offers to save, 'view' when it only shows, else 'none'."""
    client.force_login(user)
    response = client.get(url)
    if response.status_code != 200:
        return "none"
    return "edit" if 'name="_save"' in response.content.decode() else "view"


def change_url(obj):
    return reverse(f"admin:catalog_{obj._meta.model_name}_change", args=[obj.pk])


def objects(publisher):
    dataset = DatasetFactory(publisher=publisher)
    return {
        "dataset": dataset,
        "distribution": DistributionFactory(dataset=dataset),
        "dataservice": DataServiceFactory(publisher=publisher),
        "publisher": publisher,
        "concept": concept(Concept.Scheme.THEME, "TRAN"),
        "licence": LicenceFactory(),
        "catalog": Catalog.get_current(),
    }


MATRIX = {
    #               alice   anna    bob     carol   manager
    "dataset": ["edit", "edit", "none", "none", "edit"],
    "distribution": ["edit", "edit", "none", "none", "edit"],
    "dataservice": ["edit", "edit", "none", "none", "edit"],
    "publisher": ["view", "edit", "none", "none", "edit"],
    "concept": ["view", "view", "view", "none", "edit"],
    "licence": ["view", "view", "view", "none", "edit"],
    "catalog": ["none", "none", "none", "none", "edit"],
}


@pytest.mark.parametrize("model", MATRIX)
@pytest.mark.parametrize("username", USERS)
def test_change_page_access_follows_the_matrix(client, cast, publisher, model, username):
    obj = objects(publisher)[model]

    assert access(client, cast[username], change_url(obj)) == MATRIX[model][USERS.index(username)]


ADD_MATRIX = {
    #               alice anna   bob    carol  manager
    "dataset": [True, True, True, False, True],
    "distribution": [True, True, True, False, True],
    "dataservice": [True, True, True, False, True],
    "publisher": [False, False, False, False, True],
    "concept": [False, False, False, False, True],
    "licence": [False, False, False, False, True],
}


@pytest.mark.parametrize("model", ADD_MATRIX)
@pytest.mark.parametrize("username", USERS)
def test_add_page_access_follows_the_matrix(client, cast, model, username):
    client.force_login(cast[username])

    response = client.get(reverse(f"admin:catalog_{model}_add"))

    assert (response.status_code == 200) is ADD_MATRIX[model][USERS.index(username)]


def test_catalog_record_cannot_be_added_twice_or_deleted(client, manager):
    catalog = Catalog.get_current()
    client.force_login(manager)

    assert client.get(reverse("admin:catalog_catalog_add")).status_code == 403
    assert client.get(reverse("admin:catalog_catalog_delete", args=[catalog.pk])).status_code == 403


@pytest.mark.parametrize("username", ["alice", "anna", "bob", "manager"])
def test_changelists_list_only_records_the_user_may_edit(
    client, cast, publisher, other_publisher, username
):
    ours, theirs = objects(publisher), objects(other_publisher)
    client.force_login(cast[username])
    sees_ours = username in ("alice", "anna", "manager")
    sees_theirs = username in ("bob", "manager")

    for model in ["dataset", "distribution", "dataservice", "publisher"]:
        response = client.get(reverse(f"admin:catalog_{model}_changelist"))
        listed = set(response.context["cl"].result_list)
        assert (ours[model] in listed) is sees_ours, model
        assert (theirs[model] in listed) is sees_theirs, model


def test_carol_is_sent_to_the_login_page(client, carol):
    client.force_login(carol)

    response = client.get(reverse("admin:catalog_dataset_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_admin_index_shows_members_their_models(client, alice):
    client.force_login(alice)

    response = client.get(reverse("admin:index"))

    models = {m["object_name"] for app in response.context["app_list"] for m in app["models"]}
    assert {"Dataset", "Distribution", "DataService", "Publisher"} <= models
    assert "Catalog" not in models


def test_staff_without_publisher_sees_no_catalogue(client):
    dave = UserFactory(username="dave", is_staff=True)
    client.force_login(dave)

    response = client.get(reverse("admin:index"))

    assert response.context["app_list"] == []
    assert client.get(reverse("admin:catalog_dataset_changelist")).status_code == 403


def test_site_managers_group_sees_and_changes_everything(client, publisher):
    helen = UserFactory(username="helen", is_staff=True)
    helen.groups.add(Group.objects.get(name=SITE_MANAGERS_GROUP))
    items = objects(publisher)

    for model in MATRIX:
        assert access(client, helen, change_url(items[model])) == "edit", model
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200


def test_changelist_publisher_filter_offers_only_own_publishers(
    client, alice, publisher, other_publisher
):
    second = PublisherFactory()
    second.add_member(alice)
    for owner in (publisher, second, other_publisher):
        DatasetFactory(publisher=owner)
    client.force_login(alice)

    html = client.get(reverse("admin:catalog_dataset_changelist")).content.decode()

    assert f"publisher__id__exact={publisher.pk}" in html
    assert f"publisher__id__exact={second.pk}" in html
    assert f"publisher__id__exact={other_publisher.pk}" not in html


# Changing what one may not change ----------------------------------------------------


def test_editor_cannot_change_another_publishers_dataset(client, bob, publisher):
    dataset = DatasetFactory(publisher=publisher, title={"en": "Ours"})
    client.force_login(bob)

    response = client.post(
        change_url(dataset), dataset_form_data(publisher, slug=dataset.slug, title_1="Hacked")
    )

    assert response.status_code == 302
    dataset.refresh_from_db()
    assert dataset.title == {"en": "Ours"}


def test_editor_cannot_delete_another_publishers_dataset(client, bob, publisher):
    dataset = DatasetFactory(publisher=publisher)
    client.force_login(bob)

    client.post(reverse("admin:catalog_dataset_delete", args=[dataset.pk]), {"post": "yes"})
    client.post(
        reverse("admin:catalog_dataset_changelist"),
        {"action": "delete_selected", "_selected_action": [dataset.pk], "post": "yes"},
    )

    assert Dataset.objects.filter(pk=dataset.pk).exists()


def test_editor_deletes_own_dataset(client, alice, publisher):
    dataset = DatasetFactory(publisher=publisher)
    DistributionFactory(dataset=dataset)
    client.force_login(alice)

    response = client.post(
        reverse("admin:catalog_dataset_changelist"),
        {"action": "delete_selected", "_selected_action": [dataset.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert not Dataset.objects.filter(pk=dataset.pk).exists()


def test_forged_publisher_is_refused(client, alice, publisher, other_publisher):
    client.force_login(alice)

    response = client.post(reverse("admin:catalog_dataset_add"), dataset_form_data(other_publisher))

    assert response.status_code == 200
    assert "You cannot publish datasets for that organisation." in response.content.decode()
    assert not Dataset.objects.exists()


def test_editor_cannot_move_own_dataset_to_another_publisher(
    client, alice, publisher, other_publisher
):
    dataset = DatasetFactory(publisher=publisher)
    client.force_login(alice)

    response = client.post(change_url(dataset), dataset_form_data(other_publisher))

    assert response.status_code == 200
    dataset.refresh_from_db()
    assert dataset.publisher == publisher


def test_publisher_choices_are_own_publishers_only(client, alice, publisher, other_publisher):
    client.force_login(alice)

    response = client.get(reverse("admin:catalog_dataset_add"))

    form = response.context["adminform"].form
    assert list(form.fields["publisher"].queryset) == [publisher]
    assert form.initial["publisher"] == publisher.pk


def test_forged_dataset_on_distribution_is_refused(client, alice, other_publisher):
    theirs = DatasetFactory(publisher=other_publisher)
    client.force_login(alice)

    response = client.post(
        reverse("admin:catalog_distribution_add"),
        {
            "dataset": theirs.pk,
            "access_url": "https://x.example/",
            "status": "COMPLETED",
            "position": "0",
        },
    )

    assert "You cannot add files to that dataset." in response.content.decode()
    assert not theirs.distributions.exists()


def test_forged_distribution_id_in_inline_is_refused(client, alice, publisher, other_publisher):
    ours = DatasetFactory(publisher=publisher, slug="ours")
    theirs = DistributionFactory(dataset=DatasetFactory(publisher=other_publisher))
    client.force_login(alice)
    data = dataset_form_data(
        publisher,
        slug="ours",
        **management("distributions", 1, initial=1),
        **{
            "distributions-0-id": theirs.pk,
            "distributions-0-dataset": ours.pk,
            "distributions-0-access_url": "https://hijacked.example/",
            "distributions-0-status": "COMPLETED",
            "distributions-0-position": "0",
        },
    )

    client.post(change_url(ours), data)

    theirs.refresh_from_db()
    assert theirs.access_url != "https://hijacked.example/"
    assert theirs.dataset.publisher == other_publisher


def test_data_service_cannot_serve_someone_elses_draft(client, alice, publisher, other_publisher):
    draft = DatasetFactory(publisher=other_publisher)
    client.force_login(alice)

    response = client.post(
        reverse("admin:catalog_dataservice_add"),
        {
            "title_1": "Counts API",
            "publisher": publisher.pk,
            "endpoint_url": "https://api.example.org/",
            "serves_datasets": [draft.pk],
            "status": "draft",
        },
    )

    assert response.status_code == 200
    assert not DataService.objects.exists()


def test_read_only_pages_refuse_posts(client, alice, publisher):
    client.force_login(alice)
    theme = concept(Concept.Scheme.THEME, "TRAN")

    assert client.post(change_url(publisher), {"slug": "moved"}).status_code == 403
    assert client.post(change_url(theme), {"code": "X"}).status_code == 403
    assert client.post(change_url(LicenceFactory()), {"code": "X"}).status_code == 403
    assert Publisher.objects.get(pk=publisher.pk).slug == "gemeente-utrecht"
    assert Licence.objects.filter(code="X").count() == 0


# Members -----------------------------------------------------------------------------


def publisher_form_data(publisher, memberships=(), extra=()):
    data = {
        "name_0": publisher.name.get("nl", ""),
        "name_1": publisher.name.get("en", ""),
        "uri": "",
        "homepage": "",
        "email": publisher.email,
        **management("memberships", len(memberships) + len(extra), initial=len(memberships)),
    }
    rows = list(memberships) + list(extra)
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"memberships-{index}-{name}"] = value
    return data


def existing(membership):
    return {
        "id": membership.pk,
        "publisher": membership.publisher_id,
        "user": membership.user.username,
        "role": membership.role,
    }


def test_publisher_admin_adds_a_member_by_email(client, anna, alice, carol, publisher):
    client.force_login(anna)
    current = list(publisher.memberships.order_by("pk"))

    response = client.post(
        change_url(publisher),
        publisher_form_data(
            publisher,
            [existing(m) for m in current],
            [{"user": "CAROL@example.org", "role": "editor"}],
        ),
    )

    assert response.status_code == 302
    carol.refresh_from_db()
    assert carol.is_staff
    assert publisher.memberships.get(user=carol).role == PublisherMembership.Role.EDITOR


def test_unknown_member_gets_a_plain_message(client, anna, publisher):
    client.force_login(anna)

    response = client.post(
        change_url(publisher),
        publisher_form_data(
            publisher,
            [existing(m) for m in publisher.memberships.order_by("pk")],
            [{"user": "nobody@example.org", "role": "editor"}],
        ),
    )

    assert "There is no account with the username or e-mail address" in response.content.decode()


def test_publisher_admin_removes_a_member(client, anna, alice, publisher):
    client.force_login(anna)
    rows = [existing(m) for m in publisher.memberships.order_by("pk")]
    for row in rows:
        if row["user"] == "alice":
            row["DELETE"] = "on"

    client.post(change_url(publisher), publisher_form_data(publisher, rows))

    assert not publisher.memberships.filter(user=alice).exists()


def test_members_inline_only_for_publisher_admins(client, alice, anna, manager, publisher):
    for user, shown in [(alice, False), (anna, True), (manager, True)]:
        client.force_login(user)
        html = client.get(change_url(publisher)).content.decode()
        assert ('name="memberships-TOTAL_FORMS"' in html) is shown, user
        assert ('value="alice"' in html) is shown, user


def test_editor_cannot_make_herself_admin(client, alice, publisher, carol):
    client.force_login(alice)

    response = client.post(
        change_url(publisher),
        publisher_form_data(publisher, [], [{"user": "carol", "role": "admin"}]),
    )

    assert response.status_code == 403
    assert not publisher.memberships.filter(user=carol).exists()


def test_publisher_admin_cannot_edit_another_publisher(client, anna, other_publisher):
    client.force_login(anna)

    assert access(client, anna, change_url(other_publisher)) == "none"


# Autocomplete --------------------------------------------------------------------------


def autocomplete(client, model_name, field_name, term):
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "catalog", "model_name": model_name, "field_name": field_name, "term": term},
    )
    assert response.status_code == 200
    return {item["text"] for item in response.json()["results"]}


def test_theme_autocomplete_offers_themes_only(client, alice):
    concept(Concept.Scheme.THEME, "TRAN")
    client.force_login(alice)

    found = autocomplete(client, "dataset", "themes", "Transport")
    assert found
    found_formats = autocomplete(client, "distribution", "format", "CSV")

    assert all(
        Concept.objects.filter(scheme=Concept.Scheme.THEME, label__en=text).exists()
        or Concept.objects.filter(scheme=Concept.Scheme.THEME, label__nl=text).exists()
        for text in found
    )
    assert any("CSV" in text for text in found_formats)
    assert not autocomplete(client, "dataset", "themes", "CSV")


def test_related_dataset_autocomplete_offers_visible_datasets(client, alice, other_publisher):
    DatasetFactory(publisher=other_publisher, title={"en": "Bridge heights"}, published=True)
    DatasetFactory(publisher=other_publisher, title={"en": "Bridge secrets"})
    client.force_login(alice)

    assert autocomplete(client, "datasetrelation", "target", "Bridge") == {"Bridge heights"}
    assert autocomplete(client, "distribution", "dataset", "Bridge") == set()


def test_carol_cannot_use_autocomplete(client, carol):
    client.force_login(carol)

    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "catalog", "model_name": "dataset", "field_name": "themes", "term": "a"},
    )

    assert response.status_code == 302
