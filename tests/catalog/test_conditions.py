"""Structured reuse conditions: templates, editing and refusals in the admin and the APIs,
the plain-language section, the machine-readable surfaces (DCAT/ODRL, REST, CKAN) and the
condition filters."""

import datetime
import json

import pytest
from django.core.cache import cache
from django.urls import reverse
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS
from rest_framework.test import APIClient

from catalog import conditions, reuse, search
from catalog.models import (
    Agreement,
    ApiToken,
    Concept,
    Dataset,
    Licence,
    PolicyRule,
    PolicyTemplate,
)
from tests.catalog.test_admin_publishing import dataset_form_data, management
from tests.factories import DatasetFactory, DistributionFactory, LicenceFactory, concept

pytestmark = pytest.mark.django_db

ODRL = "http://www.w3.org/ns/odrl/2/"
DCATAP = "http://data.europa.eu/r5r/"
ADD_URL = reverse("admin:catalog_dataset_add")
S = Concept.Scheme
P, X, D = PolicyRule.Kind.PERMISSION, PolicyRule.Kind.PROHIBITION, PolicyRule.Kind.DUTY


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


def access(code):
    return concept(S.ACCESS_RIGHT, code)


def licence(code):
    return Licence.objects.get(code=code)


def template(english_name):
    return next(t for t in PolicyTemplate.objects.all() if t.name.get("en") == english_name)


def rule(owner, kind, action, **fields):
    key = "template" if isinstance(owner, PolicyTemplate) else owner._meta.model_name
    return PolicyRule.objects.create(**{key: owner}, kind=kind, action=action, **fields)


def rules_data(rules, initial=0, prefix="policy_rules"):
    """The rules inline's POST data; each rule a dict of its fields."""
    data = management(prefix, len(rules), initial)
    for index, fields in enumerate(rules):
        fields = {"position": str(index), **fields}
        for name, value in fields.items():
            data[f"{prefix}-{index}-{name}"] = value
    return data


def conditions_data(publisher, rules=(), **overrides):
    data = dataset_form_data(publisher, **rules_data(rules))
    data.update(overrides)
    return data


def change_url(dataset):
    return reverse("admin:catalog_dataset_change", args=[dataset.pk])


def form_errors(response) -> str:
    """Every error the admin shows: the form's and each inline formset's."""
    context = response.context
    errors = [str(context["adminform"].form.errors)]
    for inline in context["inline_admin_formsets"]:
        errors.append(str(inline.formset.non_form_errors()))
        errors.extend(str(form.errors) for form in inline.formset.forms)
    return " ".join(errors)


# Templates -------------------------------------------------------------------------------


def test_the_migration_ships_the_named_templates():
    names = [t.name["en"] for t in PolicyTemplate.objects.all()]
    assert names[:6] == [
        "Open, CC BY 4.0",
        "Open, CC0",
        "Non-commercial, attribution",
        "Research use after agreement",
        "Government use only",
        "Not public: personal data",
    ]
    assert all(t.name.get("nl") and t.description.get("nl") for t in PolicyTemplate.objects.all())
    research = template("Research use after agreement")
    assert research.access_rights.code == "RESTRICTED"
    assert {(r.kind, r.action) for r in research.rules.all()} == {
        (P, "use"), (P, "derive"), (X, "distribute"),
        (D, "sign_agreement"), (D, "attribute"), (D, "inform"),
    }  # fmt: skip
    assert template("Non-commercial, attribution").licence.non_commercial
    personal = template("Not public: personal data")
    assert (personal.access_rights.code, personal.access_reason) == ("NON_PUBLIC", "personal_data")
    # Every shipped template passes the portal's own consistency rules.
    for shipped in PolicyTemplate.objects.all():
        args = (shipped.licence, shipped.access_rights, shipped.access_reason, None)
        assert conditions.problems(*args, shipped.rules.all(), require_reason=False) == []


def test_the_template_migration_is_idempotent():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("catalog.migrations.0010_policy_templates")
    before = PolicyTemplate.objects.count(), PolicyRule.objects.count()
    migration.create_templates(apps, None)
    assert (PolicyTemplate.objects.count(), PolicyRule.objects.count()) == before


def test_only_site_managers_edit_templates(client, alice, manager):
    url = reverse("admin:catalog_policytemplate_changelist")
    client.force_login(alice)
    assert client.get(url).status_code == 403
    client.force_login(manager)
    assert client.get(url).status_code == 200
    change = reverse("admin:catalog_policytemplate_change", args=[template("Open, CC0").pk])
    assert client.get(change).status_code == 200


