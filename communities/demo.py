"""Demo data communities: mobility, education, and cultural heritage and media.

Loaded by `manage.py load_demo` after the demo catalogue (settings.DEMO_LOADERS), so their
rules match its publishers, themes and keywords and their people include its demo accounts.
Communities, people and memberships are matched and brought back in place on every run;
questions, answers and data requests are created once (matched on their titles) and then
left to whoever uses the demo, like the catalogue's demo access requests.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction

from catalog.demo import (
    DEMO_PASSWORD,
    EDITOR_USERNAME,
    MANAGER_USERNAME,
    REUSER_USERNAME,
    LoadReport,
    _apply,
    _ensure_user,
    _moment,
    _set_related,
)
from catalog.models import Catalog, Concept, Dataset, Publisher, PublisherMembership
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

Role = Membership.Role
Status = DataRequest.Status

# New demo people (password: catalog.demo.DEMO_PASSWORD), besides beheerder, redacteur
# and hergebruiker. Those with a publisher can answer on its behalf.
PEOPLE = [
    {
        "username": "rws-data",
        "name": "Ruud Waterman",
        "organisation": "Rijkswaterstaat",
        "expertise": "Verkeersgegevens van rijkswegen en vaarwegen (NDW, DATEX II).",
        "publisher": "rijkswaterstaat",
    },
    {
        "username": "duo-data",
        "name": "Dana Onderwater",
        "organisation": "DUO",
        "expertise": "Onderwijsstatistiek: inschrijvingen, examens, studiefinanciering.",
        "publisher": "dienst-uitvoering-onderwijs",
    },
    {
        "username": "beeldengeluid-data",
        "name": "Bram Beeld",
        "organisation": "Beeld & Geluid",
        "expertise": "Collectiemetadata, thesauri en open beeldmateriaal.",
        "publisher": "archief-beeld-en-geluid",
    },
    {
        "username": "mobiliteitsexpert",
        "name": "Dr. Mila Verkeer",
        "organisation": "TU Delft",
        "expertise": "Mobiliteitsonderzoek, verkeersmodellen en deelmobiliteit.",
        "is_expert": True,
    },
    {
        "username": "onderwijsonderzoeker",
        "name": "Olaf Leraar",
        "organisation": "Universiteit Utrecht",
        "expertise": "Onderwijsonderzoek: schoolprestaties en kansengelijkheid.",
        "is_expert": True,
    },
    {
        "username": "moderator",
        "name": "Mo de Rator",
        "organisation": "Stichting Datakring",
        "expertise": "Community-moderatie.",
        "is_moderator": True,
    },
    {
        "username": "journalist",
        "name": "Julia Nieuws",
        "organisation": "Regionale omroep",
        "expertise": "Datajournalistiek.",
    },
]
# The catalogue's demo accounts get a profile too.
PROFILES = {
    MANAGER_USERNAME: {"name": "Beheer Datakring", "organisation": "Stichting Datakring"},
    EDITOR_USERNAME: {"name": "Redactie Open Data Utrecht", "organisation": "Gemeente Utrecht"},
    REUSER_USERNAME: {
        "name": "Hanna Hergebruik",
        "organisation": "Appbouwers B.V.",
        "expertise": "Apps voor fietsers en reizigers.",
    },
}

COMMUNITIES = [
    {
        "slug": "mobiliteit",
        "name": {"nl": "Mobiliteit", "en": "Mobility"},
        "description": {
            "nl": "Voor iedereen die werkt met data over **verkeer, fietsen, laden en "
            "vaarwegen**: de wegbeheerders en gemeenten die de data maken, de bouwers van "
            "reisapps en de onderzoekers die het verkeer modelleren.",
            "en": "For everyone working with data on **traffic, cycling, charging and "
            "waterways**: the road authorities and municipalities who make the data, the "
            "builders of travel apps and the researchers who model traffic.",
        },
        "themes": ["TRAN"],
        "is_open": True,
        "publishers": [],
        "rule_themes": ["TRAN"],
        "keywords": ["mobiliteit", "laadpalen", "elektrisch rijden"],
        "datasets": [],
        "members": [
            (MANAGER_USERNAME, Role.MANAGER, None),
            (EDITOR_USERNAME, Role.OWNER, "gemeente-utrecht"),
            ("rws-data", Role.OWNER, "rijkswaterstaat"),
            ("mobiliteitsexpert", Role.EXPERT, None),
            ("moderator", Role.MODERATOR, None),
            (REUSER_USERNAME, Role.REUSER, None),
            ("journalist", Role.REUSER, None),
        ],
    },
    {
        "slug": "onderwijs",
        "name": {"nl": "Onderwijs", "en": "Education"},
        "description": {
            "nl": "Scholen, examens, studenten en studiefinanciering: DUO en onderzoekers "
            "bespreken hier de onderwijsdata. Lid worden gaat op aanvraag.",
            "en": "Schools, exams, students and student finance: DUO and researchers discuss "
            "education data here. Joining is on request.",
        },
        "themes": ["EDUC"],
        "is_open": False,
        "publishers": ["dienst-uitvoering-onderwijs"],
        "rule_themes": [],
        "keywords": ["scholen", "studenten"],
        "datasets": [],
        "members": [
            (MANAGER_USERNAME, Role.MANAGER, None),
            ("duo-data", Role.OWNER, "dienst-uitvoering-onderwijs"),
            ("onderwijsonderzoeker", Role.EXPERT, None),
            ("moderator", Role.MODERATOR, None),
            ("journalist", Role.REUSER, None),
        ],
        # A closed community: this one waits for a manager's approval.
        "pending": [REUSER_USERNAME],
    },
    {
        "slug": "erfgoed-en-media",
        "name": {"nl": "Cultureel erfgoed en media", "en": "Cultural heritage and media"},
        "description": {
            "nl": "Archieven, omroepcollecties en open beeldmateriaal: voor erfgoedinstellingen, "
            "makers, docenten en onderzoekers die met audiovisueel erfgoed werken.",
            "en": "Archives, broadcast collections and open footage: for heritage institutions, "
            "makers, teachers and researchers working with audiovisual heritage.",
        },
        "themes": ["EDUC", "SOCI"],
        "is_open": True,
        "publishers": ["archief-beeld-en-geluid"],
        "rule_themes": [],
        "keywords": ["erfgoed"],
        # Viewing figures are media history too, though published under a social theme.
        "datasets": ["historische-kijk-en-luistercijfers"],
        "members": [
            ("beeldengeluid-data", Role.OWNER, "archief-beeld-en-geluid"),
            ("journalist", Role.MANAGER, None),
            ("onderwijsonderzoeker", Role.EXPERT, None),
            ("moderator", Role.MODERATOR, None),
            (REUSER_USERNAME, Role.REUSER, None),
        ],
    },
]

# Questions with their answers (author, body, on behalf of a publisher, accepted, comments).
QUESTIONS = [
    {
        "community": "mobiliteit",
        "dataset": "bezetting-fietsenstallingen-utrecht",
        "author": REUSER_USERNAME,
        "title": "Hoe vaak wordt de bezetting van de fietsenstallingen bijgewerkt?",
        "body": "Ik bouw een app die laat zien waar nog plek is. Is de CSV **actueel** "
        "(per minuut) of een dagelijks overzicht?",
        "tags": ["fietsparkeren", "actualiteit"],
        "age": 20,
        "answers": [
            {
                "author": EDITOR_USERNAME,
                "on_behalf_of": "gemeente-utrecht",
                "body": "De tellingen komen elke vijf minuten binnen; de CSV wordt elk uur "
                "ververst. Voor realtime gegevens kunt u de API van de stallingen gebruiken.",
                "after_hours": 5,
                "accepted": True,
                "comments": [(REUSER_USERNAME, "Dank u, het uurbestand volstaat voor mij.")],
            }
        ],
    },
    {
        "community": "mobiliteit",
        "dataset": "verkeersintensiteiten-a28",
        "author": "journalist",
        "title": "Why do the A28 counts drop in July?",
        "body": "The intensities for July look about 20% lower than June. Holidays, or "
        "missing measurements?",
        "tags": ["traffic", "data quality"],
        "age": 12,
        "answers": [
            {
                "author": "mobiliteitsexpert",
                "body": "Mostly the summer holidays: commuter traffic falls by 15–25% on "
                "this corridor. Check the `completeness` column for missing loops too.",
                "after_hours": 30,
            },
            {
                "author": "rws-data",
                "on_behalf_of": "rijkswaterstaat",
                "body": "We confirm: two loops near Meppel were out of order for six days. "
                "Those hours are marked as estimated.",
                "after_hours": 50,
            },
        ],
    },
    {
        "community": "mobiliteit",
        "dataset": None,
        "author": REUSER_USERNAME,
        "title": "Zijn er open data over deelscooters en deelfietsen?",
        "body": "Ik zoek standplaatsen en gebruik van deelvervoer in Utrecht en Zwolle.",
        "tags": ["deelmobiliteit"],
        "age": 2,
        "answers": [],
    },
    {
        "community": "onderwijs",
        "dataset": "examenresultaten-voortgezet-onderwijs",
        "author": "onderwijsonderzoeker",
        "title": "Zijn de slagingspercentages gecorrigeerd voor herexamens?",
        "body": "Voor een vergelijking tussen scholen wil ik weten of het percentage na "
        "herexamens is berekend.",
        "tags": ["examens", "methode"],
        "age": 30,
        "answers": [
            {
                "author": "duo-data",
                "on_behalf_of": "dienst-uitvoering-onderwijs",
                "body": "Ja: het slagingspercentage is de stand na de herexamens (derde "
                "tijdvak). Zie de toelichting bij de kolom `geslaagd`.",
                "after_hours": 20,
                "accepted": True,
                "comments": [("journalist", "Handig om te weten, dank!")],
            }
        ],
    },
    {
        "community": "onderwijs",
        "dataset": "adressen-scholen-po-vo",
        "author": "journalist",
        "title": "Are school locations available with coordinates?",
        "body": "The address file has postcodes; are there coordinates per location?",
        "tags": ["geo"],
        "age": 1,
        "answers": [],
    },
    {
        "community": "erfgoed-en-media",
        "dataset": "open-beelden-hergebruikbare-video",
        "author": REUSER_USERNAME,
        "title": "Mag ik Polygoonjournaals gebruiken in een commerciële app?",
        "body": "Ik wil fragmenten tonen in een betaalde reisapp. Welke licentie geldt?",
        "tags": ["licentie", "hergebruik"],
        "age": 40,
        "status": Question.Status.CLOSED,
        "answers": [
            {
                "author": "onderwijsonderzoeker",
                "body": "De meeste fragmenten staan onder CC BY-SA: commercieel gebruik mag, "
                "met naamsvermelding en onder dezelfde licentie.",
                "after_hours": 8,
                "accepted": True,
            },
            {
                "author": "beeldengeluid-data",
                "on_behalf_of": "archief-beeld-en-geluid",
                "body": "Klopt. Let op: enkele fragmenten hebben CC BY-NC; de licentie staat "
                "per video in de metadata.",
                "after_hours": 26,
            },
        ],
    },
]

# Data requests and their lifecycle: (status, actor, age in days, explanation, extra).
DATA_REQUESTS = [
    {
        "title": "Realtime beschikbaarheid deelfietsen in Utrecht",
        "author": REUSER_USERNAME,
        "community": "mobiliteit",
        "possible_owner": "Gemeente Utrecht of de aanbieders",
        "owner": "gemeente-utrecht",
        "body": "Per deelfietsstation het aantal beschikbare fietsen, liefst via een API.",
        "purpose": "Een reisplanner die de fiets voor de laatste kilometer voorstelt.",
        "desired_format": "GBFS of JSON-API",
        "desired_period": "Realtime",
        "commercial": True,
        "supporters": ["journalist", "mobiliteitsexpert"],
        "age": 45,
        "steps": [
            (Status.UNDER_REVIEW, MANAGER_USERNAME, 43, "We zoeken uit wie deze data heeft."),
            (
                Status.FORWARDED,
                MANAGER_USERNAME,
                40,
                "Doorgestuurd naar de gemeente Utrecht, die de vergunningen verleent.",
            ),
        ],
    },
    {
        "title": "Gebruik per publieke laadpaal",
        "author": "journalist",
        "community": "mobiliteit",
        "possible_owner": "Provincie Overijssel",
        "body": "Hoe vaak en hoe lang wordt elke laadpaal gebruikt?",
        "purpose": "Een artikel over de laadinfrastructuur in de regio.",
        "desired_format": "CSV",
        "desired_period": "2023 tot nu",
        "supporters": [REUSER_USERNAME],
        "age": 25,
        "steps": [
            (
                Status.ALREADY_AVAILABLE,
                MANAGER_USERNAME,
                22,
                "De laadpalendataset bevat bezettingsgraad per paal per maand.",
                {"dataset": "publieke-laadpalen-overijssel"},
            ),
        ],
    },
    {
        "title": "Lerarentekort per school",
        "author": "onderwijsonderzoeker",
        "community": "onderwijs",
        "possible_owner": "DUO",
        "owner": "dienst-uitvoering-onderwijs",
        "body": "Openstaande vacatures en onbevoegd gegeven lessen per school.",
        "purpose": "Onderzoek naar kansengelijkheid.",
        "desired_format": "CSV",
        "supporters": ["journalist"],
        "age": 60,
        "steps": [
            (Status.UNDER_REVIEW, MANAGER_USERNAME, 58, ""),
            (
                Status.NOT_AVAILABLE,
                "duo-data",
                50,
                "DUO registreert geen vacatures; schoolbesturen houden dit zelf bij.",
                {"reason": DataRequest.Reason.NOT_OUR_DATA},
            ),
        ],
    },
    {
        "title": "Ondertitels van regionale omroepen",
        "author": REUSER_USERNAME,
        "community": "erfgoed-en-media",
        "owner": "archief-beeld-en-geluid",
        "body": "Een corpus met ondertitels van regionale nieuwsuitzendingen.",
        "purpose": "Taaltechnologie voor dialecten.",
        "desired_format": "SRT of WebVTT",
        "desired_period": "2010 tot nu",
        "supporters": ["onderwijsonderzoeker", "journalist"],
        "age": 35,
        "steps": [
            (Status.FORWARDED, "journalist", 33, "Beeld & Geluid beheert deze collectie."),
            (
                Status.PLANNED,
                "beeldengeluid-data",
                20,
                "We bereiden een eerste levering voor (2018–2024), verwacht dit kwartaal.",
            ),
        ],
    },
    {
        "title": "Programmabeschrijvingen radio 1950–1970",
        "author": "onderwijsonderzoeker",
        "community": "erfgoed-en-media",
        "owner": "archief-beeld-en-geluid",
        "body": "Metadata van radioprogramma's uit de jaren vijftig en zestig.",
        "purpose": "Lesmateriaal over mediageschiedenis.",
        "desired_format": "CSV of linked data",
        "supporters": [REUSER_USERNAME],
        "age": 90,
        "steps": [
            (Status.FORWARDED, "journalist", 88, ""),
            (Status.PLANNED, "beeldengeluid-data", 70, "Wordt meegenomen in de omroepcollectie."),
            (
                Status.PUBLISHED,
                "beeldengeluid-data",
                30,
                "Gepubliceerd als onderdeel van de omroepcollectie.",
                {"dataset": "omroepcollectie-programmabeschrijvingen"},
            ),
        ],
    },
    {
        "title": "Geluidsmetingen langs het spoor",
        "author": "journalist",
        "community": "mobiliteit",
        "possible_owner": "ProRail",
        "body": "Gemeten geluidsniveaus bij woningen langs spoorlijnen.",
        "desired_format": "CSV",
        "age": 3,
        "steps": [],
    },
]


@transaction.atomic
def load_demo() -> LoadReport:
    """Create or update the demo communities; running it again changes nothing."""
    report = LoadReport()
    anchor = Catalog.get_current().issued or datetime.date.today()
    people = _sync_people(report)
    publishers = {p.slug: p for p in Publisher.objects.all()}
    datasets = {d.slug: d for d in Dataset.objects.all()}
    communities = {
        spec["slug"]: _sync_community(spec, people, publishers, datasets, report)
        for spec in COMMUNITIES
    }
    for spec in QUESTIONS:
        _sync_question(spec, anchor, people, publishers, communities, datasets, report)
    for spec in DATA_REQUESTS:
        _sync_request(spec, anchor, people, publishers, communities, datasets, report)
    return report


def _sync_people(report) -> dict:
    User = get_user_model()  # noqa: N806
    people = {}
    for spec in PEOPLE:
        first, _space, last = spec["name"].partition(" ")
        user = _ensure_user(
            spec["username"], report, first_name=first, last_name=last, is_superuser=False
        )
        if spec.get("publisher"):
            publisher = Publisher.objects.get(slug=spec["publisher"])
            if not PublisherMembership.objects.filter(publisher=publisher, user=user).exists():
                publisher.add_member(user, PublisherMembership.Role.EDITOR)
        people[spec["username"]] = user
        _sync_profile(user, spec, report)
        role = f"Communities: {spec['name']} ({spec['organisation']})"
        report.accounts.append((role, user.username, user.check_password(DEMO_PASSWORD)))
    for username, spec in PROFILES.items():
        user = User.objects.get(username=username)
        people[username] = user
        _sync_profile(user, spec, report)
    return people


def _sync_profile(user, spec, report) -> None:
    profile = Profile.objects.filter(user=user).first() or Profile(user=user)
    values = {
        "display_name": spec["name"],
        "organisation": spec.get("organisation", ""),
        "expertise": spec.get("expertise", ""),
        "is_expert": spec.get("is_expert", False),
        "is_moderator": spec.get("is_moderator", False),
    }
    report.add("Community profiles", _apply(profile, values))


def _sync_community(spec, people, publishers, datasets, report) -> Community:
    community = Community.objects.filter(slug=spec["slug"]).first() or Community(slug=spec["slug"])
    values = {
        "name": spec["name"],
        "description": spec["description"],
        "is_open": spec["is_open"],
        "rule_keywords": spec["keywords"],
    }
    outcome = _apply(community, values)
    themes = Concept.objects.filter(scheme=Concept.Scheme.THEME)
    changed = _set_related(community.themes, themes.filter(code__in=spec["themes"]))
    changed |= _set_related(community.rule_themes, themes.filter(code__in=spec["rule_themes"]))
    changed |= _set_related(
        community.rule_publishers, [publishers[slug] for slug in spec["publishers"]]
    )
    changed |= _set_related(community.datasets, [datasets[slug] for slug in spec["datasets"]])
    report.add("Communities", "updated" if changed and outcome == "unchanged" else outcome)
    wanted = [(username, role, publisher, Membership.Status.ACTIVE) for username, role, publisher
              in spec["members"]]  # fmt: skip
    wanted += [(u, Role.REUSER, None, Membership.Status.PENDING) for u in spec.get("pending", [])]
    for username, role, publisher, status in wanted:
        user = people[username]
        membership = Membership.objects.filter(community=community, user=user).first()
        membership = membership or Membership(community=community, user=user)
        values = {
            "role": role,
            "status": status,
            "publisher_id": publishers[publisher].pk if publisher else None,
        }
        report.add("Community members", _apply(membership, values))
    return community


def _sync_question(spec, anchor, people, publishers, communities, datasets, report) -> None:
    author = people[spec["author"]]
    if Question.objects.filter(title=spec["title"], author=author).exists():
        report.add("Questions", "unchanged")
        return
    asked = _moment(anchor, spec["age"], hour=9)
    question = Question.objects.create(
        author=author,
        community=communities[spec["community"]],
        dataset=datasets[spec["dataset"]] if spec["dataset"] else None,
        title=spec["title"],
        body=spec["body"],
        tags=spec["tags"],
        status=spec.get("status", Question.Status.OPEN),
        created_at=asked,
    )
    for answer_spec in spec["answers"]:
        answered = asked + datetime.timedelta(hours=answer_spec["after_hours"])
        on_behalf_of = answer_spec.get("on_behalf_of")
        answer = Answer.objects.create(
            question=question,
            author=people[answer_spec["author"]],
            body=answer_spec["body"],
            on_behalf_of=publishers[on_behalf_of] if on_behalf_of else None,
            created_at=answered,
        )
        # Every demo answer comes from an owner or an expert: the first one is the response.
        if question.first_response_at is None:
            question.first_response_at = answered
        if answer_spec.get("accepted"):
            question.accepted_answer = answer
        for number, (username, body) in enumerate(answer_spec.get("comments", []), start=1):
            Comment.objects.create(
                answer=answer,
                author=people[username],
                body=body,
                created_at=answered + datetime.timedelta(hours=number),
            )
    question.save(update_fields=["first_response_at", "accepted_answer"])
    report.add("Questions", "created")


def _sync_request(spec, anchor, people, publishers, communities, datasets, report) -> None:
    author = people[spec["author"]]
    if DataRequest.objects.filter(title=spec["title"], author=author).exists():
        report.add("Data requests", "unchanged")
        return
    submitted = _moment(anchor, spec["age"], hour=11)
    data_request = DataRequest.objects.create(
        author=author,
        title=spec["title"],
        body=spec["body"],
        possible_owner=spec.get("possible_owner", ""),
        owner=publishers[spec["owner"]] if spec.get("owner") else None,
        purpose=spec.get("purpose", ""),
        desired_format=spec.get("desired_format", ""),
        desired_period=spec.get("desired_period", ""),
        commercial=spec.get("commercial", False),
        community=communities[spec["community"]],
        created_at=submitted,
        status_changed_at=submitted,
    )
    DataRequestEvent.objects.create(
        request=data_request, status=Status.SUBMITTED, actor=author, created_at=submitted
    )
    for status, actor, age, explanation, *extra in spec["steps"]:
        extra = extra[0] if extra else {}
        moment = _moment(anchor, age, hour=15)
        DataRequestEvent.objects.create(
            request=data_request,
            status=status,
            explanation=explanation,
            actor=people[actor],
            created_at=moment,
        )
        data_request.status = status
        data_request.status_changed_at = moment
        data_request.reason = extra.get("reason", "")
        if "dataset" in extra:
            data_request.dataset = datasets[extra["dataset"]]
    data_request.save()
    data_request.supporters.set([people[username] for username in spec.get("supporters", [])])
    report.add("Data requests", "created")
