"""'May I use this?': every verdict of catalog.reuse.check through the API, the API's
contract (shape, field errors, drafts, queries), and the HTML form in English and Dutch."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from catalog.models import (
    AccessRequest,
    ApiToken,
    Concept,
    Dataset,
    PolicyRule,
)
from tests.factories import DatasetFactory, DistributionFactory, LicenceFactory, concept

P, X, D = PolicyRule.Kind.PERMISSION, PolicyRule.Kind.PROHIBITION, PolicyRule.Kind.DUTY
TODAY = timezone.localdate()
YESTERDAY, TOMORROW = TODAY - datetime.timedelta(days=1), TODAY + datetime.timedelta(days=1)

pytestmark = pytest.mark.django_db

# Real licences, with the flags of catalog.vocabularies.LICENCES.
LICENCES = {
    "CC-BY": dict(code="CC-BY-4.0", is_open=True, attribution=True),
    "CC-BY-SA": dict(code="CC-BY-SA-4.0", is_open=True, attribution=True, share_alike=True),
    "CC0": dict(code="CC0-1.0", is_open=True, public_domain=True),
    "CC-BY-NC": dict(code="CC-BY-NC-4.0", is_open=False, attribution=True, non_commercial=True),
    "CC-BY-ND": dict(code="CC-BY-ND-4.0", is_open=False, attribution=True, no_derivatives=True),
}


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()


def make_dataset(licence=None, access="PUBLIC", rules=(), **fields) -> tuple[Dataset, dict]:
    """A published dataset with these conditions; returns it and its rules' ids by name."""
    if licence is not None:
        spec = LICENCES[licence]
        licence = LicenceFactory(
            uri=f"http://example.org/licence/{spec['code']}", title={"en": spec["code"]}, **spec
        )
    dataset = DatasetFactory(
        published=True,
        licence=licence,
        access_rights=concept(Concept.Scheme.ACCESS_RIGHT, access) if access else None,
        **fields,
    )
    ids = {}
    for name, kind, action, constraints in rules:
        ids[name] = PolicyRule.objects.create(
            dataset=dataset, kind=kind, action=action, **constraints
        ).pk
    return dataset, ids


RESEARCH_AFTER_AGREEMENT = [  # the "Research use after agreement" template's rules
    ("use", P, "use", {"purposes": ["research"], "recipient_types": ["research"]}),
    ("derive", P, "derive", {"purposes": ["research"], "recipient_types": ["research"]}),
    ("distribute", X, "distribute", {}),
    ("sign", D, "sign_agreement", {}),
    ("attribute", D, "attribute", {}),
    ("inform", D, "inform", {}),
]
GOVERNMENT_ONLY = [
    ("use", P, "use", {"purposes": ["public_task"], "recipient_types": ["government"]}),
    ("sign", D, "sign_agreement", {}),
]
CITIZEN = {"purpose": "research", "recipient_type": "citizen", "actions": ["use"]}
RESEARCHER = {"purpose": "research", "recipient_type": "research", "actions": ["use"]}
BUSINESS = {"purpose": "commercial", "commercial": True, "recipient_type": "business"}
CIVIL_SERVANT = {"purpose": "public_task", "recipient_type": "government", "actions": ["use"]}


def non_public():
    return make_dataset(
        access="NON_PUBLIC",
        access_reason="personal_data",
        legal_basis={"en": "GDPR article 9", "nl": "AVG artikel 9"},
        legal_basis_uri="https://eur-lex.europa.eu/eli/reg/2016/679/oj",
    )


def approved_request(dataset, user, **fields):
    values = dict(
        purpose="research",
        recipient_type="research",
        actions=["use", "derive"],
        status=AccessRequest.Status.APPROVED,
    )
    return AccessRequest.objects.create(dataset=dataset, user=user, **{**values, **fields})