def test_a_site_manager_cannot_save_an_inconsistent_template(client, manager):
    client.force_login(manager)
    data = {
        "name_0": "Fout",
        "name_1": "Wrong",
        "licence": licence("CC-BY-NC-4.0").pk,
        "access_rights": access("PUBLIC").pk,
        "position": "9",
        **rules_data([{"kind": P, "action": "commercialize"}], prefix="rules"),
    }

    response = client.post(reverse("admin:catalog_policytemplate_add"), data)

    assert response.status_code == 200
    assert "does not allow commercial use" in form_errors(response)
    assert not PolicyTemplate.objects.filter(name__en="Wrong").exists()


# Editing in the admin -----------------------------------------------------------------------


def test_editor_sets_conditions_and_rules(client, alice, publisher):
    client.force_login(alice)
    data = conditions_data(
        publisher,
        rules=[
            {"kind": P, "action": "use", "purposes": ["research", "education"]},
            {"kind": P, "action": "derive", "recipient_types": ["research"], "territory": "nl"},
            {"kind": D, "action": "sign_agreement"},
            {"kind": X, "action": "distribute", "valid_until": "2030-12-31"},
        ],
        access_rights=access("RESTRICTED").pk,
        licence="",
        access_reason="third_party_rights",
        legal_basis_0="Artikel 5.1 Woo",
        legal_basis_uri="https://wetten.overheid.nl/BWBR0045754",
        applicable_legislation="http://data.europa.eu/eli/reg/2016/679/oj",
        rights_1="© Gemeente Utrecht",
        rights_holder="Gemeente Utrecht",
        agreement_text_1="I use the data for research only.",
    )

    response = client.post(ADD_URL, data)

    assert response.status_code == 302, form_errors(response)
    dataset = Dataset.objects.get()
    assert dataset.access_reason == "third_party_rights"
    assert dataset.legal_basis == {"nl": "Artikel 5.1 Woo"}
    assert dataset.applicable_legislation == ["http://data.europa.eu/eli/reg/2016/679/oj"]
    assert dataset.rights_holder == "Gemeente Utrecht"
    saved = list(dataset.policy_rules.all())
    assert [(r.kind, r.action) for r in saved] == [
        (P, "use"), (P, "derive"), (D, "sign_agreement"), (X, "distribute"),
    ]  # fmt: skip
    assert saved[0].purposes == ["research", "education"]
    assert saved[1].territory == "NL"
    assert saved[3].valid_until == datetime.date(2030, 12, 31)
    agreement = dataset.agreements.get()
    assert (agreement.version, agreement.text) == (1, {"en": "I use the data for research only."})


def test_applying_a_template_replaces_the_conditions_and_versions_the_agreement(
    client, alice, publisher
):
    dataset = DatasetFactory(publisher=publisher, licence=licence("CC-BY-4.0"))
    rule(dataset, P, "commercialize")
    research = template("Research use after agreement")
    client.force_login(alice)
    data = conditions_data(
        publisher,
        policy_template=research.pk,
        apply_template="on",
        access_reason="personal_data",
    )

    response = client.post(change_url(dataset), data)

    assert response.status_code == 302, form_errors(response)
    dataset.refresh_from_db()
    assert dataset.licence is None
    assert dataset.access_rights.code == "RESTRICTED"
    assert dataset.access_reason == "personal_data"
    assert dataset.policy_template == research
    copied = [(r.kind, r.action, r.purposes) for r in dataset.policy_rules.all()]
    assert copied == [(r.kind, r.action, r.purposes) for r in research.rules.all()]
    assert research.rules.count() == 6  # the template itself is untouched
    first = dataset.agreements.get()
    assert first.version == 1 and first.text == research.agreement_text

    # Saving again with the same text adds nothing; a changed text adds version 2.
    data = conditions_data(
        publisher,
        rules=[{"id": str(r.pk), "kind": r.kind, "action": r.action, "purposes": r.purposes,
                "recipient_types": r.recipient_types} for r in dataset.policy_rules.all()],
        access_rights=access("RESTRICTED").pk,
        licence="",
        access_reason="personal_data",
        agreement_text_0=research.agreement_text["nl"],
        agreement_text_1=research.agreement_text["en"],
    )  # fmt: skip
    data.update(management("policy_rules", 6, 6))
    for index in range(6):
        data[f"policy_rules-{index}-dataset"] = str(dataset.pk)
    assert client.post(change_url(dataset), data).status_code == 302
    assert dataset.agreements.count() == 1
    data["agreement_text_1"] = "A stricter agreement."
    response = client.post(change_url(dataset), data)
    assert response.status_code == 302, form_errors(response)
    versions = list(Agreement.objects.filter(dataset=dataset).order_by("version"))
    assert [a.version for a in versions] == [1, 2]
    assert versions[0].text == research.agreement_text  # accepted versions are never edited
    assert versions[1].text["en"] == "A stricter agreement."


