"""The reuse-conditions templates the portal starts with (catalog.conditions.apply_template).

Site managers maintain them in the admin afterwards: a template that exists (by its
English name) is left as it is, so running this again changes nothing.
"""

from django.db import migrations

P, X, D = "permission", "prohibition", "duty"

TEMPLATES = [
    {
        "name": {"nl": "Open, CC BY 4.0", "en": "Open, CC BY 4.0"},
        "description": {
            "nl": "Iedereen mag de data gebruiken, delen en bewerken, ook commercieel, "
            "met bronvermelding.",
            "en": "Anyone may use, share and adapt the data, also commercially, with credit "
            "to the source.",
        },
        "licence": "CC-BY-4.0",
        "access": "PUBLIC",
        "rules": [
            (P, "use", {}),
            (P, "distribute", {}),
            (P, "derive", {}),
            (P, "commercialize", {}),
            (D, "attribute", {}),
        ],
    },
    {
        "name": {"nl": "Open, CC0", "en": "Open, CC0"},
        "description": {
            "nl": "Publiek domein: gebruik de data voor elk doel, zonder voorwaarden.",
            "en": "Public domain: use the data for any purpose, without conditions.",
        },
        "licence": "CC0-1.0",
        "access": "PUBLIC",
        "rules": [],
    },
    {
        "name": {"nl": "Niet-commercieel, met bronvermelding", "en": "Non-commercial, attribution"},
        "description": {
            "nl": "Gebruiken, tonen, delen en bewerken mag voor niet-commerciële doelen, met "
            "bronvermelding. Commercieel gebruik is niet toegestaan.",
            "en": "Use, display, share and adapt the data for non-commercial purposes, with "
            "credit to the source. Commercial use is not allowed.",
        },
        "licence": "CC-BY-NC-4.0",
        "access": "PUBLIC",
        "rules": [
            (P, "use", {"purposes": ["non_commercial"]}),
            (P, "display", {"purposes": ["non_commercial"]}),
            (P, "distribute", {"purposes": ["non_commercial"]}),
            (P, "derive", {"purposes": ["non_commercial"]}),
            (X, "commercialize", {}),
            (D, "attribute", {}),
        ],
    },
    {
        "name": {"nl": "Onderzoek, na overeenkomst", "en": "Research use after agreement"},
        "description": {
            "nl": "Onderzoeksinstellingen mogen de data voor onderzoek gebruiken en bewerken "
            "na het tekenen van een overeenkomst; verder verspreiden mag niet.",
            "en": "Research institutions may use and adapt the data for research after "
            "signing an agreement; passing the data on is not allowed.",
        },
        "licence": None,
        "access": "RESTRICTED",
        "rules": [
            (P, "use", {"purposes": ["research"], "recipient_types": ["research"]}),
            (P, "derive", {"purposes": ["research"], "recipient_types": ["research"]}),
            (X, "distribute", {}),
            (D, "sign_agreement", {}),
            (D, "attribute", {}),
            (D, "inform", {}),
        ],
        "agreement_text": {
            "nl": "Ik gebruik de data alleen voor het onderzoek dat ik heb beschreven, geef "
            "de data niet door aan anderen, vermeld de bron in publicaties en laat de "
            "uitgever weten waar de resultaten verschijnen.",
            "en": "I use the data only for the research I described, do not pass the data "
            "on to others, credit the source in publications and tell the publisher where "
            "the results appear.",
        },
    },
    {
        "name": {"nl": "Alleen voor de overheid", "en": "Government use only"},
        "description": {
            "nl": "Overheidsorganisaties mogen de data gebruiken voor hun publieke taak, na "
            "het tekenen van een overeenkomst.",
            "en": "Government organisations may use the data for their public task, after "
            "signing an agreement.",
        },
        "licence": None,
        "access": "RESTRICTED",
        "rules": [
            (P, "use", {"purposes": ["public_task"], "recipient_types": ["government"]}),
            (D, "sign_agreement", {}),
        ],
        "agreement_text": {
            "nl": "Wij gebruiken de data alleen voor onze publieke taak en geven de data niet "
            "door buiten de overheid.",
            "en": "We use the data only for our public task and do not pass the data on "
            "outside government.",
        },
    },
    {
        "name": {"nl": "Niet openbaar: persoonsgegevens", "en": "Not public: personal data"},
        "description": {
            "nl": "De data bevat persoonsgegevens en wordt niet gedeeld; alleen de "
            "beschrijving is openbaar.",
            "en": "The data holds personal data and is not shared; only its description is public.",
        },
        "licence": None,
        "access": "NON_PUBLIC",
        "reason": "personal_data",
        "rules": [],
    },
]


def create_templates(apps, schema_editor):
    PolicyTemplate = apps.get_model("catalog", "PolicyTemplate")
    PolicyRule = apps.get_model("catalog", "PolicyRule")
    Licence = apps.get_model("catalog", "Licence")
    Concept = apps.get_model("catalog", "Concept")
    existing = {(t.name or {}).get("en") for t in PolicyTemplate.objects.all()}
    for position, spec in enumerate(TEMPLATES):
        if spec["name"]["en"] in existing:
            continue
        template = PolicyTemplate.objects.create(
            name=spec["name"],
            description=spec["description"],
            licence=Licence.objects.filter(code=spec["licence"]).first()
            if spec["licence"]
            else None,
            access_rights=Concept.objects.filter(
                scheme="access-right", code=spec["access"]
            ).first(),
            access_reason=spec.get("reason", ""),
            agreement_text=spec.get("agreement_text", {}),
            position=position,
        )
        PolicyRule.objects.bulk_create(
            [
                PolicyRule(template=template, kind=kind, action=action, position=index, **extra)
                for index, (kind, action, extra) in enumerate(spec["rules"])
            ]
        )


def remove_templates(apps, schema_editor):
    PolicyTemplate = apps.get_model("catalog", "PolicyTemplate")
    names = {spec["name"]["en"] for spec in TEMPLATES}
    for template in PolicyTemplate.objects.all():
        if (template.name or {}).get("en") in names:
            template.delete()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0009_reuse_conditions")]

    operations = [migrations.RunPython(create_templates, remove_templates)]