# name: (conditions, intended use, verdict, reasons' rules in order, duties' actions)
CASES = {
    "CC BY: anyone, any purpose, with attribution": (
        lambda: make_dataset("CC-BY"),
        CITIZEN,
        "permitted_with_duties",
        ["licence:open"],
        ["attribute"],
    ),
    "CC BY-SA: deriving brings share-alike": (
        lambda: make_dataset("CC-BY-SA"),
        {**CITIZEN, "actions": ["use", "derive"]},
        "permitted_with_duties",
        ["licence:open"],
        ["attribute", "share_alike"],
    ),
    "CC0: even commercialising, without duties": (
        lambda: make_dataset("CC0"),
        {**BUSINESS, "actions": ["commercialize", "derive", "distribute"]},
        "permitted",
        ["licence:open"],
        [],
    ),
    "CC BY-NC: commercial use is prohibited by the licence": (
        lambda: make_dataset("CC-BY-NC"),
        {**CITIZEN, "commercial": True},
        "prohibited",
        ["licence:non_commercial"],
        [],
    ),
    "A prohibition to commercialise stops a commercial use that only ticked 'use'": (
        lambda: make_dataset("CC-BY", rules=[("no-commerce", X, "commercialize", {})]),
        {**CITIZEN, "commercial": True, "actions": ["use"]},
        "prohibited",
        ["policy:prohibition:{no-commerce}"],
        [],
    ),
    "CC BY-NC: non-commercial research is fine": (
        lambda: make_dataset("CC-BY-NC"),
        CITIZEN,
        "permitted_with_duties",
        ["licence:permits"],
        ["attribute"],
    ),
    "CC BY-NC: the commercialize action is prohibited even for research": (
        lambda: make_dataset("CC-BY-NC"),
        {**CITIZEN, "actions": ["use", "commercialize"]},
        "prohibited",
        ["licence:non_commercial"],
        [],
    ),
    "CC BY-ND: deriving is prohibited by the licence": (
        lambda: make_dataset("CC-BY-ND"),
        {**CITIZEN, "actions": ["display", "derive"]},
        "prohibited",
        ["licence:no_derivatives"],
        [],
    ),
    "restricted research data: a researcher needs the agreement": (
        lambda: make_dataset(access="RESTRICTED", rules=RESEARCH_AFTER_AGREEMENT),
        RESEARCHER,
        "needs_agreement",
        ["access:restricted", "policy:duty:{sign}", "policy:permission:{use}"],
        ["attribute", "inform", "sign_agreement"],
    ),
    "restricted research data: passing it on is prohibited": (
        lambda: make_dataset(access="RESTRICTED", rules=RESEARCH_AFTER_AGREEMENT),
        {**RESEARCHER, "actions": ["use", "distribute"]},
        "prohibited",
        ["policy:prohibition:{distribute}"],
        [],
    ),
    "restricted research data: a business use is not covered": (
        lambda: make_dataset(access="RESTRICTED", rules=RESEARCH_AFTER_AGREEMENT),
        {**BUSINESS, "actions": ["use"]},
        "needs_agreement",
        ["access:restricted", "policy:duty:{sign}", "default:not_covered"],
        ["attribute", "inform", "sign_agreement"],
    ),
    "government only: a civil servant still signs the agreement": (
        lambda: make_dataset(access="RESTRICTED", rules=GOVERNMENT_ONLY),
        CIVIL_SERVANT,
        "needs_agreement",
        ["access:restricted", "policy:duty:{sign}", "policy:permission:{use}"],
        ["sign_agreement"],
    ),
    "public, government-only permission, no licence: a civil servant may": (
        lambda: make_dataset(rules=GOVERNMENT_ONLY[:1]),
        CIVIL_SERVANT,
        "permitted",
        ["policy:permission:{use}"],
        [],
    ),
    "public, government-only permission, no licence: a business may not without asking": (
        lambda: make_dataset(rules=GOVERNMENT_ONLY[:1]),
        {**BUSINESS, "actions": ["use"]},
        "needs_agreement",
        ["default:not_covered"],
        [],
    ),
    "non-public with a reason: not available, whatever the use": (
        non_public,
        CITIZEN,
        "not_available",
        ["access:non_public"],
        [],
    ),
    "public without a licence or rules: nothing is silently allowed": (
        lambda: make_dataset(),
        CITIZEN,
        "needs_agreement",
        ["default:not_covered"],
        [],
    ),
    "public with an agreement duty: needs the agreement": (
        lambda: make_dataset("CC-BY", rules=[("sign", D, "sign_agreement", {})]),
        CITIZEN,
        "needs_agreement",
        ["policy:duty:{sign}", "licence:open"],
        ["attribute", "sign_agreement"],
    ),
    "a prohibition wins over a permission for the same use": (
        lambda: make_dataset(
            "CC-BY",
            rules=[
                ("allow", P, "commercialize", {}),
                ("forbid", X, "commercialize", {"purposes": ["commercial"]}),
            ],
        ),
        {**BUSINESS, "actions": ["commercialize"]},
        "prohibited",
        ["policy:prohibition:{forbid}"],
        [],
    ),
    "a prohibition of 'use' covers every action": (
        lambda: make_dataset(
            "CC-BY", rules=[("forbid", X, "use", {"recipient_types": ["business"]})]
        ),
        {**BUSINESS, "actions": ["display"]},
        "prohibited",
        ["policy:prohibition:{forbid}"],
        [],
    ),
    "a prohibition for another purpose does not apply": (
        lambda: make_dataset("CC-BY", rules=[("forbid", X, "use", {"purposes": ["journalism"]})]),
        CITIZEN,
        "permitted_with_duties",
        ["licence:open"],
        ["attribute"],
    ),
    "an expired permission does not apply": (
        lambda: make_dataset(rules=[("use", P, "use", {"valid_until": YESTERDAY})]),
        CITIZEN,
        "needs_agreement",
        ["default:not_covered"],
        [],
    ),
    "a permission within its period applies": (
        lambda: make_dataset(
            rules=[("use", P, "use", {"valid_from": YESTERDAY, "valid_until": TOMORROW})]
        ),
        CITIZEN,
        "permitted",
        ["policy:permission:{use}"],
        [],
    ),
    "a permission that has not started yet does not apply": (
        lambda: make_dataset(rules=[("use", P, "use", {"valid_from": TOMORROW})]),
        CITIZEN,
        "needs_agreement",
        ["default:not_covered"],
        [],
    ),
    "territory mismatch: a Dutch permission does not cover Germany": (
        lambda: make_dataset(rules=[("use", P, "use", {"territory": "NL"})]),
        {**CITIZEN, "territory": "DE"},
        "needs_agreement",
        ["default:not_covered"],
        [],
    ),
    "territory match: a Dutch permission covers the Netherlands": (
        lambda: make_dataset(rules=[("use", P, "use", {"territory": "NL"})]),
        {**CITIZEN, "territory": "nl"},
        "permitted",
        ["policy:permission:{use}"],
        [],
    ),
    "territory: EU covers its members": (
        lambda: make_dataset(rules=[("use", P, "use", {"territory": "EU"})]),
        {**CITIZEN, "territory": "FR"},
        "permitted",
        ["policy:permission:{use}"],
        [],
    ),
    "territory: an unstated territory does not meet a permission's": (
        lambda: make_dataset(rules=[("use", P, "use", {"territory": "NL"})]),
        CITIZEN,
        "needs_agreement",
        ["default:not_covered"],
        [],
    ),
    "territory: an unstated territory meets a prohibition's": (
        lambda: make_dataset("CC-BY", rules=[("forbid", X, "use", {"territory": "US"})]),
        CITIZEN,
        "prohibited",
        ["policy:prohibition:{forbid}"],
        [],
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_every_verdict(client, name):
    setup, use, verdict, rules, duties = CASES[name]
    dataset, ids = setup()

    response = client.post(
        f"/api/v1/datasets/{dataset.slug}/reuse-check", use, content_type="application/json"
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["verdict"] == verdict
    assert [reason["rule"] for reason in body["reasons"]] == [r.format(**ids) for r in rules]
    assert [duty["action"] for duty in body["duties"]] == duties
    assert all(reason["text"] for reason in body["reasons"]) and body["next_steps"]


# Approved access requests ------------------------------------------------------------------


def _check(client, dataset, use, **extra):
    url = f"/api/v1/datasets/{dataset.slug}/reuse-check/"
    return client.post(url, use, content_type="application/json", **extra).json()


def test_an_approved_request_turns_needs_agreement_into_permitted(client, carol):
    dataset, _ids = make_dataset(access="RESTRICTED", rules=RESEARCH_AFTER_AGREEMENT)
    request = approved_request(dataset, carol, access_until=TOMORROW)
    client.force_login(carol)

    body = _check(client, dataset, {**RESEARCHER, "actions": ["use", "derive"]})

    assert body["verdict"] == "permitted_with_duties"
    assert body["reasons"][0]["rule"] == f"access:request:{request.pk}"
    assert TOMORROW.isoformat() in body["reasons"][0]["text"]
    # The agreement is signed; attributing and informing remain.
    assert [duty["action"] for duty in body["duties"]] == ["attribute", "inform"]


def test_an_approved_request_does_not_lift_a_prohibition(client, carol):
    dataset, ids = make_dataset(access="RESTRICTED", rules=RESEARCH_AFTER_AGREEMENT)
    approved_request(dataset, carol, actions=["use", "distribute"])
    client.force_login(carol)

    body = _check(client, dataset, {**RESEARCHER, "actions": ["distribute"]})

    assert body["verdict"] == "prohibited"
    assert body["reasons"][0]["rule"] == f"policy:prohibition:{ids['distribute']}"


@pytest.mark.parametrize(
    "request_fields, use",
    [
        ({"access_until": YESTERDAY}, RESEARCHER),  # expired
        ({"status": AccessRequest.Status.PENDING}, RESEARCHER),
        ({"status": AccessRequest.Status.REFUSED}, RESEARCHER),
        ({}, {**RESEARCHER, "purpose": "education"}),  # another purpose
        ({}, {**RESEARCHER, "commercial": True}),  # the request was not commercial
        ({}, {**RESEARCHER, "actions": ["aggregate"]}),  # an action not requested
    ],
)
def test_a_request_that_does_not_cover_the_use_changes_nothing(client, carol, request_fields, use):
    dataset, _ids = make_dataset(access="RESTRICTED", rules=RESEARCH_AFTER_AGREEMENT)
    approved_request(dataset, carol, **request_fields)
    client.force_login(carol)

    assert _check(client, dataset, use)["verdict"] == "needs_agreement"


def test_another_users_request_does_not_count(client, carol, bob):
    dataset, _ids = make_dataset(access="RESTRICTED", rules=RESEARCH_AFTER_AGREEMENT)
    approved_request(dataset, bob)
    client.force_login(carol)

    assert _check(client, dataset, RESEARCHER)["verdict"] == "needs_agreement"
    client.logout()
    assert _check(client, dataset, RESEARCHER)["verdict"] == "needs_agreement"


# Distributions ----------------------------------------------------------------------------


def test_a_distribution_is_checked_against_its_own_conditions(client):
    dataset, _ids = make_dataset("CC-BY")
    closed = DistributionFactory(
        dataset=dataset, access_rights=concept(Concept.Scheme.ACCESS_RIGHT, "NON_PUBLIC")
    )

    whole = _check(client, dataset, CITIZEN)
    part = _check(client, dataset, {**CITIZEN, "distribution": str(closed.uuid)})

    assert whole["verdict"] == "permitted_with_duties"
    assert part["verdict"] == "not_available"


def test_not_available_names_the_reason_and_legal_basis(client):
    dataset, _ids = non_public()

    body = _check(client, dataset, CITIZEN, HTTP_ACCEPT_LANGUAGE="en")

    text = body["reasons"][0]["text"]
    assert "Personal data" in text and "GDPR article 9" in text
    assert "https://eur-lex.europa.eu/eli/reg/2016/679/oj" in text
    assert body["duties"] == []


def test_attribution_uses_the_rights_statement(client):
    dataset, _ids = make_dataset("CC-BY", rights={"en": "© City of Utrecht, CC BY 4.0"})

    body = _check(client, dataset, CITIZEN, HTTP_ACCEPT_LANGUAGE="en")

    assert "© City of Utrecht, CC BY 4.0" in body["duties"][0]["label"]
    assert "© City of Utrecht, CC BY 4.0" in body["next_steps"]


# The API's contract -----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["reuse-check", "reuse-check/"])
def test_both_urls_answer_with_the_documented_shape(client, path):
    dataset, _ids = make_dataset("CC-BY")

    response = client.post(
        f"/api/v1/datasets/{dataset.slug}/{path}", CITIZEN, content_type="application/json"
    )

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"verdict", "duties", "reasons", "next_steps"}
    assert set(body["duties"][0]) == {"action", "label"}
    assert set(body["reasons"][0]) == {"rule", "text"}
    assert isinstance(body["next_steps"], str)


@pytest.mark.parametrize(
    "body, field",
    [
        ({**CITIZEN, "purpose": "fun"}, "purpose"),
        ({k: v for k, v in CITIZEN.items() if k != "purpose"}, "purpose"),
        ({**CITIZEN, "actions": "use"}, "actions"),
        ({**CITIZEN, "actions": []}, "actions"),
        ({**CITIZEN, "actions": ["use", "fly"]}, "actions"),
        ({**CITIZEN, "actions": ["attribute"]}, "actions"),  # a duty, not a use
        ({**CITIZEN, "recipient_type": "alien"}, "recipient_type"),
        ({**CITIZEN, "commercial": "maybe"}, "commercial"),
        ({**CITIZEN, "territory": "Netherlands"}, "territory"),
        ({**CITIZEN, "distribution": "not-a-uuid"}, "distribution"),
        ({**CITIZEN, "distribution": "0b7e4c1e-1b0a-4b53-9a43-2f1f6d0c0a11"}, "distribution"),
        ({**CITIZEN, "purpose": "non_commercial", "commercial": True}, "commercial"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(client, body, field):
    dataset, _ids = make_dataset("CC-BY")

    response = client.post(
        f"/api/v1/datasets/{dataset.slug}/reuse-check/", body, content_type="application/json"
    )

    assert response.status_code == 400
    assert list(response.json()) == [field]


@pytest.mark.parametrize("payload", ["[1, 2]", "{not json", '"use"'])
def test_a_body_that_is_no_object_is_a_400(client, payload):
    dataset, _ids = make_dataset("CC-BY")

    response = client.post(
        f"/api/v1/datasets/{dataset.slug}/reuse-check", payload, content_type="application/json"
    )

    assert response.status_code == 400


def test_drafts_are_404_to_others_and_checkable_by_their_publisher(client, alice, publisher):
    draft = DatasetFactory(publisher=publisher, slug="secret")
    url = "/api/v1/datasets/secret/reuse-check"

    assert client.post(url, CITIZEN, content_type="application/json").status_code == 404
    assert client.post("/api/v1/datasets/nope/reuse-check/", CITIZEN).status_code == 404
    client.force_login(alice)
    assert client.post(url, CITIZEN, content_type="application/json").status_code == 200
    assert draft.status == Dataset.Status.DRAFT


def test_a_token_client_needs_no_csrf_token(carol):
    from django.test import Client

    dataset, _ids = make_dataset("CC-BY")
    _token, key = ApiToken.create_for(carol, "script")
    strict = Client(enforce_csrf_checks=True)

    anonymous = strict.post(
        f"/api/v1/datasets/{dataset.slug}/reuse-check", CITIZEN, content_type="application/json"
    )
    with_token = strict.post(
        f"/api/v1/datasets/{dataset.slug}/reuse-check",
        CITIZEN,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {key}",
    )

    assert anonymous.status_code == 200 and with_token.status_code == 200


def test_anonymous_checks_are_throttled_as_reads(client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/min", "user": None, "write": None},
    }
    dataset, _ids = make_dataset("CC-BY")
    url = f"/api/v1/datasets/{dataset.slug}/reuse-check"

    codes = [client.post(url, CITIZEN, content_type="application/json").status_code for _ in "abc"]

    assert codes == [200, 200, 429]


def test_the_query_count_does_not_grow_with_the_rules(client, django_assert_max_num_queries):
    rules = [(f"r{n}", P, "use", {"purposes": ["research"]}) for n in range(30)]
    dataset, _ids = make_dataset("CC-BY", rules=rules)
    url = f"/api/v1/datasets/{dataset.slug}/reuse-check"

    with django_assert_max_num_queries(4):
        response = client.post(url, CITIZEN, content_type="application/json")

    assert response.status_code == 200
    assert len(response.json()["reasons"]) == 31


def test_the_check_is_in_the_openapi_schema(client, db):
    paths = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()["paths"]

    operation = paths["/api/v1/datasets/{slug}/reuse-check/"]["post"]
    assert "200" in operation["responses"] and "400" in operation["responses"]
    assert "/api/v1/datasets/{slug}/reuse-check" not in paths  # the same operation, once


# The HTML form ----------------------------------------------------------------------------


def test_the_dataset_page_has_the_form(client):
    dataset, _ids = make_dataset("CC-BY")

    html = client.get(f"/datasets/{dataset.slug}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert 'id="reuse-check"' in html
    assert f'action="/datasets/{dataset.slug}/reuse-check/#reuse-check"' in html
    assert 'method="get"' in html and 'name="purpose"' in html
    assert '<label for="rc-recipient">' in html


def test_the_form_answers_in_plain_english(client):
    dataset, _ids = make_dataset("CC-BY", rights={"en": "Source: City of Utrecht"})
    query = "purpose=research&recipient_type=citizen&actions=use&actions=derive"

    response = client.get(
        f"/datasets/{dataset.slug}/reuse-check/?{query}", HTTP_ACCEPT_LANGUAGE="en"
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-verdict="permitted_with_duties"' in html
    assert "Yes, you may, on conditions." in html
    assert "Source: City of Utrecht" in html
    assert 'data-rule="licence:open"' in html
    # The form keeps what was asked.
    assert 'value="derive" checked' in html and '<option value="research" selected>' in html


def test_the_form_answers_prohibited_and_needs_agreement(client):
    closed, _ids = make_dataset("CC-BY-NC")
    restricted, _ids = make_dataset(access="RESTRICTED", rules=RESEARCH_AFTER_AGREEMENT)
    query = "purpose=research&recipient_type=research&actions=use"

    prohibited = client.get(f"/datasets/{closed.slug}/reuse-check/?{query}&commercial=true")
    agreement = client.get(f"/datasets/{restricted.slug}/reuse-check/?{query}")

    assert 'data-verdict="prohibited"' in prohibited.content.decode()
    assert 'data-rule="licence:non_commercial"' in prohibited.content.decode()
    assert 'data-verdict="needs_agreement"' in agreement.content.decode()


def test_the_form_shows_field_errors_never_a_500(client):
    dataset, _ids = make_dataset("CC-BY")
    query = "purpose=fun&actions=fly&territory=Holland&distribution=nope"

    response = client.get(
        f"/datasets/{dataset.slug}/reuse-check/?{query}", HTTP_ACCEPT_LANGUAGE="en"
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "data-verdict" not in html
    for field in ("purpose", "actions", "recipient", "territory"):
        assert f'id="rc-{field}-error"' in html
    assert "is not a valid choice" in html and "This field is required." in html


def test_the_form_speaks_dutch(client):
    dataset, _ids = make_dataset("CC-BY")

    answered = client.get(
        f"/datasets/{dataset.slug}/reuse-check/?purpose=research&recipient_type=citizen&actions=use",
        HTTP_ACCEPT_LANGUAGE="nl",
    ).content.decode()
    refused = client.get(
        f"/datasets/{dataset.slug}/reuse-check/?purpose=plezier", HTTP_ACCEPT_LANGUAGE="nl"
    ).content.decode()

    assert '<html lang="nl">' in answered
    assert f"Dataset {dataset.slug} (nl)" in answered
    assert 'data-verdict="permitted_with_duties"' in answered
    assert "is een ongeldige keuze" in refused and "Dit veld is vereist." in refused


def test_the_form_page_hides_drafts(client, alice, publisher):
    DatasetFactory(publisher=publisher, slug="secret")

    assert client.get("/datasets/secret/reuse-check/").status_code == 404
    client.force_login(alice)
    assert client.get("/datasets/secret/reuse-check/").status_code == 200


def test_the_form_counts_the_users_approved_request(client, carol):
    dataset, _ids = make_dataset(access="RESTRICTED", rules=RESEARCH_AFTER_AGREEMENT)
    approved_request(dataset, carol)
    query = "purpose=research&recipient_type=research&actions=use"
    client.force_login(carol)

    html = client.get(f"/datasets/{dataset.slug}/reuse-check/?{query}").content.decode()

    assert 'data-verdict="permitted_with_duties"' in html