def test_applying_without_choosing_a_template_is_refused(client, alice, publisher):
    client.force_login(alice)

    response = client.post(ADD_URL, conditions_data(publisher, apply_template="on"))

    assert response.status_code == 200
    assert "Choose the template to apply" in form_errors(response)


def test_posting_without_the_rules_inline_keeps_the_rules(client, alice, publisher):
    dataset = DatasetFactory(publisher=publisher)
    rule(dataset, P, "use")
    client.force_login(alice)
    data = dataset_form_data(publisher)  # no policy_rules management form at all

    assert client.post(change_url(dataset), data).status_code == 302
    assert dataset.policy_rules.count() == 1


def test_editors_cannot_change_the_conditions_of_another_publisher(client, bob, publisher):
    dataset = DatasetFactory(publisher=publisher)
    client.force_login(bob)

    response = client.post(change_url(dataset), conditions_data(publisher))

    assert response.status_code in (302, 403)
    dataset.refresh_from_db()
    assert dataset.title != {"nl": "Fietstellingen", "en": "Bicycle counts"}


# Refusals -----------------------------------------------------------------------------------

REFUSALS = {
    "non-commercial licence, commercial permission": (
        {"licence": "CC-BY-NC-4.0"},
        [{"kind": P, "action": "commercialize"}],
        "does not allow commercial use",
    ),
    "non-commercial licence, commercial purpose": (
        {"licence": "CC-BY-NC-4.0"},
        [{"kind": P, "action": "use", "purposes": ["commercial"]}],
        "does not allow commercial use",
    ),
    "public data behind an agreement": (
        {},
        [{"kind": D, "action": "sign_agreement"}],
        "Public data cannot require an agreement",
    ),
    "restricted without a reason": (
        {"access": "RESTRICTED"},
        [],
        "say why",
    ),
    "non-public without a reason": ({"access": "NON_PUBLIC"}, [], "say why"),
    "other reason without text": (
        {"access": "RESTRICTED", "access_reason": "other"},
        [],
        "explain it in your own words",
    ),
    "permitted and prohibited alike": (
        {},
        [
            {"kind": P, "action": "distribute", "purposes": ["research"]},
            {"kind": X, "action": "distribute", "purposes": ["research"]},
        ],
        "both permitted and prohibited",
    ),
    "no-derivatives licence, derive permission": (
        {"licence": "CC-BY-ND-4.0"},
        [{"kind": P, "action": "derive"}],
        "does not allow derived works",
    ),
    "share-alike duty, licence without it": (
        {"licence": "CC-BY-4.0"},
        [{"kind": D, "action": "share_alike"}],
        "asks to share alike",
    ),
    "a duty as a permission": ({}, [{"kind": P, "action": "attribute"}], "is a duty"),
    "a permission action as a duty": ({}, [{"kind": D, "action": "use"}], "is not a duty"),
    "agreement without its text": (
        {"access": "RESTRICTED", "access_reason": "security"},
        [{"kind": D, "action": "sign_agreement"}],
        "write the agreement",
    ),
    "a rule that ends before it starts": (
        {},
        [{"kind": P, "action": "use", "valid_from": "2026-01-02", "valid_until": "2026-01-01"}],
        "ends before it starts",
    ),
}


@pytest.mark.parametrize("case", REFUSALS, ids=list(REFUSALS))
def test_the_admin_refuses_inconsistent_conditions(client, alice, publisher, case):
    fields, rules, message = REFUSALS[case]
    client.force_login(alice)
    overrides = {
        "licence": licence(fields.get("licence", "CC-BY-4.0")).pk,
        "access_rights": access(fields.get("access", "PUBLIC")).pk,
        "access_reason": fields.get("access_reason", ""),
    }

    response = client.post(ADD_URL, conditions_data(publisher, rules, **overrides))

    assert response.status_code == 200
    assert message in form_errors(response)
    assert not Dataset.objects.exists()


def test_the_same_action_with_other_constraints_may_be_permitted_and_prohibited(
    client, alice, publisher
):
    client.force_login(alice)
    rules = [
        {"kind": P, "action": "distribute", "purposes": ["research"]},
        {"kind": X, "action": "distribute"},
    ]

    response = client.post(ADD_URL, conditions_data(publisher, rules))

    assert response.status_code == 302, form_errors(response)


def test_a_distribution_override_is_checked_too(client, alice, publisher):
    dataset = DatasetFactory(publisher=publisher, licence=licence("CC-BY-4.0"))
    rule(dataset, P, "commercialize")
    distribution = DistributionFactory(dataset=dataset)
    client.force_login(alice)
    url = reverse("admin:catalog_distribution_change", args=[distribution.pk])
    data = {
        "dataset": dataset.pk,
        "title_1": "CSV",
        "access_url": distribution.access_url,
        "download_url": distribution.download_url,
        "status": "COMPLETED",
        "position": "0",
        "licence": licence("CC-BY-NC-4.0").pk,
        **management("columns", 0),
        **rules_data([]),
    }

    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "does not allow commercial use" in form_errors(refused)

    data["access_rights"] = access("RESTRICTED").pk
    data["licence"] = ""
    refused = client.post(url, data)
    assert "first say why on the dataset" in form_errors(refused)

    # Its own rules replace the dataset's: then the non-commercial licence fits.
    data.update(
        licence=licence("CC-BY-NC-4.0").pk,
        access_rights="",
        **rules_data([{"kind": P, "action": "use", "purposes": ["non_commercial"]}]),
    )
    response = client.post(url, data)
    assert response.status_code == 302, form_errors(response)
    distribution.refresh_from_db()
    assert distribution.policy_rules.get().purposes == ["non_commercial"]


# Refusals through the APIs ------------------------------------------------------------------


def _api(user) -> APIClient:
    _token, key = ApiToken.create_for(user, "test")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_the_rest_api_refuses_inconsistent_conditions_per_field(alice, publisher):
    dataset = DatasetFactory(publisher=publisher, licence=licence("CC-BY-4.0"))
    rule(dataset, P, "commercialize")
    api = _api(alice)
    url = f"/api/v1/datasets/{dataset.slug}/"

    response = api.patch(url, {"licence": "CC-BY-NC-4.0"}, format="json")
    assert response.status_code == 400
    assert "does not allow commercial use" in response.json()["licence"][0]

    response = api.patch(url, {"access_rights": "RESTRICTED"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["access_reason"]

    response = api.patch(
        url, {"access_rights": "RESTRICTED", "access_reason": "other"}, format="json"
    )
    assert list(response.json()) == ["access_reason_text"]

    rule(dataset, D, "sign_agreement")
    response = api.patch(url, {"access_rights": "PUBLIC"}, format="json")
    assert "cannot require an agreement" in response.json()["access_rights"][0]

    response = api.patch(
        url,
        {
            "access_rights": "RESTRICTED",
            "access_reason": "other",
            "access_reason_text": {"en": "Being cleaned up"},
            "legal_basis_uri": "https://wetten.overheid.nl/BWBR0045754",
            "applicable_legislation": ["http://data.europa.eu/eli/reg/2016/679/oj"],
            "rights_holder": "Gemeente Utrecht",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    dataset.refresh_from_db()
    assert dataset.access_reason_text == {"en": "Being cleaned up"}
    assert dataset.applicable_legislation == ["http://data.europa.eu/eli/reg/2016/679/oj"]
    assert response.json()["reuse_conditions"]["requires_agreement"] is True


def test_the_rest_api_checks_a_distribution_override(alice, publisher):
    dataset = DatasetFactory(publisher=publisher, licence=licence("CC-BY-4.0"))
    rule(dataset, P, "commercialize")
    distribution = DistributionFactory(dataset=dataset)

    response = _api(alice).patch(
        f"/api/v1/distributions/{distribution.uuid}/", {"licence": "CC-BY-NC-4.0"}, format="json"
    )

    assert response.status_code == 400
    assert "licence" in response.json()


def test_the_ckan_api_refuses_inconsistent_conditions(client, alice, publisher):
    dataset = DatasetFactory(publisher=publisher)
    key = ApiToken.create_for(alice, "ckan")[1]

    def patch(**fields):
        response = client.post(
            "/api/3/action/package_patch",
            json.dumps({"id": dataset.slug, **fields}),
            content_type="application/json",
            HTTP_AUTHORIZATION=key,
        )
        return response, response.json()

    response, body = patch(extras=[{"key": "access_rights", "value": "RESTRICTED"}])
    assert response.status_code == 409
    assert "access_reason" in body["error"]

    response, body = patch(
        extras=[
            {"key": "access_rights", "value": "RESTRICTED"},
            {"key": "access_reason", "value": "security"},
        ]
    )
    assert response.status_code == 200, body
    extras = {e["key"]: e["value"] for e in body["result"]["extras"]}
    assert extras["access_reason"] == "security"


# Plain language -----------------------------------------------------------------------------


def _explained_dataset(**fields):
    dataset = DatasetFactory(published=True, **fields)
    return dataset


def test_the_dataset_page_explains_the_conditions(client):
    dataset = _explained_dataset(licence=licence("CC-BY-NC-4.0"))
    rule(dataset, P, "use", purposes=["research", "education"], territory="NL")
    rule(dataset, X, "distribute", recipient_types=["business"])
    rule(dataset, D, "inform")
    DistributionFactory(dataset=dataset)

    html = client.get(dataset.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert 'id="reuse-conditions"' in html
    section = html.split('id="reuse-conditions"')[1].split("</section>")[0]
    for heading in ("You may", "You must", "You may not", "How to get access"):
        assert heading in section
    assert "Use the data for research or education, in NL." in section
    assert "Share the data with others if you are: business." in section
    assert "Use the data commercially." in section  # the licence's non-commercial flag
    assert "Credit the source." in section
    assert "Tell the publisher how you use the data." in section
    assert "Anyone may download the data" in section


def test_the_section_renders_with_dutch_active(client):
    dataset = _explained_dataset(licence=licence("CC-BY-4.0"))
    rule(dataset, P, "use")

    response = client.get(dataset.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="nl")

    html = response.content.decode()
    assert '<html lang="nl"' in html
    section = html.split('id="reuse-conditions"')[1].split("</section>")[0]
    assert section.count('class="terms"') >= 2
    assert section.count("terms__yes") >= 1


def test_non_public_data_shows_its_reason_and_legal_basis_and_no_request(client):
    dataset = _explained_dataset(
        licence=None,
        access_rights=access("NON_PUBLIC"),
        access_reason="personal_data",
        legal_basis={"en": "GDPR article 6"},
        legal_basis_uri="http://data.europa.eu/eli/reg/2016/679/oj",
    )

    html = client.get(dataset.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    section = html.split('id="reuse-conditions"')[1].split("</section>")[0]

    assert "Personal data" in section
    assert "GDPR article 6" in section
    assert "http://data.europa.eu/eli/reg/2016/679/oj" in section
    assert "There is no access request" in section
    assert "You may<" not in section  # nothing can be done with data that is not shared
    assert 'href="#contact-heading"' in section


def test_a_usage_policy_replaces_the_licences_broad_permission():
    # CC BY alone says "use, share and adapt, also commercially"; a policy that prohibits
    # sharing must not be contradicted by that sentence.
    dataset = _explained_dataset(licence=licence("CC-BY-4.0"))
    plain = conditions.explain(reuse.effective_conditions(dataset))
    rule(dataset, P, "use", purposes=["research"])
    rule(dataset, X, "distribute")

    explained = conditions.explain(reuse.effective_conditions(dataset))

    assert any("commercially" in sentence for sentence in plain["may"])
    assert not any("commercially" in sentence for sentence in explained["may"])
    assert explained["may"] == ["Use the data for research."]
    assert any("Share the data" in sentence for sentence in explained["may_not"])
    assert "Credit the source." in explained["must"]  # the licence's duty stays


def test_a_restricted_dataset_explains_the_agreement(client):
    dataset = _explained_dataset(
        licence=None, access_rights=access("RESTRICTED"), access_reason="security"
    )
    rule(dataset, D, "sign_agreement")

    explained = conditions.explain(reuse.effective_conditions(dataset))

    assert explained["access"] == "RESTRICTED"
    assert explained["requires_agreement"]
    assert any("accept the publisher's agreement" in s for s in explained["access_steps"])
    assert explained["reason"] == "Security"


def test_distribution_differences_are_noted(client):
    dataset = _explained_dataset(licence=licence("CC-BY-4.0"))
    DistributionFactory(dataset=dataset, title={"en": "Same"})
    other = DistributionFactory(
        dataset=dataset, title={"en": "Special file"}, licence=licence("CC0-1.0")
    )
    rule(other, X, "commercialize")

    html = client.get(dataset.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    section = html.split('id="reuse-conditions"')[1].split("</main>")[0]

    assert "Different conditions for some files" in section
    assert "Special file" in section
    assert "licence CC0-1.0" in section
    assert f'id="conditions-{other.uuid}"' in section


def test_the_dataset_page_query_count_does_not_grow_with_rules(
    client, django_assert_max_num_queries
):
    dataset = _explained_dataset()
    DistributionFactory(dataset=dataset)
    rule(dataset, P, "use")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(dataset.get_absolute_url())
    for index in range(5):
        rule(dataset, P, "display", position=index + 1)
        part = DistributionFactory(dataset=dataset)
        rule(part, P, "use")

    with django_assert_max_num_queries(len(few)):
        client.get(dataset.get_absolute_url())


# DCAT and ODRL ------------------------------------------------------------------------------


def _policy_dataset():
    dataset = DatasetFactory(
        published=True,
        licence=None,
        access_rights=access("RESTRICTED"),
        access_reason="personal_data",
        rights={"en": "Credit: City of Utrecht", "nl": "Bron: gemeente Utrecht"},
        rights_holder="Gemeente Utrecht",
        legal_basis={"en": "GDPR article 6"},
        legal_basis_uri="http://data.europa.eu/eli/reg/2016/679/oj",
        applicable_legislation=["http://data.europa.eu/eli/dir/2019/1024/oj"],
    )
    rule(dataset, P, "use", purposes=["research"], recipient_types=["research", "government"])
    rule(dataset, P, "derive", territory="NL", valid_from=datetime.date(2025, 1, 1))
    rule(dataset, X, "distribute", valid_until=datetime.date(2030, 12, 31))
    rule(dataset, D, "sign_agreement")
    rule(dataset, D, "attribute")
    DistributionFactory(dataset=dataset)
    own = DistributionFactory(
        dataset=dataset, licence=licence("CC-BY-4.0"), access_rights=access("PUBLIC")
    )
    rule(own, P, "use")
    rule(own, D, "attribute")
    return dataset


def _graph(client, dataset) -> Graph:
    response = client.get(f"/datasets/{dataset.slug}.ttl")
    assert response.status_code == 200
    return Graph().parse(data=response.getvalue(), format="turtle")


def test_dcat_carries_the_odrl_policy_of_each_distribution(client):
    dataset = _policy_dataset()
    inherited, own = dataset.distributions.order_by("pk")

    g = _graph(client, dataset)

    o = lambda name: URIRef(ODRL + name)  # noqa: E731
    inherited_ref = URIRef(dcat_ref(inherited))
    policy = g.value(inherited_ref, o("hasPolicy"))
    assert (policy, RDF.type, o("Policy")) in g and (policy, RDF.type, o("Set")) in g
    assert g.value(policy, o("target")) == inherited_ref
    permissions = list(g.objects(policy, o("permission")))
    assert {g.value(p, o("action")) for p in permissions} == {o("use"), o("derive")}
    prohibition = g.value(policy, o("prohibition"))
    assert g.value(prohibition, o("action")) == o("distribute")
    use = next(p for p in permissions if g.value(p, o("action")) == o("use"))
    duties = {g.value(d, o("action")) for d in g.objects(use, o("duty"))}
    assert duties == {o("obtainConsent"), o("attribute")}
    constraints = {
        g.value(c, o("leftOperand")): (
            g.value(c, o("operator")),
            set(g.objects(c, o("rightOperand"))),
        )
        for c in g.objects(use, o("constraint"))
    }
    assert constraints[o("purpose")] == (o("eq"), {Literal("research")})
    assert constraints[o("recipient")] == (
        o("isAnyOf"),
        {Literal("research"), Literal("government")},
    )
    derive = next(p for p in permissions if g.value(p, o("action")) == o("derive"))
    left = {g.value(c, o("leftOperand")): c for c in g.objects(derive, o("constraint"))}
    assert g.value(left[o("spatial")], o("rightOperand")) == Literal("NL")
    assert g.value(left[o("dateTime")], o("operator")) == o("gteq")
    until = g.value(prohibition, o("constraint"))
    assert g.value(until, o("operator")) == o("lteq")
    # Access rights: the dataset's, and a distribution's own override.
    eu = "http://publications.europa.eu/resource/authority/access-right/"
    assert g.value(inherited_ref, DCTERMS.accessRights) == URIRef(eu + "RESTRICTED")
    own_ref = URIRef(dcat_ref(own))
    assert g.value(own_ref, DCTERMS.accessRights) == URIRef(eu + "PUBLIC")
    own_policy = g.value(own_ref, o("hasPolicy"))
    assert [g.value(p, o("action")) for p in g.objects(own_policy, o("permission"))] == [o("use")]
    assert g.value(own_ref, DCTERMS.license) == URIRef(licence("CC-BY-4.0").uri)


def test_dcat_carries_rights_and_legislation(client):
    dataset = _policy_dataset()

    g = _graph(client, dataset)

    ref = URIRef(dataset.uri)
    rights = g.value(ref, DCTERMS.rights)
    assert (rights, RDF.type, DCTERMS.RightsStatement) in g
    assert Literal("Credit: City of Utrecht", lang="en") in set(g.objects(rights, None))
    holder = g.value(ref, DCTERMS.rightsHolder)
    assert Literal("Gemeente Utrecht") in set(g.objects(holder, None))
    legislation = set(g.objects(ref, URIRef(DCATAP + "applicableLegislation")))
    eli = URIRef("http://data.europa.eu/eli/ontology#LegalResource")
    assert legislation == {
        URIRef("http://data.europa.eu/eli/dir/2019/1024/oj"),
        URIRef("http://data.europa.eu/eli/reg/2016/679/oj"),
    }
    assert all((law, RDF.type, eli) in g for law in legislation)


def dcat_ref(distribution) -> str:
    from catalog import dcat

    return str(dcat.distribution_ref(distribution))


def test_drafts_rules_do_not_leak_into_the_catalogue(client):
    draft = DatasetFactory(rights_holder="Secret holder BV")
    rule(draft, P, "use", territory="XX")

    body = client.get("/catalog.ttl").content.decode()

    assert "Secret holder" not in body and '"XX"' not in body
    assert client.get(f"/api/v1/datasets/{draft.slug}/").status_code == 404


# REST and CKAN --------------------------------------------------------------------------------


def test_rest_datasets_and_distributions_carry_the_conditions(client):
    dataset = _policy_dataset()

    body = client.get(f"/api/v1/datasets/{dataset.slug}/").json()

    data = body["reuse_conditions"]
    assert data["access"] == "RESTRICTED"
    assert data["access_reason"] == "personal_data"
    assert data["legal_basis_uri"] == "http://data.europa.eu/eli/reg/2016/679/oj"
    assert data["rights_holder"] == "Gemeente Utrecht"
    assert data["requires_agreement"] is True
    assert [r["action"] for r in data["policy"]] == [
        "use", "derive", "distribute", "sign_agreement", "attribute",
    ]  # fmt: skip
    assert data["policy"][0]["action_iri"] == ODRL + "use"
    inherited, own = body["distributions"]
    assert inherited["reuse_conditions"]["policy"] == data["policy"]
    assert own["reuse_conditions"]["access"] == "PUBLIC"
    assert own["reuse_conditions"]["licence"] == "CC-BY-4.0"
    assert own["reuse_conditions"]["requires_agreement"] is False

    listed = client.get("/api/v1/distributions/").json()["results"]
    assert {d["reuse_conditions"]["access"] for d in listed} == {"RESTRICTED", "PUBLIC"}


def test_rest_list_with_rules_stays_flat(client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _policy_dataset()
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/datasets/")
    for _index in range(4):
        _policy_dataset()
    with django_assert_max_num_queries(len(few)):
        assert client.get("/api/v1/datasets/").status_code == 200


def test_ckan_package_carries_the_conditions(client):
    dataset = _policy_dataset()

    result = client.get(f"/api/3/action/package_show?id={dataset.slug}").json()["result"]

    extras = {e["key"]: e["value"] for e in result["extras"]}
    assert extras["access_reason"] == "personal_data"
    assert extras["rights_holder"] == "Gemeente Utrecht"
    assert extras["requires_agreement"] == "true"
    assert json.loads(extras["applicable_legislation"]) == [
        "http://data.europa.eu/eli/dir/2019/1024/oj"
    ]
    assert [r["action"] for r in json.loads(extras["odrl_policy"])][0] == "use"
    inherited, own = result["resources"]
    assert own["access_rights"].endswith("/PUBLIC")
    assert [r["action"] for r in json.loads(own["odrl_policy"])] == ["use", "attribute"]
    assert inherited["requires_agreement"] is True


# Filters ---------------------------------------------------------------------------------------


@pytest.fixture
def flagged():
    """Datasets with each kind of conditions, by slug."""
    open_ = DatasetFactory(slug="open", published=True, licence=licence("CC-BY-4.0"))
    nc = DatasetFactory(slug="nc", published=True, licence=licence("CC-BY-NC-4.0"))
    prohibited = DatasetFactory(slug="prohibited", published=True, licence=licence("CC0-1.0"))
    rule(prohibited, X, "commercialize")
    agreement = DatasetFactory(
        slug="agreement",
        published=True,
        licence=licence("CC-BY-4.0"),
        access_rights=access("RESTRICTED"),
        access_reason="security",
    )
    rule(agreement, D, "sign_agreement")
    closed = DatasetFactory(
        slug="closed",
        published=True,
        licence=None,
        access_rights=access("NON_PUBLIC"),
        access_reason="personal_data",
    )
    DatasetFactory(slug="draft", licence=licence("CC-BY-4.0"))  # never listed
    datasets = [open_, nc, prohibited, agreement, closed]
    for dataset in datasets:
        search.index_dataset(dataset.pk)  # for the cases that search words too
    return datasets


FLAG_CASES = [
    ("open_licence=true", {"open", "prohibited", "agreement"}),
    ("open_licence=false", {"nc", "closed"}),
    ("commercial_use=true", {"open", "agreement"}),
    ("no_agreement=true", {"open", "nc", "prohibited"}),
    ("no_agreement=true&commercial_use=true", {"open"}),
    ("commercial_use=true&q=dataset", {"open", "agreement"}),
]


@pytest.mark.parametrize("query,expected", FLAG_CASES)
def test_condition_filters_in_the_rest_api(client, flagged, query, expected):
    body = client.get(f"/api/v1/datasets/?{query}").json()

    assert {d["slug"] for d in body["results"]} == expected


@pytest.mark.parametrize("query,expected", FLAG_CASES)
def test_condition_filters_on_the_list_page(client, flagged, query, expected):
    response = client.get(f"/datasets/?{query}")

    assert response.status_code == 200
    assert {d.slug for d in response.context["page_obj"].object_list} == expected


def test_condition_filters_are_checkboxes_that_work_without_javascript(client, flagged):
    html = client.get("/datasets/?commercial_use=true").content.decode()

    assert 'name="open_licence" value="true"' in html
    assert 'id="flag-commercial_use" name="commercial_use" value="true" checked' in html
    assert '<label for="flag-no_agreement">' in html
    assert "Commercial use allowed:" in html  # the chip that removes it


@pytest.mark.parametrize("name", ["open_licence", "commercial_use", "no_agreement"])
def test_an_invalid_flag_is_a_400_naming_the_parameter(client, name):
    response = client.get(f"/api/v1/datasets/?{name}=maybe")
    assert response.status_code == 400
    assert name in response.json()
    assert name in response.json()[name][0]

    page = client.get(f"/datasets/?{name}=maybe")
    assert page.status_code == 400
    assert name in page.content.decode()


def test_the_in_memory_index_steps_aside_for_condition_filters(flagged):
    from django.http import QueryDict

    from catalog.filters import DatasetFilter

    plain = DatasetFilter(QueryDict("q=dataset"), queryset=Dataset.objects.published())
    assert plain.is_valid()
    flagged_filter = DatasetFilter(
        QueryDict("q=dataset&no_agreement=true"), queryset=Dataset.objects.published()
    )
    assert flagged_filter.is_valid()
    assert flagged_filter.from_index() is None


def test_factories_licence_is_found():
    # The migration's vocabularies and the factories agree on the CC BY licence.
    assert LicenceFactory().pk == licence("CC-BY-4.0").pk


def test_the_dataset_form_shows_the_conditions_and_the_rules_inline(client, alice, publisher):
    dataset = DatasetFactory(publisher=publisher)
    rule(dataset, P, "use")
    Agreement.objects.create(dataset=dataset, version=1, text={"en": "Version one"})
    client.force_login(alice)

    html = client.get(change_url(dataset)).content.decode()

    for name in ("policy_template", "apply_template", "access_reason", "legal_basis_uri"):
        assert f'name="{name}"' in html
    assert 'name="policy_rules-TOTAL_FORMS"' in html
    assert "Version one" in html  # the agreement editor starts from the latest version


def test_a_harvested_dataset_shows_its_conditions_read_only(client, manager):
    from catalog.models import HarvestSource

    source = HarvestSource.objects.create(name="Elders", slug="elders", url="https://x.example/")
    dataset = DatasetFactory(harvest_source=source)
    client.force_login(manager)

    response = client.get(change_url(dataset))

    assert response.status_code == 200
    assert 'name="apply_template"' not in response.content.decode()
