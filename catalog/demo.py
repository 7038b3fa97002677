"""Demo and synthetic catalogue content.

`load_demo()` fills a small, realistic Dutch catalogue (publishers, datasets with files the
portal serves itself, data services, two demo accounts) and can run any number of times:
records are matched on their slugs and only written when they differ. `generate_synthetic()`
bulk-inserts many plausible datasets for benchmarks. The vocabularies and licences both rely
on are loaded by a data migration; neither creates concepts of its own.
"""

import datetime
import hashlib
import random
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from itertools import accumulate
from pathlib import Path

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from catalog.access import policy_snapshot
from catalog.models import (
    AccessRequest,
    Agreement,
    Catalog,
    Concept,
    ContactPoint,
    DataService,
    Dataset,
    DatasetRelation,
    Distribution,
    Keyword,
    Licence,
    PolicyRule,
    Publisher,
    PublisherMembership,
    Reuse,
    Status,
)
from catalog.multilingual import LanguageMap
from catalog.search import index_datasets

DEMO_FILES_DIR = Path(__file__).resolve().parent / "demo_files"
DEMO_PASSWORD = "datakring-demo"
MANAGER_USERNAME = "beheerder"
EDITOR_USERNAME = "redacteur"
# Signs up like any member of the public: requests access to data, registers reuses.
REUSER_USERNAME = "hergebruiker"
EDITOR_PUBLISHER = "gemeente-utrecht"

GEONAMES = "https://sws.geonames.org/{}/"


class VocabularyMissing(Exception):
    """The vocabulary concepts or licences the demo refers to are not in the database."""


# Places: Geonames URI, labels and a bounding box (west, south, east, north, WGS84).
PLACES = {
    "nederland": (GEONAMES.format(2750405), "Nederland", "Netherlands", (3.31, 50.75, 7.23, 53.56)),
    "utrecht": (GEONAMES.format(2745912), "Utrecht", "Utrecht", (4.97, 52.03, 5.20, 52.14)),
    "provincie-utrecht": (
        GEONAMES.format(2745909),
        "Provincie Utrecht",
        "Province of Utrecht",
        (4.79, 51.85, 5.63, 52.30),
    ),
    "zwolle": (GEONAMES.format(2743477), "Zwolle", "Zwolle", (6.02, 52.46, 6.20, 52.57)),
    "overijssel": (
        GEONAMES.format(2748838),
        "Overijssel",
        "Overijssel",
        (5.79, 52.06, 7.09, 52.85),
    ),
    "hilversum": (GEONAMES.format(2754394), "Hilversum", "Hilversum", (5.10, 52.18, 5.23, 52.26)),
}

PUBLISHERS = [
    {
        "slug": "gemeente-utrecht",
        "name": {"nl": "Gemeente Utrecht", "en": "Municipality of Utrecht"},
        "description": {
            "nl": "De gemeente Utrecht publiceert open data over wonen, verkeer, afval, groen "
            "en de wijken van de stad. Vragen over de data kunt u stellen aan het team Open Data.",
            "en": "The municipality of Utrecht publishes open data on housing, traffic, waste, "
            "green space and the city's districts. Questions about the data go to the Open Data "
            "team.",
        },
        "uri": "https://identifier.overheid.nl/tooi/id/gemeente/gm0344",
        "homepage": "https://www.utrecht.nl/",
        "type": "LocalAuthority",
        "email": "opendata@utrecht.nl",
    },
    {
        "slug": "gemeente-zwolle",
        "name": {"nl": "Gemeente Zwolle", "en": "Municipality of Zwolle"},
        "description": {
            "nl": "Open data van de gemeente Zwolle: begroting, vergunningen, woningbouw, "
            "bevolking en klimaatadaptatie.",
            "en": "Open data from the municipality of Zwolle: budget, permits, housing "
            "construction, population and climate adaptation.",
        },
        "uri": "https://identifier.overheid.nl/tooi/id/gemeente/gm0193",
        "homepage": "https://www.zwolle.nl/",
        "type": "LocalAuthority",
        "email": "informatiebeheer@zwolle.nl",
    },
    {
        "slug": "provincie-overijssel",
        "name": {"nl": "Provincie Overijssel", "en": "Province of Overijssel"},
        "description": {
            "nl": "De provincie Overijssel deelt gegevens over natuur, landbouw, mobiliteit, "
            "energie en de regionale economie.",
            "en": "The province of Overijssel shares data on nature, agriculture, mobility, "
            "energy and the regional economy.",
        },
        "uri": "https://identifier.overheid.nl/tooi/id/provincie/pv23",
        "homepage": "https://www.overijssel.nl/",
        "type": "RegionalAuthority",
        "email": "geodata@overijssel.nl",
    },
    {
        "slug": "rijkswaterstaat",
        "name": {"nl": "Rijkswaterstaat", "en": "Rijkswaterstaat"},
        "description": {
            "nl": "Rijkswaterstaat beheert de rijkswegen, vaarwegen en rijkswateren en "
            "publiceert meetgegevens over water, verkeer en de staat van de infrastructuur.",
            "en": "Rijkswaterstaat, the executive agency of the Ministry of Infrastructure and "
            "Water Management, manages the national roads, waterways and waters and publishes "
            "measurements of water, traffic and the state of the infrastructure.",
        },
        "uri": "",
        "homepage": "https://www.rijkswaterstaat.nl/",
        "type": "NationalAuthority",
        "email": "opendata@rws.nl",
    },
    {
        "slug": "dienst-uitvoering-onderwijs",
        "name": {"nl": "Dienst Uitvoering Onderwijs", "en": "Education Executive Agency (DUO)"},
        "description": {
            "nl": "DUO publiceert open onderwijsdata over scholen, leerlingen, studenten en "
            "examens in Nederland.",
            "en": "DUO publishes open education data on schools, pupils, students and exams in "
            "the Netherlands.",
        },
        "uri": "",
        "homepage": "https://duo.nl/",
        "type": "NationalAuthority",
        "email": "opendata@duo.nl",
    },
    {
        "slug": "archief-beeld-en-geluid",
        "name": {
            "nl": "Nationaal Archief voor Beeld en Geluid",
            "en": "National Archive for Sound and Vision",
        },
        "description": {
            "nl": "Het archief bewaart ruim een eeuw Nederlandse radio en televisie en maakt de "
            "beschrijvingen van de collectie beschikbaar als open data.",
            "en": "The archive keeps more than a century of Dutch radio and television and makes "
            "the descriptions of its collection available as open data.",
        },
        "uri": "",
        "homepage": "https://www.archiefbeeldengeluid.nl/",
        "type": "NonProfitOrganisation",
        "email": "data@archiefbeeldengeluid.nl",
    },
    {
        "slug": "instituut-leefomgevingsonderzoek",
        "name": {
            "nl": "Instituut voor Leefomgevingsonderzoek",
            "en": "Institute for Living Environment Research",
        },
        "description": {
            "nl": "Onafhankelijk onderzoeksinstituut voor luchtkwaliteit, klimaat, energie en "
            "gezondheid. Het instituut deelt meetreeksen en onderzoeksdata onder open licenties.",
            "en": "Independent research institute for air quality, climate, energy and health. "
            "The institute shares measurement series and research data under open licences.",
        },
        "uri": "",
        "homepage": "https://www.leefomgevingsonderzoek.nl/",
        "type": "Academia-ScientificOrganisation",
        "email": "datamanagement@leefomgevingsonderzoek.nl",
    },
    {
        "slug": "datakring",
        "name": {"nl": "Stichting Datakring", "en": "Datakring Foundation"},
        "description": {
            "nl": "De stichting beheert dit portaal namens de deelnemende overheden en "
            "kennisinstellingen.",
            "en": "The foundation runs this portal on behalf of the participating public bodies "
            "and research institutes.",
        },
        "uri": "",
        "homepage": "",  # the portal itself: filled from SITE_URL
        "type": "NonProfitOrganisation",
        "email": "beheer@datakring.nl",
    },
]

CATALOG = {
    "title": {
        "nl": "Datakring: open data van Nederlandse overheden en kennisinstellingen",
        "en": "Datakring: open data from Dutch public bodies and research institutes",
    },
    "description": {
        "nl": "De catalogus van Datakring beschrijft de open data van gemeenten, provincies, "
        "rijksdiensten, archieven en onderzoeksinstituten, volgens DCAT-AP 3 en DCAT-AP-NL.",
        "en": "The Datakring catalogue describes the open data of municipalities, provinces, "
        "national agencies, archives and research institutes, following DCAT-AP 3 and "
        "DCAT-AP-NL.",
    },
    "publisher": "datakring",
    "languages": ["NLD", "ENG"],
    "licence": "CC0-1.0",
}


def _file(name, fmt, nl, en, **extra):
    """A distribution whose file (from demo_files/) the portal stores and serves."""
    return {"file": name, "format": fmt, "title": {"nl": nl, "en": en}, **extra}


def _link(url, fmt, nl, en, *, download=True, **extra):
    """A distribution on another site: a direct download, or else an access URL only."""
    return {
        "access_url": url,
        "download_url": url if download else "",
        "format": fmt,
        "title": {"nl": nl, "en": en},
        **extra,
    }


# Ages are in days before the demo's reference date (the catalogue's issue date), so the
# dates stay the same on every run: (published, last modified).
DATASETS = [
    # Gemeente Utrecht ---------------------------------------------------------------------
    {
        "slug": "ondergrondse-afvalcontainers-utrecht",
        "publisher": "gemeente-utrecht",
        "themes": ["ENVI"],
        "title": {
            "nl": "Ondergrondse afvalcontainers",
            "en": "Underground waste containers",
        },
        "description": {
            "nl": "Locaties van alle ondergrondse afvalcontainers in Utrecht, met de fractie "
            "die erin hoort en de capaciteit. Per container:\n\n"
            "- containernummer en fractie (restafval, papier, glas, gft, plastic/blik/pak, "
            "textiel)\n- dichtstbijzijnde adres en wijk\n- coördinaten (WGS84)\n\n"
            "Zie ook de [afvalwijzer](https://www.utrecht.nl/afval/) van de gemeente.",
            "en": "Locations of all underground waste containers in Utrecht, with the waste "
            "stream each one takes and its capacity. For every container:\n\n"
            "- container number and waste stream (residual, paper, glass, organic, "
            "plastic/cans/cartons, textile)\n- nearest address and district\n"
            "- coordinates (WGS84)\n\nSee also the municipality's "
            "[waste guide](https://www.utrecht.nl/afval/).",
        },
        "keywords": {
            "nl": ["afval", "containers", "huishoudelijk afval", "recycling"],
            "en": ["waste", "containers", "household waste", "recycling"],
        },
        "frequency": "MONTHLY",
        "temporal": ("2012-01-01", None),
        "place": "utrecht",
        "licence": "CC0-1.0",
        "landing_page": "https://www.utrecht.nl/open-data/afvalcontainers/",
        "version": "2025.11",
        "contact": ("Team Open Data", "opendata@utrecht.nl", "https://www.utrecht.nl/open-data/"),
        "age": (690, 21),
        "distributions": [
            _file(
                "utrecht-afvalcontainers.csv",
                "CSV",
                "Afvalcontainers (CSV)",
                "Waste containers (CSV)",
            ),
            _link(
                "https://data.utrecht.nl/afval/afvalcontainers.geojson",
                "GEOJSON",
                "Afvalcontainers als kaartlaag",
                "Waste containers as a map layer",
            ),
        ],
    },
    {
        "slug": "bezetting-fietsenstallingen-utrecht",
        "publisher": "gemeente-utrecht",
        "themes": ["TRAN"],
        "title": {
            "nl": "Bezetting fietsenstallingen",
            "en": "Occupancy of bicycle parking facilities",
        },
        "description": {
            "nl": "Dagelijkse piekbezetting van de bewaakte en onbewaakte fietsenstallingen in "
            "het centrum, waaronder de grootste fietsenstalling ter wereld onder het "
            "Stationsplein. De tellingen komen van de detectiesystemen in de stallingen.",
            "en": "Daily peak occupancy of the guarded and unguarded bicycle parking facilities "
            "in the city centre, including the world's largest bicycle parking garage under "
            "Stationsplein. The counts come from the detection systems in the facilities.",
        },
        "keywords": {
            "nl": ["fiets", "fietsparkeren", "stalling", "bezetting"],
            "en": ["bicycle", "bicycle parking", "occupancy", "cycling"],
        },
        "frequency": "DAILY",
        "temporal": ("2019-01-01", None),
        "place": "utrecht",
        "licence": "CC0-1.0",
        "landing_page": "https://www.utrecht.nl/open-data/fietsparkeren/",
        "documentation": ["https://www.utrecht.nl/open-data/fietsparkeren/toelichting/"],
        "contact": ("Team Open Data", "opendata@utrecht.nl", ""),
        "age": (640, 2),
        "distributions": [
            _file(
                "utrecht-fietsparkeren-bezetting.csv",
                "CSV",
                "Bezetting per dag (CSV)",
                "Occupancy per day (CSV)",
            ),
            _link(
                "https://api.utrecht.nl/fietsparkeren/v1/stallingen",
                "JSON",
                "Actuele bezetting (API)",
                "Current occupancy (API)",
                download=False,
            ),
        ],
    },
    {
        "slug": "bomenregister-utrecht",
        "publisher": "gemeente-utrecht",
        "themes": ["ENVI", "AGRI"],
        "title": {"nl": "Bomenregister", "en": "Tree register"},
        "description": {
            "nl": "Alle bomen in beheer van de gemeente Utrecht: soort, plantjaar, hoogteklasse "
            "en locatie. Het bestand met de binnenstad is een uittreksel; het volledige "
            "register (ruim 160.000 bomen) staat in het ZIP-bestand.",
            "en": "Every tree managed by the municipality of Utrecht: species, planting year, "
            "height class and location. The city-centre file is an extract; the full register "
            "(over 160,000 trees) is in the ZIP file.",
        },
        "keywords": {
            "nl": ["bomen", "groen", "openbare ruimte", "biodiversiteit"],
            "en": ["trees", "green space", "public space", "biodiversity"],
        },
        "frequency": "MONTHLY",
        "temporal": ("1900-01-01", None),
        "place": "utrecht",
        "licence": "CC-BY-4.0",
        "landing_page": "https://www.utrecht.nl/open-data/bomen/",
        "version": "3.2",
        "version_notes": {
            "nl": "Latijnse namen toegevoegd; hoogteklassen per 6 meter.",
            "en": "Latin names added; height classes in steps of 6 metres.",
        },
        "contact": ("Stadsbeheer, team Groen", "groen@utrecht.nl", ""),
        "age": (602, 35),
        "distributions": [
            _file(
                "utrecht-bomen-binnenstad.csv",
                "CSV",
                "Bomen in de binnenstad (CSV)",
                "Trees in the city centre (CSV)",
            ),
            _link(
                "https://data.utrecht.nl/groen/bomenregister-shape.zip",
                "ZIP",
                "Volledig register (shapefile, ZIP)",
                "Full register (shapefile, ZIP)",
            ),
        ],
    },
    {
        "slug": "wijkprofielen-utrecht-2025",
        "publisher": "gemeente-utrecht",
        "themes": ["SOCI", "REGI"],
        "title": {"nl": "Wijkprofielen 2025", "en": "District profiles 2025"},
        "description": {
            "nl": "Kerncijfers voor de tien wijken van Utrecht op 1 januari 2025: inwoners, "
            "huishoudens, leeftijdsopbouw, inkomen, groen en ervaren gezondheid. Bron: team "
            "Onderzoek van de gemeente, op basis van de BRP en de "
            "[Inwonersenquête](https://www.utrecht.nl/onderzoek/).",
            "en": "Key figures for Utrecht's ten districts on 1 January 2025: residents, "
            "households, age structure, income, green space and self-reported health. Source: "
            "the municipality's research team, based on the population register and the "
            "[residents' survey](https://www.utrecht.nl/onderzoek/).",
        },
        "keywords": {
            "nl": ["wijken", "bevolking", "inkomen", "gezondheid", "kerncijfers"],
            "en": ["districts", "population", "income", "health", "key figures"],
        },
        "frequency": "ANNUAL",
        "languages": ["NLD", "ENG"],
        "temporal": ("2025-01-01", "2025-12-31"),
        "place": "utrecht",
        "licence": "CC-BY-4.0",
        "landing_page": "https://www.utrecht.nl/onderzoek/wijkprofielen/",
        "version": "2025",
        "contact": ("Team Onderzoek", "onderzoek@utrecht.nl", ""),
        "age": (330, 300),
        "distributions": [
            _file(
                "utrecht-wijkprofielen-2025.json",
                "JSON",
                "Wijkprofielen (JSON)",
                "District profiles (JSON)",
            ),
            _link(
                "https://www.utrecht.nl/fileadmin/onderzoek/wijkprofielen-2025.xlsx",
                "XLSX",
                "Wijkprofielen met toelichting (Excel)",
                "District profiles with notes (Excel)",
            ),
        ],
    },
    {
        "slug": "geluidbelastingkaart-wegverkeer-utrecht",
        "publisher": "gemeente-utrecht",
        "themes": ["ENVI", "HEAL"],
        "title": {
            "nl": "Geluidbelastingkaart wegverkeer",
            "en": "Road traffic noise map",
        },
        "description": {
            "nl": "Berekende geluidbelasting (Lden) door wegverkeer, vastgesteld volgens de "
            "Europese richtlijn omgevingslawaai. De kaart wordt elke vijf jaar herzien en is de "
            "basis voor het actieplan geluid.",
            "en": "Calculated road traffic noise exposure (Lden), established under the "
            "European Environmental Noise Directive. The map is revised every five years and "
            "underpins the noise action plan.",
        },
        "keywords": {
            "nl": ["geluid", "wegverkeer", "omgevingslawaai", "milieu"],
            "en": ["noise", "road traffic", "environmental noise", "environment"],
        },
        "frequency": "IRREG",
        "temporal": ("2021-01-01", "2021-12-31"),
        "place": "utrecht",
        "licence": "CC-BY-4.0",
        "conforms_to": ["http://inspire.ec.europa.eu/id/document/tg/hh"],
        "landing_page": "https://www.utrecht.nl/open-data/geluidbelasting/",
        "documentation": ["https://www.utrecht.nl/fileadmin/milieu/rekenmethode-geluid.pdf"],
        "contact": ("Milieu en Mobiliteit", "milieu@utrecht.nl", ""),
        "age": (580, 410),
        "distributions": [
            _link(
                "https://data.utrecht.nl/milieu/geluid-wegverkeer-2021.gpkg",
                "GPKG",
                "Geluidscontouren (GeoPackage)",
                "Noise contours (GeoPackage)",
            ),
            _link(
                "https://www.utrecht.nl/fileadmin/milieu/geluidbelastingkaart-2021.pdf",
                "PDF",
                "Kaartbeeld (PDF)",
                "Map (PDF)",
            ),
        ],
    },
    {
        "slug": "raadsbesluiten-en-moties-utrecht",
        "publisher": "gemeente-utrecht",
        "themes": ["GOVE"],
        "title": {"nl": "Raadsbesluiten en moties", "en": "Council decisions and motions"},
        "description": {
            "nl": "Alle besluiten, moties en amendementen van de gemeenteraad sinds 2014, met "
            "indiener, stemuitslag en link naar het raadsinformatiesysteem.",
            "en": "Every decision, motion and amendment of the city council since 2014, with the "
            "sponsors, the vote and a link to the council information system.",
        },
        "keywords": {
            "nl": ["gemeenteraad", "moties", "besluiten", "democratie"],
            "en": ["city council", "motions", "decisions", "democracy"],
        },
        "frequency": "WEEKLY",
        "temporal": ("2014-03-19", None),
        "place": "utrecht",
        "licence": "CC0-1.0",
        "landing_page": "https://utrecht.raadsinformatie.nl/",
        "contact": ("Griffie", "griffie@utrecht.nl", ""),
        "age": (545, 6),
        "distributions": [
            _link(
                "https://api.utrecht.nl/raad/v2/besluiten",
                "JSON",
                "Raadsinformatie-API",
                "Council information API",
                download=False,
            ),
            _link(
                "https://data.utrecht.nl/raad/moties-amendementen.csv",
                "CSV",
                "Moties en amendementen (CSV)",
                "Motions and amendments (CSV)",
            ),
        ],
    },
    {
        "slug": "energielabels-woningen-utrecht",
        "publisher": "gemeente-utrecht",
        "themes": ["ENER"],
        "title": {
            "nl": "Energielabels van woningen per buurt",
            "en": "Energy labels of homes by neighbourhood",
        },
        "description": {
            "nl": "Aantal woningen per energielabel (A++++ t/m G) per buurt, afgeleid uit de "
            "EP-online registratie. Gebruikt voor de aanpak van de Transitievisie Warmte.",
            "en": "Number of homes per energy label (A++++ to G) for each neighbourhood, derived "
            "from the national EP-online register. Used for the municipal heat transition plan.",
        },
        "keywords": {
            "nl": ["energielabel", "woningen", "energietransitie", "isolatie"],
            "en": ["energy label", "housing", "energy transition", "insulation"],
        },
        "frequency": "QUARTERLY",
        "temporal": ("2020-01-01", None),
        "place": "utrecht",
        "licence": "CC-BY-4.0",
        "provenance": {
            "nl": "Afgeleid uit EP-online (RVO), gekoppeld aan de BAG en buurtgrenzen van het CBS.",
            "en": "Derived from EP-online (RVO), joined with the BAG addresses and CBS "
            "neighbourhood boundaries.",
        },
        "contact": ("Energietransitie", "energie@utrecht.nl", ""),
        "age": (410, 40),
        "distributions": [
            _link(
                "https://data.utrecht.nl/energie/energielabels-buurt.csv",
                "CSV",
                "Labels per buurt (CSV)",
                "Labels by neighbourhood (CSV)",
            ),
            _link(
                "https://data.utrecht.nl/energie/energielabels-buurt.xlsx",
                "XLSX",
                "Labels per buurt (Excel)",
                "Labels by neighbourhood (Excel)",
            ),
        ],
    },
    {
        "slug": "meldingen-openbare-ruimte-utrecht",
        "publisher": "gemeente-utrecht",
        "themes": ["GOVE", "SOCI"],
        "title": {"nl": "Meldingen openbare ruimte", "en": "Public space reports"},
        "description": {
            "nl": "Meldingen van inwoners over de openbare ruimte (zwerfafval, kapotte "
            "straatverlichting, losliggende tegels, overlast) met categorie, wijk, datum en "
            "afhandeltermijn. Persoonsgegevens en vrije tekst zijn verwijderd.",
            "en": "Residents' reports about public space (litter, broken street lights, loose "
            "paving, nuisance) with category, district, date and handling time. Personal data "
            "and free text have been removed.",
        },
        "keywords": {
            "nl": ["meldingen", "openbare ruimte", "overlast", "dienstverlening"],
            "en": ["reports", "public space", "nuisance", "public service"],
        },
        "frequency": "DAILY",
        "temporal": ("2018-01-01", None),
        "place": "utrecht",
        "licence": "CC0-1.0",
        "contact": ("Team Open Data", "opendata@utrecht.nl", ""),
        "age": (380, 1),
        "distributions": [
            _link(
                "https://data.utrecht.nl/meldingen/meldingen-openbare-ruimte.csv",
                "CSV",
                "Meldingen (CSV)",
                "Reports (CSV)",
            ),
            _link(
                "https://api.utrecht.nl/meldingen/v1/",
                "JSON",
                "Meldingen-API",
                "Reports API",
                download=False,
            ),
        ],
    },
    {
        "slug": "bestuurlijke-boetes-handhaving-utrecht",
        "publisher": "gemeente-utrecht",
        "themes": ["JUST", "GOVE"],
        "title": {
            "nl": "Handhaving en bestuurlijke boetes",
            "en": "Enforcement and administrative fines",
        },
        "description": {
            "nl": "Geanonimiseerde cijfers over handhavingsbesluiten van de gemeente: "
            "lasten onder dwangsom, bestuurlijke boetes en sluitingen, per wetsartikel, wijk "
            "en kwartaal.",
            "en": "Anonymised figures on the municipality's enforcement decisions: orders "
            "subject to penalty, administrative fines and closures, by legal provision, "
            "district and quarter.",
        },
        "keywords": {
            "nl": ["handhaving", "boetes", "toezicht", "openbare orde"],
            "en": ["enforcement", "fines", "supervision", "public order"],
        },
        "frequency": "QUARTERLY",
        "temporal": ("2019-01-01", None),
        "place": "utrecht",
        "licence": "CC0-1.0",
        "contact": ("Toezicht en Handhaving", "handhaving@utrecht.nl", ""),
        "age": (260, 55),
        "distributions": [
            _link(
                "https://data.utrecht.nl/handhaving/besluiten-per-kwartaal.csv",
                "CSV",
                "Besluiten per kwartaal (CSV)",
                "Decisions per quarter (CSV)",
            ),
        ],
    },
    {
        "slug": "sensorregister-utrecht",
        "publisher": "gemeente-utrecht",
        "themes": ["TECH", "GOVE"],
        "title": {
            "nl": "Sensoren in de openbare ruimte",
            "en": "Sensors in public space",
        },
        "description": {
            "nl": "Register van camera's, tellussen, wifi-tellers en andere sensoren die de "
            "gemeente of haar partners in de openbare ruimte hebben geplaatst, met doel, "
            "eigenaar en of er persoonsgegevens worden verwerkt.",
            "en": "Register of cameras, induction loops, wifi counters and other sensors that "
            "the municipality or its partners have placed in public space, with purpose, owner "
            "and whether personal data is processed.",
        },
        "keywords": {
            "nl": ["sensoren", "camera's", "privacy", "slimme stad"],
            "en": ["sensors", "cameras", "privacy", "smart city"],
        },
        "frequency": "MONTHLY",
        "languages": ["NLD", "ENG"],
        "temporal": ("2021-07-01", None),
        "place": "utrecht",
        "licence": "CC0-1.0",
        "landing_page": "https://www.utrecht.nl/sensorregister/",
        "contact": ("Privacy en Informatiebeheer", "privacy@utrecht.nl", ""),
        "age": (12, 5),
        "distributions": [
            _link(
                "https://data.utrecht.nl/sensoren/sensorregister.json",
                "JSON",
                "Sensorregister (JSON)",
                "Sensor register (JSON)",
            ),
            _link(
                "https://data.utrecht.nl/sensoren/sensorregister.geojson",
                "GEOJSON",
                "Sensorregister (GeoJSON)",
                "Sensor register (GeoJSON)",
            ),
        ],
    },
    {
        "slug": "leegstand-winkelpanden-utrecht",
        "status": Status.DRAFT,
        "publisher": "gemeente-utrecht",
        "themes": ["ECON"],
        "title": {
            "nl": "Leegstand winkelpanden binnenstad",
            "en": "Vacant shop premises in the city centre",
        },
        "description": {
            "nl": "Concept: kwartaaltelling van leegstaande winkelpanden in de binnenstad. "
            "Wordt gepubliceerd na afstemming met de ondernemersvereniging.",
            "en": "Draft: quarterly count of vacant shop premises in the city centre. To be "
            "published after consultation with the retailers' association.",
        },
        "keywords": {"nl": ["leegstand", "winkels", "binnenstad"], "en": ["vacancy", "retail"]},
        "frequency": "QUARTERLY",
        "place": "utrecht",
        "licence": "CC-BY-4.0",
        "contact": ("Economische Zaken", "ez@utrecht.nl", ""),
        "age": (30, 3),
        "distributions": [
            _link(
                "https://data.utrecht.nl/economie/leegstand-binnenstad.csv",
                "CSV",
                "Leegstand (CSV)",
                "Vacancy (CSV)",
            ),
        ],
    },
    # Gemeente Zwolle ----------------------------------------------------------------------
    {
        "slug": "begroting-zwolle-2026",
        "publisher": "gemeente-zwolle",
        "themes": ["GOVE", "ECON"],
        "title": {"nl": "Begroting 2026", "en": "Budget 2026"},
        "description": {
            "nl": "De begroting 2026 van de gemeente Zwolle op het niveau van programma en "
            "taakveld: lasten, baten en saldo in euro's. Het CSV-bestand gebruikt een "
            "puntkomma als scheidingsteken, zoals het financiële systeem het exporteert.",
            "en": "The 2026 budget of the municipality of Zwolle by programme and task field: "
            "expenditure, income and balance in euros. The CSV file uses a semicolon as "
            "separator, as exported by the financial system.",
        },
        "keywords": {
            "nl": ["begroting", "financiën", "gemeentefinanciën", "taakvelden"],
            "en": ["budget", "finance", "municipal finance", "task fields"],
        },
        "frequency": "ANNUAL",
        "temporal": ("2026-01-01", "2026-12-31"),
        "place": "zwolle",
        "licence": "CC0-1.0",
        "landing_page": "https://www.zwolle.nl/begroting",
        "documentation": ["https://zwolle.begroting-2026.nl/"],
        "version": "2026-vastgesteld",
        "contact": ("Concern Control", "financien@zwolle.nl", ""),
        "age": (360, 352),
        "distributions": [
            _file(
                "zwolle-begroting-2026.csv",
                "CSV",
                "Begroting per taakveld (CSV)",
                "Budget by task field (CSV)",
            ),
            _link(
                "https://www.zwolle.nl/sites/default/files/begroting-2026.pdf",
                "PDF",
                "Programmabegroting (PDF)",
                "Programme budget (PDF)",
            ),
        ],
    },
    {
        "slug": "evenementenvergunningen-zwolle",
        "publisher": "gemeente-zwolle",
        "themes": ["GOVE", "SOCI"],
        "title": {"nl": "Evenementenvergunningen", "en": "Event permits"},
        "description": {
            "nl": "Aangevraagde en verleende vergunningen voor evenementen in Zwolle, met "
            "locatie, data, verwacht aantal bezoekers en risicocategorie (A, B of C).",
            "en": "Requested and granted permits for events in Zwolle, with location, dates, "
            "expected number of visitors and risk category (A, B or C).",
        },
        "keywords": {
            "nl": ["evenementen", "vergunningen", "festivals", "binnenstad"],
            "en": ["events", "permits", "festivals", "city centre"],
        },
        "frequency": "WEEKLY",
        "temporal": ("2025-01-01", "2025-12-31"),
        "place": "zwolle",
        "licence": "CC-BY-4.0",
        "contact": ("Vergunningen", "vergunningen@zwolle.nl", ""),
        "age": (300, 12),
        "distributions": [
            _file(
                "zwolle-evenementenvergunningen-2025.json",
                "JSON",
                "Vergunningen 2025 (JSON)",
                "Permits 2025 (JSON)",
            ),
        ],
    },
    {
        "slug": "woningbouwprojecten-zwolle",
        "publisher": "gemeente-zwolle",
        "themes": ["REGI", "ECON"],
        "title": {
            "nl": "Woningbouwprojecten",
            "en": "Housing construction projects",
        },
        "description": {
            "nl": "Woningbouwprojecten in voorbereiding en in aanbouw, met aantal woningen, "
            "verdeling sociale huur / middenhuur / koop, fase en verwachte oplevering. Bekijk ook "
            "de [woningbouwkaart](https://www.zwolle.nl/woningbouw).",
            "en": "Housing projects in preparation and under construction, with number of "
            "homes, split into social rent / mid-market rent / owner-occupied, phase and "
            "expected completion. See also the "
            "[housing map](https://www.zwolle.nl/woningbouw).",
        },
        "keywords": {
            "nl": ["woningbouw", "wonen", "nieuwbouw", "projecten"],
            "en": ["housing", "construction", "new homes", "projects"],
        },
        "frequency": "QUARTERLY",
        "temporal": ("2024-01-01", "2030-12-31"),
        "place": "zwolle",
        "licence": "CC-BY-4.0",
        "contact": ("Wonen", "wonen@zwolle.nl", ""),
        "age": (505, 80),
        "distributions": [
            _link(
                "https://data.zwolle.nl/wonen/woningbouwprojecten.csv",
                "CSV",
                "Projecten (CSV)",
                "Projects (CSV)",
            ),
            _link(
                "https://data.zwolle.nl/wonen/woningbouwprojecten.geojson",
                "GEOJSON",
                "Projectlocaties (GeoJSON)",
                "Project locations (GeoJSON)",
            ),
        ],
    },
    {
        "slug": "bevolking-per-wijk-zwolle",
        "publisher": "gemeente-zwolle",
        "themes": ["SOCI", "REGI"],
        "title": {
            "nl": "Bevolking per wijk en buurt",
            "en": "Population by district and neighbourhood",
        },
        "description": {
            "nl": "Aantal inwoners per wijk en buurt op 1 januari, naar leeftijdsgroep, "
            "geslacht en huishoudenssamenstelling, vanaf 2010.",
            "en": "Number of residents per district and neighbourhood on 1 January, by age "
            "group, sex and household composition, from 2010 onwards.",
        },
        "keywords": {
            "nl": ["bevolking", "inwoners", "wijken", "buurten", "demografie"],
            "en": ["population", "residents", "districts", "neighbourhoods", "demography"],
        },
        "frequency": "ANNUAL",
        "temporal": ("2010-01-01", "2026-01-01"),
        "place": "zwolle",
        "licence": "CC0-1.0",
        "contact": ("Onderzoek en Statistiek", "onderzoek@zwolle.nl", ""),
        "age": (700, 290),
        "distributions": [
            _link(
                "https://data.zwolle.nl/bevolking/bevolking-wijk-buurt.xlsx",
                "XLSX",
                "Tabellen (Excel)",
                "Tables (Excel)",
            ),
            _link(
                "https://data.zwolle.nl/bevolking/bevolking-wijk-buurt.csv",
                "CSV",
                "Tabellen (CSV)",
                "Tables (CSV)",
            ),
        ],
    },
    {
        "slug": "hittestresskaart-zwolle",
        "publisher": "gemeente-zwolle",
        "creator": "instituut-leefomgevingsonderzoek",
        "themes": ["ENVI", "HEAL"],
        "title": {"nl": "Hittestresskaart", "en": "Heat stress map"},
        "description": {
            "nl": "Gevoelstemperatuur op een hete zomerdag (PET, 1 m resolutie) en de locatie "
            "van koele plekken. Gemaakt door het Instituut voor Leefomgevingsonderzoek voor de "
            "klimaatadaptatiestrategie van Zwolle.",
            "en": "Perceived temperature on a hot summer day (PET, 1 m resolution) and the "
            "location of cool spots. Produced by the Institute for Living Environment Research "
            "for Zwolle's climate adaptation strategy.",
        },
        "keywords": {
            "nl": ["hitte", "klimaatadaptatie", "hittestress", "gezondheid"],
            "en": ["heat", "climate adaptation", "heat stress", "health"],
        },
        "frequency": "IRREG",
        "temporal": ("2023-06-01", "2023-08-31"),
        "place": "zwolle",
        "licence": "CC-BY-4.0",
        "documentation": ["https://www.leefomgevingsonderzoek.nl/rapporten/hittestress-zwolle"],
        "contact": ("Klimaatadaptatie", "klimaat@zwolle.nl", ""),
        "age": (470, 470),
        "distributions": [
            _link(
                "https://data.zwolle.nl/klimaat/hittestress-pet.gpkg",
                "GPKG",
                "Hittestress (GeoPackage)",
                "Heat stress (GeoPackage)",
            ),
            _link(
                "https://data.zwolle.nl/klimaat/hittestress-toelichting.pdf",
                "PDF",
                "Toelichting (PDF)",
                "Explanatory notes (PDF)",
            ),
        ],
    },
    {
        "slug": "hanzesteden-samenwerkingsprojecten",
        "publisher": "gemeente-zwolle",
        "themes": ["INTR", "ECON"],
        "title": {
            "nl": "Internationale samenwerking Hanzesteden",
            "en": "International cooperation between Hanseatic cities",
        },
        "description": {
            "nl": "Projecten die Zwolle samen met andere Hanzesteden in Nederland, Duitsland en "
            "het Baltische gebied uitvoert, met partners, Europese subsidie en looptijd.",
            "en": "Projects Zwolle runs together with other Hanseatic cities in the "
            "Netherlands, Germany and the Baltic region, with partners, EU funding and duration.",
        },
        "keywords": {
            "nl": ["Hanze", "internationale samenwerking", "Interreg", "Europa"],
            "en": ["Hanseatic League", "international cooperation", "Interreg", "Europe"],
        },
        "frequency": "ANNUAL",
        "languages": ["NLD", "ENG", "DEU"],
        "temporal": ("2014-01-01", None),
        "place": "zwolle",
        "licence": "CC-BY-4.0",
        "contact": ("Internationale Zaken", "international@zwolle.nl", ""),
        "age": (215, 190),
        "distributions": [
            _link(
                "https://data.zwolle.nl/internationaal/hanzeprojecten.csv",
                "CSV",
                "Projecten (CSV)",
                "Projects (CSV)",
            ),
        ],
    },
    {
        "slug": "aed-locaties-zwolle",
        "publisher": "gemeente-zwolle",
        "themes": ["HEAL"],
        "title": {"nl": "AED-locaties", "en": "AED defibrillator locations"},
        "description": {
            "nl": "Openbaar toegankelijke AED's in Zwolle met adres, ophangplek en "
            "beschikbaarheid (24/7 of tijdens openingstijden).",
            "en": "Publicly accessible AEDs (defibrillators) in Zwolle with address, placement "
            "and availability (24/7 or during opening hours).",
        },
        "keywords": {
            "nl": ["AED", "reanimatie", "hartstilstand", "veiligheid"],
            "en": ["AED", "resuscitation", "cardiac arrest", "safety"],
        },
        "frequency": "MONTHLY",
        "temporal": ("2022-01-01", None),
        "place": "zwolle",
        "licence": "ODbL-1.0",
        "provenance": {
            "nl": "Samengesteld uit de registraties van burgerhulpverleners en OpenStreetMap.",
            "en": "Compiled from the citizen responder registrations and OpenStreetMap.",
        },
        "contact": ("Veiligheid", "veiligheid@zwolle.nl", ""),
        "age": (61, 20),
        "distributions": [
            _link(
                "https://data.zwolle.nl/veiligheid/aed-locaties.geojson",
                "GEOJSON",
                "AED-locaties (GeoJSON)",
                "AED locations (GeoJSON)",
            ),
        ],
    },
    {
        "slug": "zwerfafvalmonitor-zwolle",
        "status": Status.DRAFT,
        "publisher": "gemeente-zwolle",
        "themes": ["ENVI"],
        "title": {"nl": "Zwerfafvalmonitor", "en": "Litter monitor"},
        "description": {
            "nl": "Concept: tellingen van zwerfafval op vaste meetpunten, vier keer per jaar.",
            "en": "Draft: litter counts at fixed measuring points, four times a year.",
        },
        "keywords": {"nl": ["zwerfafval"], "en": ["litter"]},
        "frequency": "QUARTERLY",
        "place": "zwolle",
        "licence": "CC0-1.0",
        "contact": ("Stadsbeheer", "stadsbeheer@zwolle.nl", ""),
        "age": (14, 2),
        "distributions": [],
    },
    # Provincie Overijssel -----------------------------------------------------------------
    {
        "slug": "verleende-subsidies-overijssel-2025",
        "publisher": "provincie-overijssel",
        "themes": ["GOVE", "ECON"],
        "title": {"nl": "Verleende subsidies 2025", "en": "Grants awarded in 2025"},
        "description": {
            "nl": "Subsidies die de provincie in 2025 heeft verleend, per regeling, soort "
            "ontvanger, gemeente en bedrag. Subsidies aan natuurlijke personen zijn weggelaten.",
            "en": "Grants the province awarded in 2025, by scheme, type of recipient, "
            "municipality and amount. Grants to private individuals are left out.",
        },
        "keywords": {
            "nl": ["subsidies", "financiën", "transparantie", "regelingen"],
            "en": ["grants", "finance", "transparency", "funding schemes"],
        },
        "frequency": "QUARTERLY",
        "temporal": ("2025-01-01", "2025-12-31"),
        "place": "overijssel",
        "licence": "CC0-1.0",
        "landing_page": "https://www.overijssel.nl/loket/subsidies/verleende-subsidies",
        "contact": ("Subsidiebureau", "subsidies@overijssel.nl", ""),
        "age": (250, 9),
        "distributions": [
            _file(
                "overijssel-subsidies-2025.csv",
                "CSV",
                "Subsidies 2025 (CSV)",
                "Grants 2025 (CSV)",
            ),
        ],
    },
    {
        "slug": "publieke-laadpalen-overijssel",
        "publisher": "provincie-overijssel",
        "themes": ["ENER", "TRAN"],
        "title": {
            "nl": "Publieke laadpalen",
            "en": "Public charging points for electric vehicles",
        },
        "description": {
            "nl": "Publiek toegankelijke laadpunten voor elektrische voertuigen in Overijssel "
            "met exploitant, vermogen en aantal aansluitingen. Aangevuld met gegevens uit "
            "OpenStreetMap, daarom onder de ODbL.",
            "en": "Publicly accessible charging points for electric vehicles in Overijssel with "
            "operator, power and number of connectors. Enriched with OpenStreetMap data, hence "
            "the ODbL licence.",
        },
        "keywords": {
            "nl": ["laadpalen", "elektrisch rijden", "mobiliteit", "energietransitie"],
            "en": ["charging points", "electric vehicles", "mobility", "energy transition"],
        },
        "frequency": "MONTHLY",
        "temporal": ("2016-01-01", None),
        "place": "overijssel",
        "licence": "ODbL-1.0",
        "contact": ("Team Mobiliteit", "mobiliteit@overijssel.nl", ""),
        "age": (433, 28),
        "distributions": [
            _file(
                "overijssel-laadpalen.geojson",
                "GEOJSON",
                "Laadpalen (GeoJSON)",
                "Charging points (GeoJSON)",
            ),
            _link(
                "https://geodata.overijssel.nl/geoserver/ows?service=WFS&typeName=laadpalen",
                "XML",
                "Laadpalen (WFS)",
                "Charging points (WFS)",
                download=False,
            ),
        ],
    },
    {
        "slug": "natura-2000-gebieden-overijssel",
        "publisher": "provincie-overijssel",
        "themes": ["ENVI", "AGRI"],
        "title": {
            "nl": "Natura 2000-gebieden",
            "en": "Natura 2000 sites",
        },
        "description": {
            "nl": "Begrenzing van de Natura 2000-gebieden in Overijssel, zoals de Weerribben-"
            "Wieden, de Sallandse Heuvelrug en het Vecht- en Beneden-Reggegebied, met de "
            "instandhoudingsdoelen per gebied.",
            "en": "Boundaries of the Natura 2000 sites in Overijssel, such as Weerribben-Wieden, "
            "the Sallandse Heuvelrug and the Vecht and lower Regge area, with the conservation "
            "objectives of each site.",
        },
        "keywords": {
            "nl": ["natuur", "Natura 2000", "beschermde gebieden", "stikstof"],
            "en": ["nature", "Natura 2000", "protected sites", "nitrogen"],
        },
        "frequency": "IRREG",
        "temporal": ("2013-01-01", None),
        "place": "overijssel",
        "licence": "CC-BY-4.0",
        "conforms_to": ["http://inspire.ec.europa.eu/id/document/tg/ps"],
        "contact": ("Team Natuur", "natuur@overijssel.nl", ""),
        "age": (715, 160),
        "distributions": [
            _link(
                "https://geodata.overijssel.nl/download/natura2000.zip",
                "SHP",
                "Natura 2000 (shapefile)",
                "Natura 2000 (shapefile)",
            ),
            _link(
                "https://geodata.overijssel.nl/download/natura2000.gpkg",
                "GPKG",
                "Natura 2000 (GeoPackage)",
                "Natura 2000 (GeoPackage)",
            ),
        ],
    },
    {
        "slug": "provinciale-fietspaden-overijssel",
        "publisher": "provincie-overijssel",
        "themes": ["TRAN"],
        "title": {"nl": "Fietspaden en fietsroutes", "en": "Cycle paths and cycle routes"},
        "description": {
            "nl": "Fietspaden langs provinciale wegen en de snelfietsroutes F35 (Twente) en "
            "F325, met verharding, breedte en verlichting.",
            "en": "Cycle paths along provincial roads and the F35 (Twente) and F325 cycle "
            "highways, with surface, width and lighting.",
        },
        "keywords": {
            "nl": ["fietspaden", "snelfietsroute", "fiets", "infrastructuur"],
            "en": ["cycle paths", "cycle highway", "bicycle", "infrastructure"],
        },
        "frequency": "ANNUAL",
        "temporal": ("2018-01-01", None),
        "place": "overijssel",
        "licence": "CC-BY-4.0",
        "contact": ("Wegbeheer", "wegbeheer@overijssel.nl", ""),
        "age": (520, 240),
        "distributions": [
            _link(
                "https://geodata.overijssel.nl/download/fietspaden.geojson",
                "GEOJSON",
                "Fietspaden (GeoJSON)",
                "Cycle paths (GeoJSON)",
            ),
            _link(
                "https://geodata.overijssel.nl/download/fietspaden.gpkg",
                "GPKG",
                "Fietspaden (GeoPackage)",
                "Cycle paths (GeoPackage)",
            ),
        ],
    },
    {
        "slug": "gewaspercelen-overijssel",
        "publisher": "provincie-overijssel",
        "themes": ["AGRI"],
        "title": {
            "nl": "Landbouwpercelen en gewassen",
            "en": "Agricultural parcels and crops",
        },
        "description": {
            "nl": "Landbouwpercelen in Overijssel met het hoofdgewas per jaar (grasland, maïs, "
            "aardappelen, granen), gebaseerd op de gecombineerde opgave van agrariërs.",
            "en": "Agricultural parcels in Overijssel with the main crop per year (grassland, "
            "maize, potatoes, cereals), based on the farmers' combined annual declaration.",
        },
        "keywords": {
            "nl": ["landbouw", "gewassen", "percelen", "grondgebruik"],
            "en": ["agriculture", "crops", "parcels", "land use"],
        },
        "frequency": "ANNUAL",
        "temporal": ("2015-01-01", "2025-12-31"),
        "place": "overijssel",
        "licence": "CC-BY-4.0",
        "contact": ("Landbouw en Platteland", "landbouw@overijssel.nl", ""),
        "age": (610, 230),
        "distributions": [
            _link(
                "https://geodata.overijssel.nl/download/gewaspercelen.gpkg",
                "GPKG",
                "Gewaspercelen (GeoPackage)",
                "Crop parcels (GeoPackage)",
            ),
            _link(
                "https://geodata.overijssel.nl/download/gewaspercelen-oppervlakte.csv",
                "CSV",
                "Oppervlakte per gewas en gemeente (CSV)",
                "Area per crop and municipality (CSV)",
            ),
        ],
    },
    {
        "slug": "werkgelegenheid-overijssel",
        "publisher": "provincie-overijssel",
        "themes": ["ECON", "SOCI"],
        "title": {
            "nl": "Werkgelegenheid per gemeente",
            "en": "Employment by municipality",
        },
        "description": {
            "nl": "Banen en vestigingen per gemeente en sector uit het Provinciaal "
            "Werkgelegenheidsregister, telling per 1 april.",
            "en": "Jobs and business establishments per municipality and sector from the "
            "provincial employment register, counted on 1 April.",
        },
        "keywords": {
            "nl": ["werkgelegenheid", "banen", "vestigingen", "economie"],
            "en": ["employment", "jobs", "businesses", "economy"],
        },
        "frequency": "ANNUAL",
        "temporal": ("2008-04-01", "2025-04-01"),
        "place": "overijssel",
        "licence": "CC-BY-4.0",
        "contact": ("Economie en Cultuur", "economie@overijssel.nl", ""),
        "age": (560, 200),
        "distributions": [
            _link(
                "https://www.overijssel.nl/publish/werkgelegenheid-2025.xlsx",
                "XLSX",
                "Werkgelegenheid 2008-2025 (Excel)",
                "Employment 2008-2025 (Excel)",
            ),
            _link(
                "https://www.overijssel.nl/publish/werkgelegenheid-2025.csv",
                "CSV",
                "Werkgelegenheid 2008-2025 (CSV)",
                "Employment 2008-2025 (CSV)",
            ),
        ],
    },
    {
        "slug": "woo-verzoeken-overijssel",
        "publisher": "provincie-overijssel",
        "themes": ["JUST", "GOVE"],
        "title": {
            "nl": "Woo-verzoeken en besluiten",
            "en": "Freedom of information (Woo) requests and decisions",
        },
        "description": {
            "nl": "Verzoeken op grond van de Wet open overheid (Woo): onderwerp, datum van "
            "ontvangst, besluit, doorlooptijd en of er bezwaar is gemaakt. De besluiten zelf "
            "staan op [open.overheid.nl](https://open.overheid.nl/).",
            "en": "Requests under the Open Government Act (Woo): subject, date received, "
            "decision, handling time and whether an objection was lodged. The decisions "
            "themselves are on [open.overheid.nl](https://open.overheid.nl/).",
        },
        "keywords": {
            "nl": ["Woo", "openbaarheid", "transparantie", "bezwaar"],
            "en": ["freedom of information", "open government", "transparency", "objection"],
        },
        "frequency": "MONTHLY",
        "temporal": ("2022-05-01", None),
        "place": "overijssel",
        "licence": "CC0-1.0",
        "contact": ("Juridische Zaken", "woo@overijssel.nl", ""),
        "age": (180, 25),
        "distributions": [
            _link(
                "https://www.overijssel.nl/publish/woo-verzoeken.csv",
                "CSV",
                "Woo-verzoeken (CSV)",
                "Woo requests (CSV)",
            ),
        ],
    },
    # Rijkswaterstaat ----------------------------------------------------------------------
    {
        "slug": "waterstanden-ijssel-zwolle-katerveer",
        "publisher": "rijkswaterstaat",
        "themes": ["ENVI", "TRAN"],
        "title": {
            "nl": "Waterstanden IJssel bij Zwolle-Katerveer",
            "en": "Water levels of the IJssel at Zwolle-Katerveer",
        },
        "description": {
            "nl": "Gemeten waterstanden in centimeters ten opzichte van NAP op meetstation "
            "Katerveer. Gecontroleerde waarden worden na twee dagen vastgesteld; de meest "
            "recente waarden zijn ongecontroleerd.",
            "en": "Measured water levels in centimetres relative to NAP (Amsterdam Ordnance "
            "Datum) at the Katerveer gauge. Values are checked after two days; the most recent "
            "values are unchecked.",
        },
        "keywords": {
            "nl": ["waterstand", "IJssel", "hoogwater", "rivieren"],
            "en": ["water level", "IJssel", "high water", "rivers"],
        },
        "frequency": "CONT",
        "languages": ["NLD", "ENG"],
        "temporal": ("1990-01-01", None),
        "place": "zwolle",
        "licence": "CC0-1.0",
        "landing_page": "https://waterinfo.rws.nl/",
        "documentation": ["https://rijkswaterstaatdata.nl/waterdata/"],
        "contact": (
            "Waterinfo servicedesk",
            "servicedesk-data@rws.nl",
            "https://waterinfo.rws.nl/",
        ),
        "age": (690, 1),
        "distributions": [
            _file(
                "rws-waterstanden-ijssel-katerveer.csv",
                "CSV",
                "Uurwaarden november 2026 (CSV)",
                "Hourly values November 2026 (CSV)",
            ),
            _link(
                "https://waterwebservices.rijkswaterstaat.nl/ONLINEWAARNEMINGENSERVICES_DBO/",
                "JSON",
                "Waterwebservices (API)",
                "Water web services (API)",
                download=False,
            ),
        ],
    },
    {
        "slug": "verkeersintensiteiten-a28",
        "publisher": "rijkswaterstaat",
        "themes": ["TRAN"],
        "title": {
            "nl": "Verkeersintensiteiten A28",
            "en": "Traffic volumes on the A28 motorway",
        },
        "description": {
            "nl": "Aantal voertuigen per uur, licht en zwaar verkeer, en gemiddelde snelheid "
            "op de meetpunten van de A28 tussen Zwolle-Zuid en Lankhorst. Deze dataset vervangt "
            "de reeks volgens de oude meetmethode.",
            "en": "Vehicles per hour, light and heavy traffic, and average speed at the A28 "
            "measuring points between Zwolle-Zuid and Lankhorst. This dataset replaces the "
            "series based on the old measuring method.",
        },
        "keywords": {
            "nl": ["verkeer", "snelweg", "intensiteit", "files"],
            "en": ["traffic", "motorway", "traffic volume", "congestion"],
        },
        "frequency": "DAILY",
        "temporal": ("2023-01-01", None),
        "place": "overijssel",
        "licence": "CC0-1.0",
        "landing_page": "https://www.rijkswaterstaat.nl/wegen/wegenoverzicht/a28",
        "version": "2.0",
        "version_notes": {
            "nl": "Nieuwe meetmethode met lusdetectie per rijstrook.",
            "en": "New measuring method with loop detection per lane.",
        },
        "relations": [(DatasetRelation.Role.REPLACES, "verkeersintensiteiten-a28-oude-methode")],
        "contact": ("Verkeerscentrum Nederland", "verkeersdata@rws.nl", ""),
        "age": (400, 1),
        "distributions": [
            _file(
                "rws-verkeersintensiteit-a28.csv",
                "CSV",
                "Uurwaarden één dag (CSV)",
                "Hourly values for one day (CSV)",
            ),
            _link(
                "https://data.rws.nl/verkeer/intensiteiten-a28-2023-heden.zip",
                "ZIP",
                "Volledige reeks (ZIP met CSV)",
                "Full series (ZIP of CSV files)",
            ),
        ],
    },
    {
        "slug": "verkeersintensiteiten-a28-oude-methode",
        "status": Status.WITHDRAWN,
        "publisher": "rijkswaterstaat",
        "themes": ["TRAN"],
        "title": {
            "nl": "Verkeersintensiteiten A28 (oude meetmethode)",
            "en": "Traffic volumes on the A28 (old measuring method)",
        },
        "description": {
            "nl": "Ingetrokken: deze reeks is vervangen door de verkeersintensiteiten volgens de "
            "nieuwe meetmethode.",
            "en": "Withdrawn: this series has been replaced by the traffic volumes based on the "
            "new measuring method.",
        },
        "keywords": {"nl": ["verkeer", "snelweg"], "en": ["traffic", "motorway"]},
        "frequency": "NEVER",
        "temporal": ("2010-01-01", "2022-12-31"),
        "place": "overijssel",
        "licence": "CC0-1.0",
        "contact": ("Verkeerscentrum Nederland", "verkeersdata@rws.nl", ""),
        "age": (720, 400),
        "distributions": [
            _link(
                "https://data.rws.nl/verkeer/intensiteiten-a28-2010-2022.zip",
                "ZIP",
                "Reeks 2010-2022 (ZIP)",
                "Series 2010-2022 (ZIP)",
                status=Distribution.DistributionStatus.DEPRECATED,
            ),
        ],
    },
    {
        "slug": "vaarwegen-en-kunstwerken",
        "publisher": "rijkswaterstaat",
        "themes": ["TRAN"],
        "title": {
            "nl": "Vaarwegen, sluizen en bruggen",
            "en": "Waterways, locks and bridges",
        },
        "description": {
            "nl": "Het netwerk van rijksvaarwegen met CEMT-klasse, en de sluizen en beweegbare "
            "bruggen met afmetingen, bedieningstijden en marifoonkanaal.",
            "en": "The national waterway network with CEMT class, and the locks and movable "
            "bridges with their dimensions, operating hours and VHF channel.",
        },
        "keywords": {
            "nl": ["vaarwegen", "scheepvaart", "sluizen", "bruggen"],
            "en": ["waterways", "shipping", "locks", "bridges"],
        },
        "frequency": "MONTHLY",
        "languages": ["NLD", "ENG"],
        "temporal": ("2020-01-01", None),
        "place": "nederland",
        "licence": "CC0-1.0",
        "landing_page": "https://www.vaarweginformatie.nl/",
        "contact": ("Vaarweginformatie", "vaarweginformatie@rws.nl", ""),
        "age": (655, 33),
        "distributions": [
            _link(
                "https://data.rws.nl/vaarwegen/vaarwegen-kunstwerken.gpkg",
                "GPKG",
                "Vaarwegen en kunstwerken (GeoPackage)",
                "Waterways and structures (GeoPackage)",
            ),
            _link(
                "https://data.rws.nl/vaarwegen/kunstwerken.json",
                "JSON",
                "Sluizen en bruggen (JSON)",
                "Locks and bridges (JSON)",
            ),
        ],
    },
    {
        "slug": "wegwerkzaamheden-en-afsluitingen",
        "publisher": "rijkswaterstaat",
        "themes": ["TRAN"],
        "title": {
            "nl": "Wegwerkzaamheden en afsluitingen",
            "en": "Roadworks and closures",
        },
        "description": {
            "nl": "Geplande en actuele werkzaamheden en afsluitingen op rijkswegen, als "
            "DATEX II-berichten en als vereenvoudigde JSON-feed.",
            "en": "Planned and current roadworks and closures on national roads, as DATEX II "
            "messages and as a simplified JSON feed.",
        },
        "keywords": {
            "nl": ["wegwerkzaamheden", "afsluitingen", "verkeer", "DATEX II"],
            "en": ["roadworks", "closures", "traffic", "DATEX II"],
        },
        "frequency": "CONT",
        "languages": ["NLD", "ENG"],
        "temporal": ("2024-01-01", None),
        "place": "nederland",
        "licence": "CC0-1.0",
        "conforms_to": ["https://datex2.eu/datex2/specifications/"],
        "contact": ("Verkeerscentrum Nederland", "verkeersdata@rws.nl", ""),
        "age": (300, 1),
        "distributions": [
            _link(
                "https://data.rws.nl/verkeer/datex2/wegwerkzaamheden.xml",
                "XML",
                "DATEX II-feed",
                "DATEX II feed",
                conforms_to=["https://datex2.eu/datex2/specifications/"],
            ),
            _link(
                "https://data.rws.nl/verkeer/wegwerkzaamheden.json",
                "JSON",
                "Vereenvoudigde feed (JSON)",
                "Simplified feed (JSON)",
            ),
        ],
    },
    {
        "slug": "waterkwaliteit-rijkswateren",
        "publisher": "rijkswaterstaat",
        "themes": ["ENVI", "HEAL"],
        "title": {
            "nl": "Waterkwaliteit rijkswateren",
            "en": "Water quality of national waters",
        },
        "description": {
            "nl": "Metingen van onder meer nutriënten, zware metalen, temperatuur en "
            "zuurstof in de rijkswateren, volgens het Monitoring Waterstaatkundige Toestand "
            "des Lands (MWTL).",
            "en": "Measurements of nutrients, heavy metals, temperature, oxygen and more in "
            "the national waters, from the national water monitoring programme (MWTL).",
        },
        "keywords": {
            "nl": ["waterkwaliteit", "monitoring", "zwemwater", "Kaderrichtlijn Water"],
            "en": ["water quality", "monitoring", "bathing water", "Water Framework Directive"],
        },
        "frequency": "MONTHLY",
        "temporal": ("1975-01-01", None),
        "place": "nederland",
        "licence": "CC0-1.0",
        "documentation": ["https://rijkswaterstaatdata.nl/waterdata/mwtl/"],
        "contact": ("Waterinfo servicedesk", "servicedesk-data@rws.nl", ""),
        "age": (480, 30),
        "distributions": [
            _link(
                "https://data.rws.nl/water/mwtl-waterkwaliteit-2025.csv",
                "CSV",
                "Metingen 2025 (CSV)",
                "Measurements 2025 (CSV)",
            ),
            _link(
                "https://data.rws.nl/water/mwtl-waterkwaliteit-archief.zip",
                "ZIP",
                "Archief 1975-2024 (ZIP)",
                "Archive 1975-2024 (ZIP)",
            ),
        ],
    },
    {
        "slug": "staat-bruggen-viaducten",
        "publisher": "rijkswaterstaat",
        "themes": ["TRAN", "GOVE"],
        "access": "RESTRICTED",
        "title": {
            "nl": "Staat van bruggen en viaducten",
            "en": "Condition of bridges and viaducts",
        },
        "description": {
            "nl": "Inspectieresultaten en onderhoudsstaat van bruggen en viaducten in "
            "rijksbeheer. Vanwege de veiligheid van vitale infrastructuur alleen op aanvraag "
            "beschikbaar voor overheden en onderzoekers.",
            "en": "Inspection results and maintenance state of the bridges and viaducts "
            "managed by Rijkswaterstaat. Because it concerns critical infrastructure, it is "
            "only available on request to public bodies and researchers.",
        },
        "keywords": {
            "nl": ["bruggen", "viaducten", "onderhoud", "inspectie"],
            "en": ["bridges", "viaducts", "maintenance", "inspection"],
        },
        "frequency": "ANNUAL",
        "temporal": ("2015-01-01", None),
        "place": "nederland",
        "licence": "CC-BY-4.0",
        "landing_page": "https://www.rijkswaterstaat.nl/wegen/bruggen-en-viaducten",
        "contact": ("Instandhouding", "instandhouding@rws.nl", ""),
        "age": (365, 120),
        "distributions": [
            _link(
                "https://www.rijkswaterstaat.nl/formulieren/aanvraag-data-kunstwerken",
                "HTML",
                "Toegang aanvragen",
                "Request access",
                download=False,
            ),
            _link(
                "https://www.rijkswaterstaat.nl/documenten/inspectiemethodiek-kunstwerken.pdf",
                "PDF",
                "Inspectiemethodiek (PDF)",
                "Inspection method (PDF)",
            ),
        ],
    },
    {
        "slug": "rivierafvoer-rijn-en-maas",
        "publisher": "rijkswaterstaat",
        "themes": ["ENVI", "INTR"],
        "title": {
            "nl": "Grensoverschrijdende rivierafvoer Rijn en Maas",
            "en": "Cross-border river discharge of the Rhine and Meuse",
        },
        "description": {
            "nl": "Dagelijkse afvoer in m³/s bij Lobith (Rijn) en Eijsden (Maas), uitgewisseld "
            "met Duitsland en België in het kader van de Internationale Rijn- en "
            "Maascommissies.",
            "en": "Daily discharge in m³/s at Lobith (Rhine) and Eijsden (Meuse), exchanged "
            "with Germany and Belgium within the International Commissions for the Protection "
            "of the Rhine and the Meuse.",
        },
        "keywords": {
            "nl": ["rivierafvoer", "Rijn", "Maas", "droogte", "hoogwater"],
            "en": ["river discharge", "Rhine", "Meuse", "drought", "flooding"],
        },
        "frequency": "DAILY",
        "languages": ["NLD", "ENG", "DEU", "FRA"],
        "temporal": ("1901-01-01", None),
        "place": "nederland",
        "licence": "CC0-1.0",
        "contact": ("Watermanagementcentrum Nederland", "wmcn@rws.nl", ""),
        "age": (540, 1),
        "distributions": [
            _link(
                "https://data.rws.nl/water/afvoer-lobith-eijsden.csv",
                "CSV",
                "Dagafvoeren (CSV)",
                "Daily discharges (CSV)",
            ),
            _link(
                "https://data.rws.nl/water/afvoer-lobith-eijsden.parquet",
                "PARQUET",
                "Dagafvoeren (Parquet)",
                "Daily discharges (Parquet)",
            ),
        ],
    },
    # Dienst Uitvoering Onderwijs ----------------------------------------------------------
    {
        "slug": "ingeschrevenen-hoger-onderwijs",
        "publisher": "dienst-uitvoering-onderwijs",
        "themes": ["EDUC"],
        "title": {
            "nl": "Ingeschrevenen hoger onderwijs",
            "en": "Students enrolled in higher education",
        },
        "description": {
            "nl": "Aantal ingeschreven studenten per instelling, onderwijssoort (hbo/wo) en "
            "geslacht per studiejaar, met het aantal internationale studenten. Peildatum 1 "
            "oktober.",
            "en": "Number of students enrolled per institution, type of education (university "
            "of applied sciences / research university) and sex per academic year, with the "
            "number of international students. Reference date 1 October.",
        },
        "keywords": {
            "nl": ["studenten", "hoger onderwijs", "hbo", "wo", "inschrijvingen"],
            "en": ["students", "higher education", "universities", "enrolment"],
        },
        "frequency": "ANNUAL",
        "languages": ["NLD", "ENG"],
        "temporal": ("2021-09-01", "2026-08-31"),
        "place": "nederland",
        "licence": "CC0-1.0",
        "landing_page": "https://duo.nl/open_onderwijsdata/hoger-onderwijs/",
        "contact": ("Open onderwijsdata", "opendata@duo.nl", ""),
        "age": (660, 50),
        "distributions": [
            _file(
                "duo-ingeschrevenen-hoger-onderwijs.csv",
                "CSV",
                "Ingeschrevenen per instelling (CSV)",
                "Enrolments by institution (CSV)",
            ),
            _link(
                "https://duo.nl/open_onderwijsdata/ho/ingeschrevenen-2025.xlsx",
                "XLSX",
                "Alle instellingen (Excel)",
                "All institutions (Excel)",
            ),
        ],
    },
    {
        "slug": "adressen-scholen-po-vo",
        "publisher": "dienst-uitvoering-onderwijs",
        "themes": ["EDUC", "REGI"],
        "title": {
            "nl": "Adressen van scholen in het primair en voortgezet onderwijs",
            "en": "Addresses of primary and secondary schools",
        },
        "description": {
            "nl": "Alle vestigingen van basisscholen, speciaal onderwijs en middelbare scholen "
            "met BRIN-nummer, bestuur, denominatie, adres en coördinaten.",
            "en": "All locations of primary, special-needs and secondary schools with their "
            "school code, governing board, denomination, address and coordinates.",
        },
        "keywords": {
            "nl": ["scholen", "basisonderwijs", "voortgezet onderwijs", "adressen"],
            "en": ["schools", "primary education", "secondary education", "addresses"],
        },
        "frequency": "MONTHLY",
        "temporal": ("2020-01-01", None),
        "place": "nederland",
        "licence": "CC0-1.0",
        "contact": ("Open onderwijsdata", "opendata@duo.nl", ""),
        "age": (590, 10),
        "distributions": [
            _link(
                "https://duo.nl/open_onderwijsdata/po/adressen-vestigingen.csv",
                "CSV",
                "Vestigingen (CSV)",
                "School locations (CSV)",
            ),
            _link(
                "https://api.duo.nl/v1/scholen",
                "JSON",
                "Scholen-API",
                "Schools API",
                download=False,
            ),
        ],
    },
    {
        "slug": "examenresultaten-voortgezet-onderwijs",
        "publisher": "dienst-uitvoering-onderwijs",
        "themes": ["EDUC"],
        "title": {
            "nl": "Examenresultaten voortgezet onderwijs",
            "en": "Secondary school exam results",
        },
        "description": {
            "nl": "Slagingspercentages en gemiddelde cijfers van het centraal examen per "
            "school, onderwijssoort (vmbo, havo, vwo) en vak.",
            "en": "Pass rates and average central exam grades per school, track (vmbo, havo, "
            "vwo) and subject.",
        },
        "keywords": {
            "nl": ["examens", "slagingspercentage", "havo", "vwo", "vmbo"],
            "en": ["exams", "pass rate", "secondary education", "grades"],
        },
        "frequency": "ANNUAL",
        "temporal": ("2015-08-01", "2026-07-31"),
        "place": "nederland",
        "licence": "CC0-1.0",
        "contact": ("Open onderwijsdata", "opendata@duo.nl", ""),
        "age": (470, 110),
        "distributions": [
            _link(
                "https://duo.nl/open_onderwijsdata/vo/examenresultaten.csv",
                "CSV",
                "Examenresultaten (CSV)",
                "Exam results (CSV)",
            ),
            _link(
                "https://duo.nl/open_onderwijsdata/vo/examenresultaten.xlsx",
                "XLSX",
                "Examenresultaten (Excel)",
                "Exam results (Excel)",
            ),
        ],
    },
    {
        "slug": "studiefinanciering-aantallen-bedragen",
        "publisher": "dienst-uitvoering-onderwijs",
        "themes": ["EDUC", "ECON"],
        "title": {
            "nl": "Studiefinanciering: aantallen en bedragen",
            "en": "Student finance: numbers and amounts",
        },
        "description": {
            "nl": "Aantal studenten met basisbeurs, aanvullende beurs, lening of "
            "collegegeldkrediet, en de uitgekeerde bedragen per kwartaal.",
            "en": "Number of students receiving the basic grant, supplementary grant, loan or "
            "tuition fee loan, and the amounts paid per quarter.",
        },
        "keywords": {
            "nl": ["studiefinanciering", "basisbeurs", "studieschuld"],
            "en": ["student finance", "student grant", "student debt"],
        },
        "frequency": "QUARTERLY",
        "temporal": ("2015-09-01", None),
        "place": "nederland",
        "licence": "CC-BY-4.0",
        "contact": ("Open onderwijsdata", "opendata@duo.nl", ""),
        "age": (230, 45),
        "distributions": [
            _link(
                "https://duo.nl/open_onderwijsdata/sf/studiefinanciering.xlsx",
                "XLSX",
                "Tabellen (Excel)",
                "Tables (Excel)",
            ),
            _link(
                "https://duo.nl/open_onderwijsdata/sf/studiefinanciering.csv",
                "CSV",
                "Tabellen (CSV)",
                "Tables (CSV)",
            ),
        ],
    },
    # Nationaal Archief voor Beeld en Geluid -----------------------------------------------
    {
        "slug": "omroepcollectie-programmabeschrijvingen",
        "publisher": "archief-beeld-en-geluid",
        "themes": ["EDUC", "SOCI"],
        "title": {
            "nl": "Omroepcollectie: programmabeschrijvingen",
            "en": "Broadcast collection: programme descriptions",
        },
        "description": {
            "nl": "Beschrijvingen van radio- en televisieprogramma's uit de omroepcollectie: "
            "titel, omroep, eerste uitzending, genre en trefwoorden. Het JSON-bestand is een "
            "selectie; de volledige collectie is beschikbaar als linked data.\n\n"
            "De beelden zelf vallen onder het auteursrecht van de omroepen en zijn niet "
            "inbegrepen.",
            "en": "Descriptions of radio and television programmes from the broadcast "
            "collection: title, broadcaster, first broadcast, genre and subject terms. The JSON "
            "file is a selection; the full collection is available as linked data.\n\n"
            "The footage itself is under the broadcasters' copyright and is not included.",
        },
        "keywords": {
            "nl": ["televisie", "radio", "erfgoed", "omroep", "archief"],
            "en": ["television", "radio", "heritage", "broadcasting", "archive"],
        },
        "frequency": "WEEKLY",
        "languages": ["NLD", "ENG"],
        "temporal": ("1920-01-01", None),
        "place": "nederland",
        "licence": "CC0-1.0",
        "landing_page": "https://www.archiefbeeldengeluid.nl/collectie/open-data",
        "version": "2026.2",
        "contact": ("Collectie-informatie", "data@archiefbeeldengeluid.nl", ""),
        "age": (625, 7),
        "distributions": [
            _file(
                "beeldengeluid-programmabeschrijvingen.json",
                "JSON",
                "Selectie programmabeschrijvingen (JSON)",
                "Selection of programme descriptions (JSON)",
            ),
            _link(
                "https://data.archiefbeeldengeluid.nl/collectie.ttl",
                "RDF_TURTLE",
                "Volledige collectie als linked data (Turtle)",
                "Full collection as linked data (Turtle)",
            ),
            _link(
                "https://data.archiefbeeldengeluid.nl/sparql",
                "RDF_XML",
                "SPARQL-endpoint",
                "SPARQL endpoint",
                download=False,
            ),
        ],
    },
    {
        "slug": "open-beelden-hergebruikbare-video",
        "publisher": "archief-beeld-en-geluid",
        "themes": ["EDUC"],
        "title": {
            "nl": "Open Beelden: hergebruikbare video",
            "en": "Open Images: reusable video",
        },
        "description": {
            "nl": "Bioscoopjournaals, voorlichtingsfilms en amateurfilms die vrij hergebruikt "
            "mogen worden, met beschrijvingen en links naar de videobestanden. Gebruik de "
            "beelden met naamsvermelding en deel bewerkingen onder dezelfde licentie.",
            "en": "Cinema newsreels, public information films and amateur films that may be "
            "reused freely, with descriptions and links to the video files. Credit the source "
            "and share adaptations under the same licence.",
        },
        "keywords": {
            "nl": ["video", "film", "polygoon", "hergebruik", "erfgoed"],
            "en": ["video", "film", "newsreels", "reuse", "heritage"],
        },
        "frequency": "IRREG",
        "languages": ["NLD", "ENG"],
        "temporal": ("1924-01-01", "1987-12-31"),
        "place": "nederland",
        "licence": "CC-BY-SA-4.0",
        "landing_page": "https://www.openbeelden.nl/",
        "contact": ("Open Beelden", "openbeelden@archiefbeeldengeluid.nl", ""),
        "age": (560, 90),
        "distributions": [
            _link(
                "https://www.openbeelden.nl/feeds/oai/?verb=ListRecords&metadataPrefix=oai_oi",
                "XML",
                "OAI-PMH-feed",
                "OAI-PMH feed",
                download=False,
            ),
            _link(
                "https://www.openbeelden.nl/api/items.json",
                "JSON",
                "Items (JSON)",
                "Items (JSON)",
            ),
        ],
    },
    {
        "slug": "thesaurus-audiovisuele-archieven",
        "publisher": "archief-beeld-en-geluid",
        "themes": ["EDUC", "TECH"],
        "title": {
            "nl": "Gemeenschappelijke Thesaurus Audiovisuele Archieven (GTAA)",
            "en": "Common Thesaurus for Audiovisual Archives (GTAA)",
        },
        "description": {
            "nl": "De thesaurus waarmee Nederlandse audiovisuele archieven hun collecties "
            "beschrijven: onderwerpen, personen, namen, locaties en genres, als SKOS.",
            "en": "The thesaurus Dutch audiovisual archives use to describe their collections: "
            "subjects, people, names, places and genres, published as SKOS.",
        },
        "keywords": {
            "nl": ["thesaurus", "SKOS", "linked data", "trefwoorden"],
            "en": ["thesaurus", "SKOS", "linked data", "controlled vocabulary"],
        },
        "frequency": "MONTHLY",
        "languages": ["NLD", "ENG"],
        "temporal": None,
        "place": "nederland",
        "licence": "CC0-1.0",
        "conforms_to": ["http://www.w3.org/2004/02/skos/core"],
        "version": "2026-10",
        "contact": ("Metadata en thesauri", "thesaurus@archiefbeeldengeluid.nl", ""),
        "age": (505, 36),
        "distributions": [
            _link(
                "https://data.archiefbeeldengeluid.nl/gtaa/gtaa.ttl",
                "RDF_TURTLE",
                "GTAA (Turtle)",
                "GTAA (Turtle)",
            ),
            _link(
                "https://data.archiefbeeldengeluid.nl/gtaa/gtaa.rdf",
                "RDF_XML",
                "GTAA (RDF/XML)",
                "GTAA (RDF/XML)",
            ),
            _link(
                "https://data.archiefbeeldengeluid.nl/gtaa/gtaa.jsonld",
                "JSON_LD",
                "GTAA (JSON-LD)",
                "GTAA (JSON-LD)",
            ),
        ],
    },
    {
        "slug": "historische-kijk-en-luistercijfers",
        "publisher": "archief-beeld-en-geluid",
        "themes": ["SOCI", "EDUC"],
        "title": {
            "nl": "Historische kijk- en luistercijfers",
            "en": "Historical viewing and listening figures",
        },
        "description": {
            "nl": "Kijk- en luistercijfers van programma's uit de periode 1965-2000, "
            "gedigitaliseerd uit papieren rapporten. Alleen voor niet-commercieel gebruik, "
            "op verzoek van de oorspronkelijke rechthebbende.",
            "en": "Viewing and listening figures for programmes from 1965-2000, digitised from "
            "paper reports. For non-commercial use only, at the request of the original rights "
            "holder.",
        },
        "keywords": {
            "nl": ["kijkcijfers", "luistercijfers", "media", "geschiedenis"],
            "en": ["ratings", "audience figures", "media", "history"],
        },
        "frequency": "NEVER",
        "temporal": ("1965-01-01", "2000-12-31"),
        "place": "nederland",
        "licence": "CC-BY-NC-4.0",
        "contact": ("Collectie-informatie", "data@archiefbeeldengeluid.nl", ""),
        "age": (390, 390),
        "distributions": [
            _link(
                "https://data.archiefbeeldengeluid.nl/kijkcijfers/kijkcijfers-1965-2000.csv",
                "CSV",
                "Kijk- en luistercijfers (CSV)",
                "Viewing and listening figures (CSV)",
            ),
        ],
    },
    {
        "slug": "ondertitels-nieuwsuitzendingen",
        "publisher": "archief-beeld-en-geluid",
        "themes": ["EDUC", "TECH"],
        "access": "RESTRICTED",
        "title": {
            "nl": "Ondertitels van nieuwsuitzendingen",
            "en": "Subtitles of news broadcasts",
        },
        "description": {
            "nl": "Teletekst-ondertitels (pagina 888) van journaaluitzendingen sinds 2005, "
            "geschikt voor taal- en media-onderzoek. Toegang voor onderzoekers na ondertekening "
            "van een gebruikersovereenkomst.",
            "en": "Teletext subtitles (page 888) of news broadcasts since 2005, suited to "
            "language and media research. Researchers get access after signing a user "
            "agreement.",
        },
        "keywords": {
            "nl": ["ondertitels", "nieuws", "taalonderzoek", "corpus"],
            "en": ["subtitles", "news", "linguistics", "corpus"],
        },
        "frequency": "MONTHLY",
        "temporal": ("2005-01-01", None),
        "place": "nederland",
        "licence": "CC-BY-NC-4.0",
        "contact": ("Onderzoeksdesk", "onderzoek@archiefbeeldengeluid.nl", ""),
        "age": (210, 31),
        "distributions": [
            _link(
                "https://www.archiefbeeldengeluid.nl/onderzoek/toegang-aanvragen",
                "HTML",
                "Toegang aanvragen",
                "Request access",
                download=False,
            ),
        ],
    },
    {
        "slug": "fotocollectie-omroepgebouwen",
        "status": Status.DRAFT,
        "publisher": "archief-beeld-en-geluid",
        "themes": ["EDUC"],
        "title": {
            "nl": "Fotocollectie omroepgebouwen Hilversum",
            "en": "Photo collection of broadcasting buildings in Hilversum",
        },
        "description": {
            "nl": "Concept: beschrijvingen van foto's van studio's en omroepgebouwen op het "
            "Media Park, 1930-1990.",
            "en": "Draft: descriptions of photographs of studios and broadcasting buildings at "
            "the Media Park, 1930-1990.",
        },
        "keywords": {"nl": ["foto's", "Hilversum"], "en": ["photographs", "Hilversum"]},
        "frequency": "IRREG",
        "temporal": ("1930-01-01", "1990-12-31"),
        "place": "hilversum",
        "licence": "CC-BY-SA-4.0",
        "contact": ("Collectie-informatie", "data@archiefbeeldengeluid.nl", ""),
        "age": (10, 4),
        "distributions": [],
    },
    # Instituut voor Leefomgevingsonderzoek ------------------------------------------------
    {
        "slug": "luchtkwaliteit-no2-fijnstof",
        "publisher": "instituut-leefomgevingsonderzoek",
        "themes": ["ENVI", "HEAL"],
        "title": {
            "nl": "Luchtkwaliteit: NO₂, PM10 en PM2,5",
            "en": "Air quality: NO₂, PM10 and PM2.5",
        },
        "description": {
            "nl": "Daggemiddelde concentraties stikstofdioxide en fijnstof op verkeers- en "
            "achtergrondstations in Utrecht en Zwolle. Voorlopige waarden worden binnen drie "
            "dagen gevalideerd. Zie de [meetmethode](https://www.leefomgevingsonderzoek.nl/"
            "lucht/methode) voor kalibratie en onzekerheden.",
            "en": "Daily mean concentrations of nitrogen dioxide and particulate matter at "
            "traffic and background stations in Utrecht and Zwolle. Provisional values are "
            "validated within three days. See the [measurement method](https://www."
            "leefomgevingsonderzoek.nl/lucht/methode) for calibration and uncertainties.",
        },
        "keywords": {
            "nl": ["luchtkwaliteit", "fijnstof", "stikstofdioxide", "metingen"],
            "en": ["air quality", "particulate matter", "nitrogen dioxide", "measurements"],
        },
        "frequency": "DAILY",
        "languages": ["NLD", "ENG"],
        "temporal": ("2016-01-01", None),
        "place": "provincie-utrecht",
        "licence": "CC-BY-4.0",
        "landing_page": "https://www.leefomgevingsonderzoek.nl/lucht/",
        "version": "4.1",
        "contact": (
            "Datamanagement",
            "datamanagement@leefomgevingsonderzoek.nl",
            "https://www.leefomgevingsonderzoek.nl/contact",
        ),
        "age": (675, 1),
        "distributions": [
            _file(
                "ilo-luchtkwaliteit-2026-10.csv",
                "CSV",
                "Daggemiddelden oktober 2026 (CSV)",
                "Daily means October 2026 (CSV)",
            ),
            _link(
                "https://data.leefomgevingsonderzoek.nl/lucht/daggemiddelden-2016-heden.parquet",
                "PARQUET",
                "Volledige reeks (Parquet)",
                "Full series (Parquet)",
            ),
        ],
    },
    {
        "slug": "grondwaterstanden-peilbuizen",
        "publisher": "instituut-leefomgevingsonderzoek",
        "themes": ["ENVI", "AGRI"],
        "title": {
            "nl": "Grondwaterstanden in peilbuizen",
            "en": "Groundwater levels in monitoring wells",
        },
        "description": {
            "nl": "Halfmaandelijkse grondwaterstanden in ruim 400 peilbuizen in Salland en "
            "Twente, voor onderzoek naar droogte en landbouw.",
            "en": "Fortnightly groundwater levels in over 400 monitoring wells in Salland and "
            "Twente, for research into drought and agriculture.",
        },
        "keywords": {
            "nl": ["grondwater", "droogte", "peilbuizen", "landbouw"],
            "en": ["groundwater", "drought", "monitoring wells", "agriculture"],
        },
        "frequency": "MONTHLY",
        "languages": ["NLD", "ENG"],
        "temporal": ("2000-01-01", None),
        "place": "overijssel",
        "licence": "CC-BY-4.0",
        "contact": ("Datamanagement", "datamanagement@leefomgevingsonderzoek.nl", ""),
        "age": (590, 15),
        "distributions": [
            _link(
                "https://data.leefomgevingsonderzoek.nl/water/grondwaterstanden.csv",
                "CSV",
                "Grondwaterstanden (CSV)",
                "Groundwater levels (CSV)",
            ),
            _link(
                "https://data.leefomgevingsonderzoek.nl/water/grondwaterstanden.parquet",
                "PARQUET",
                "Grondwaterstanden (Parquet)",
                "Groundwater levels (Parquet)",
            ),
        ],
    },
    {
        "slug": "cohortstudie-gezondheid-leefomgeving",
        "publisher": "instituut-leefomgevingsonderzoek",
        "themes": ["HEAL", "SOCI"],
        "access": "NON_PUBLIC",
        "title": {
            "nl": "Gezondheid en leefomgeving: cohortstudie",
            "en": "Health and living environment: cohort study",
        },
        "description": {
            "nl": "Gepseudonimiseerde gegevens van 12.000 deelnemers over gezondheid, "
            "leefstijl en blootstelling aan luchtverontreiniging en geluid. De gegevens zijn niet "
            "openbaar: alleen deze beschrijving en het codeboek worden gepubliceerd. Voor "
            "samenwerking in onderzoek kunt u contact opnemen met de datacommissie.",
            "en": "Pseudonymised data of 12,000 participants on health, lifestyle and exposure "
            "to air pollution and noise. The data is not public: only this description and the "
            "codebook are published. To collaborate in research, contact the data access "
            "committee.",
        },
        "keywords": {
            "nl": ["gezondheid", "cohort", "blootstelling", "epidemiologie"],
            "en": ["health", "cohort", "exposure", "epidemiology"],
        },
        "frequency": "ANNUAL",
        "languages": ["NLD", "ENG"],
        "temporal": ("2012-01-01", "2024-12-31"),
        "place": "nederland",
        "licence": "CC-BY-4.0",
        "documentation": ["https://www.leefomgevingsonderzoek.nl/cohort/codeboek.pdf"],
        "provenance": {
            "nl": "Vragenlijsten en metingen bij deelnemers, gekoppeld aan modelberekeningen "
            "van blootstelling op het woonadres.",
            "en": "Participant questionnaires and measurements, linked to modelled exposure at "
            "the home address.",
        },
        "contact": ("Datacommissie", "datacommissie@leefomgevingsonderzoek.nl", ""),
        "age": (440, 300),
        "distributions": [
            _link(
                "https://www.leefomgevingsonderzoek.nl/cohort/samenwerken",
                "HTML",
                "Samenwerken in onderzoek",
                "Research collaboration",
                download=False,
            ),
            _link(
                "https://www.leefomgevingsonderzoek.nl/cohort/codeboek.pdf",
                "PDF",
                "Codeboek (PDF)",
                "Codebook (PDF)",
            ),
        ],
    },
    {
        "slug": "zonnepanelen-opwekpotentieel-daken",
        "publisher": "instituut-leefomgevingsonderzoek",
        "themes": ["ENER", "ENVI"],
        "title": {
            "nl": "Zonnepanelen op daken: opwekpotentieel",
            "en": "Rooftop solar: generation potential",
        },
        "description": {
            "nl": "Geschikt dakoppervlak en verwachte jaaropbrengst (kWh) per pand, berekend "
            "uit hoogtemetingen (AHN) en zonnestraling. Bewerkingen delen onder dezelfde "
            "licentie.",
            "en": "Suitable roof area and expected annual yield (kWh) per building, calculated "
            "from elevation data (AHN) and solar irradiation. Share adaptations under the same "
            "licence.",
        },
        "keywords": {
            "nl": ["zonne-energie", "zonnepanelen", "daken", "duurzame energie"],
            "en": ["solar energy", "solar panels", "rooftops", "renewable energy"],
        },
        "frequency": "ANNUAL",
        "temporal": ("2024-01-01", "2024-12-31"),
        "place": "provincie-utrecht",
        "licence": "CC-BY-SA-4.0",
        "contact": ("Datamanagement", "datamanagement@leefomgevingsonderzoek.nl", ""),
        "age": (280, 140),
        "distributions": [
            _link(
                "https://data.leefomgevingsonderzoek.nl/energie/zon-op-dak.gpkg",
                "GPKG",
                "Opwekpotentieel per pand (GeoPackage)",
                "Potential per building (GeoPackage)",
            ),
            _link(
                "https://data.leefomgevingsonderzoek.nl/energie/zon-op-dak-gemeenten.csv",
                "CSV",
                "Totalen per gemeente (CSV)",
                "Totals per municipality (CSV)",
            ),
        ],
    },
    {
        "slug": "mobiliteitspanel-verplaatsingsgedrag",
        "publisher": "instituut-leefomgevingsonderzoek",
        "themes": ["TRAN", "SOCI"],
        "access": "RESTRICTED",
        "title": {
            "nl": "Verplaatsingsgedrag: mobiliteitspanel",
            "en": "Travel behaviour: mobility panel",
        },
        "description": {
            "nl": "Driedaagse verplaatsingsdagboeken van circa 6.000 huishoudens, jaarlijks "
            "herhaald, met vervoerwijze, motief en afstand. Beschikbaar voor wetenschappelijk "
            "onderzoek onder voorwaarden.",
            "en": "Three-day travel diaries from about 6,000 households, repeated annually, "
            "with mode, purpose and distance. Available for scientific research under "
            "conditions.",
        },
        "keywords": {
            "nl": ["mobiliteit", "verplaatsingen", "panelonderzoek", "vervoerwijze"],
            "en": ["mobility", "travel", "panel survey", "transport mode"],
        },
        "frequency": "ANNUAL",
        "languages": ["NLD", "ENG"],
        "temporal": ("2013-01-01", "2025-12-31"),
        "place": "nederland",
        "licence": "CC-BY-4.0",
        "contact": ("Datacommissie", "datacommissie@leefomgevingsonderzoek.nl", ""),
        "age": (350, 60),
        "distributions": [
            # Restricted: served by the portal only to re-users whose request was approved.
            _file(
                "mobiliteitspanel-steekproef-2025.csv",
                "CSV",
                "Verplaatsingen 2025, steekproef (CSV)",
                "Trips 2025, sample (CSV)",
            ),
            _link(
                "https://www.leefomgevingsonderzoek.nl/mobiliteitspanel/documentatie.pdf",
                "PDF",
                "Documentatie (PDF)",
                "Documentation (PDF)",
            ),
        ],
    },
    {
        "slug": "klimaatscenarios-regionale-neerslag",
        "publisher": "instituut-leefomgevingsonderzoek",
        "themes": ["ENVI", "AGRI"],
        "title": {
            "nl": "Klimaatscenario's voor regionale neerslag",
            "en": "Climate scenarios for regional precipitation",
        },
        "description": {
            "nl": "Neerslagreeksen voor 2050 en 2100 onder verschillende emissiescenario's, "
            "verfijnd naar een raster van 1 km voor Overijssel en Utrecht. Geschikt voor:\n\n"
            "- stresstesten wateroverlast\n- ontwerp van riolering en waterberging\n"
            "- droogtestudies in de landbouw",
            "en": "Precipitation series for 2050 and 2100 under different emission scenarios, "
            "downscaled to a 1 km grid for Overijssel and Utrecht. Suitable for:\n\n"
            "- flood stress tests\n- designing sewers and water storage\n"
            "- agricultural drought studies",
        },
        "keywords": {
            "nl": ["klimaat", "neerslag", "scenario's", "wateroverlast"],
            "en": ["climate", "precipitation", "scenarios", "flooding"],
        },
        "frequency": "IRREG",
        "languages": ["NLD", "ENG"],
        "temporal": ("2050-01-01", "2100-12-31"),
        "place": "nederland",
        "licence": "CC-BY-4.0",
        "version": "1.3",
        "contact": ("Datamanagement", "datamanagement@leefomgevingsonderzoek.nl", ""),
        "age": (38, 38),
        "distributions": [
            _link(
                "https://data.leefomgevingsonderzoek.nl/klimaat/neerslagscenarios.zip",
                "ZIP",
                "Rasterbestanden (ZIP)",
                "Grid files (ZIP)",
            ),
            _link(
                "https://data.leefomgevingsonderzoek.nl/klimaat/neerslagscenarios-samenvatting.csv",
                "CSV",
                "Samenvatting per gemeente (CSV)",
                "Summary per municipality (CSV)",
            ),
        ],
    },
    # Stichting Datakring ------------------------------------------------------------------
    {
        "slug": "gebruiksstatistieken-datakring",
        "publisher": "datakring",
        "themes": ["GOVE", "TECH"],
        "title": {
            "nl": "Gebruiksstatistieken van het portaal",
            "en": "Portal usage statistics",
        },
        "description": {
            "nl": "Maandelijkse bezoek-, download- en API-cijfers van dit portaal en het aantal "
            "nieuwe datasets. Er worden geen persoonsgegevens bewaard.",
            "en": "Monthly visits, downloads and API calls of this portal and the number of new "
            "datasets. No personal data is kept.",
        },
        "keywords": {
            "nl": ["statistieken", "gebruik", "open data", "portaal"],
            "en": ["statistics", "usage", "open data", "portal"],
        },
        "frequency": "MONTHLY",
        "languages": ["NLD", "ENG"],
        "temporal": ("2025-01-01", "2025-12-31"),
        "place": "nederland",
        "licence": "CC0-1.0",
        "contact": ("Beheer Datakring", "beheer@datakring.nl", ""),
        "age": (4, 4),
        "distributions": [
            _file(
                "datakring-gebruiksstatistieken-2025.csv",
                "CSV",
                "Statistieken 2025 (CSV)",
                "Statistics 2025 (CSV)",
            ),
        ],
    },
]

DATA_SERVICES = [
    {
        "slug": "waterinfo-webservices",
        "publisher": "rijkswaterstaat",
        "title": {"nl": "Waterinfo-webservices", "en": "Waterinfo web services"},
        "description": {
            "nl": "REST-API voor actuele en historische waterstanden, afvoeren en "
            "waterkwaliteit van de rijkswateren.",
            "en": "REST API for current and historical water levels, discharges and water "
            "quality of the national waters.",
        },
        "endpoint_url": "https://waterwebservices.rijkswaterstaat.nl/",
        "endpoint_description": "https://rijkswaterstaatdata.nl/waterdata/openapi.json",
        "serves": [
            "waterstanden-ijssel-zwolle-katerveer",
            "waterkwaliteit-rijkswateren",
            "rivierafvoer-rijn-en-maas",
        ],
        "themes": ["ENVI"],
        "conforms_to": ["https://spec.openapis.org/oas/v3.0.3"],
        "licence": "CC0-1.0",
        "contact_email": "servicedesk-data@rws.nl",
    },
    {
        "slug": "geodiensten-overijssel",
        "publisher": "provincie-overijssel",
        "title": {
            "nl": "Geodiensten Overijssel (WMS/WFS)",
            "en": "Overijssel geo services (WMS/WFS)",
        },
        "description": {
            "nl": "OGC-webservices met de kaartlagen van de provincie: natuur, "
            "fietspaden, laadpalen en landbouwpercelen.",
            "en": "OGC web services with the province's map layers: nature, cycle paths, "
            "charging points and agricultural parcels.",
        },
        "endpoint_url": "https://geodata.overijssel.nl/geoserver/ows",
        "endpoint_description": (
            "https://geodata.overijssel.nl/geoserver/ows?service=WFS&request=GetCapabilities"
        ),
        "serves": [
            "publieke-laadpalen-overijssel",
            "natura-2000-gebieden-overijssel",
            "provinciale-fietspaden-overijssel",
            "gewaspercelen-overijssel",
        ],
        "themes": ["ENVI", "TRAN"],
        "conforms_to": [
            "http://www.opengis.net/def/serviceType/ogc/wms",
            "http://www.opengis.net/def/serviceType/ogc/wfs",
        ],
        "licence": "CC-BY-4.0",
        "contact_email": "geodata@overijssel.nl",
    },
]

# Media types for formats whose vocabulary entry carries none.
FALLBACK_MEDIA_TYPES = {
    "CSV": "text/csv",
    "JSON": "application/json",
    "GEOJSON": "application/geo+json",
    "XML": "application/xml",
    "XLSX": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "PDF": "application/pdf",
    "ZIP": "application/zip",
    "GPKG": "application/geopackage+sqlite3",
    "SHP": "application/zip",
    "PARQUET": "application/vnd.apache.parquet",
    "RDF_TURTLE": "text/turtle",
    "RDF_XML": "application/rdf+xml",
    "JSON_LD": "application/ld+json",
    "HTML": "text/html",
}


# Reuse conditions, access requests and reuses -----------------------------------------
# One dataset of each kind of condition (catalog.reuse): open (CC0, the loaded licence
# alone), open with attribution, non-commercial, restricted with an agreement, and not
# public with its reason and legal basis. Rules are (kind, action, purposes, recipients).

GDPR_ELI = "http://data.europa.eu/eli/reg/2016/679/oj"
CONDITIONS = {
    "bomenregister-utrecht": {
        "rights": {
            "nl": "Vermeld bij hergebruik: “Bron: Gemeente Utrecht, Bomenregister”.",
            "en": "When reusing, credit: “Source: City of Utrecht, Tree register”.",
        },
        "rights_holder": "Gemeente Utrecht",
        "rules": [
            ("permission", "use", [], []),
            ("permission", "distribute", [], []),
            ("permission", "derive", [], []),
            ("permission", "commercialize", [], []),
            ("duty", "attribute", [], []),
        ],
    },
    "historische-kijk-en-luistercijfers": {
        "rights": {
            "nl": "Bron: Beeld en Geluid, op basis van rapporten van de oorspronkelijke "
            "rechthebbende. Alleen voor niet-commercieel gebruik.",
            "en": "Source: Sound and Vision, from reports of the original rights holder. For "
            "non-commercial use only.",
        },
        "rights_holder": "Nederlands Instituut voor Beeld en Geluid",
        "rules": [
            ("permission", "use", ["non_commercial", "research", "education", "journalism"], []),
            ("permission", "derive", ["non_commercial", "research", "education"], []),
            ("prohibition", "commercialize", [], []),
            ("duty", "attribute", [], []),
        ],
    },
    "mobiliteitspanel-verplaatsingsgedrag": {
        "access_reason": "personal_data",
        "access_reason_text": {
            "nl": "Gepseudonimiseerde dagboeken van huishoudens: te herleiden tot personen "
            "wanneer ze met andere bronnen worden gecombineerd.",
            "en": "Pseudonymised household diaries: they can identify people when combined "
            "with other sources.",
        },
        "legal_basis": {
            "nl": "AVG, artikel 89: verwerking voor wetenschappelijk onderzoek met passende "
            "waarborgen (pseudonimisering en een gebruikersovereenkomst).",
            "en": "GDPR, Article 89: processing for scientific research with appropriate "
            "safeguards (pseudonymisation and a user agreement).",
        },
        "legal_basis_uri": GDPR_ELI,
        "applicable_legislation": [GDPR_ELI],
        "rights_holder": "Instituut voor Leefomgevingsonderzoek",
        "rules": [
            ("permission", "use", ["research"], ["research", "government"]),
            ("permission", "aggregate", ["research"], ["research", "government"]),
            ("prohibition", "distribute", [], []),
            ("prohibition", "commercialize", [], []),
            ("duty", "sign_agreement", [], []),
            ("duty", "attribute", [], []),
        ],
        "agreement": {
            "nl": "## Gebruikersovereenkomst mobiliteitspanel\n\n"
            "1. U gebruikt de gegevens alleen voor het onderzoek dat u in uw aanvraag "
            "beschrijft.\n2. U probeert niet personen of huishoudens te herkennen en koppelt "
            "de gegevens niet aan andere bronnen op persoonsniveau.\n3. U deelt de gegevens "
            "niet met anderen; publicaties bevatten alleen geaggregeerde uitkomsten.\n"
            "4. U vermeldt de bron en stuurt het instituut een exemplaar van uw publicaties.\n"
            "5. Na afloop van de toegangsperiode verwijdert u de gegevens.",
            "en": "## Mobility panel user agreement\n\n"
            "1. You use the data only for the research described in your request.\n"
            "2. You do not try to identify people or households, and do not link the data to "
            "other sources at person level.\n3. You do not share the data; publications show "
            "aggregated results only.\n4. You credit the source and send the institute a copy "
            "of your publications.\n5. You delete the data when your access period ends.",
        },
        # The documentation is public; the data itself is not.
        "distribution_access": {1: "PUBLIC"},
    },
    "ondertitels-nieuwsuitzendingen": {
        "access_reason": "third_party_rights",
        "access_reason_text": {
            "nl": "De ondertitels zijn auteursrechtelijk beschermd; de omroepen staan gebruik "
            "voor onderzoek en onderwijs toe.",
            "en": "The subtitles are protected by copyright; the broadcasters allow use for "
            "research and education.",
        },
        "legal_basis": {
            "nl": "Auteurswet, artikel 15o: tekst- en datamining voor wetenschappelijk onderzoek.",
            "en": "Dutch Copyright Act, Article 15o: text and data mining for scientific research.",
        },
        "legal_basis_uri": "https://wetten.overheid.nl/BWBR0001886",
        "rights_holder": "Nederlandse Publieke Omroep",
        "rules": [
            ("permission", "use", ["research", "education"], []),
            ("prohibition", "commercialize", [], []),
            ("prohibition", "distribute", [], []),
            ("duty", "sign_agreement", [], []),
        ],
        "agreement": {
            "nl": "## Voorwaarden ondertitelcorpus\n\nU gebruikt het corpus alleen voor "
            "onderzoek of onderwijs, publiceert geen volledige ondertitels (citaten van ten "
            "hoogste twee regels zijn toegestaan) en vermeldt Beeld en Geluid als bron.",
            "en": "## Subtitle corpus terms\n\nYou use the corpus for research or education "
            "only, publish no complete subtitles (quotes of at most two lines are allowed) and "
            "credit Sound and Vision as the source.",
        },
    },
    "staat-bruggen-viaducten": {
        "access_reason": "security",
        "legal_basis": {
            "nl": "Wet open overheid, artikel 5.1, tweede lid, onder c: de veiligheid van "
            "vitale infrastructuur.",
            "en": "Open Government Act, Article 5.1(2)(c): the security of critical "
            "infrastructure.",
        },
        "legal_basis_uri": "https://wetten.overheid.nl/BWBR0045754",
        "rules": [
            ("permission", "use", ["public_task", "research"], ["government", "research"]),
            ("prohibition", "distribute", [], []),
        ],
    },
    "cohortstudie-gezondheid-leefomgeving": {
        "access_reason": "personal_data",
        "access_reason_text": {
            "nl": "Bijzondere persoonsgegevens over gezondheid; de deelnemers gaven alleen "
            "toestemming voor onderzoek door het instituut zelf.",
            "en": "Special category data on health; participants consented to research by the "
            "institute itself only.",
        },
        "legal_basis": {
            "nl": "Uitvoeringswet AVG, artikel 24 (wetenschappelijk onderzoek), en de "
            "toestemming van de deelnemers.",
            "en": "GDPR Implementation Act, Article 24 (scientific research), and the "
            "participants' consent.",
        },
        "legal_basis_uri": "https://wetten.overheid.nl/BWBR0040940",
        "applicable_legislation": [GDPR_ELI],
        "rights_holder": "Instituut voor Leefomgevingsonderzoek",
        "distribution_access": {1: "PUBLIC"},
    },
}

# The demo re-user's requests: one approved (with an end date), one waiting for the publisher.
ACCESS_REQUESTS = [
    {
        "dataset": "mobiliteitspanel-verplaatsingsgedrag",
        "organisation": "Hogeschool Oost, lectoraat Duurzame Mobiliteit",
        "purpose": "research",
        "actions": ["use", "aggregate"],
        "recipient_type": "research",
        "territory": "NL",
        "description": "Promotieonderzoek naar de overstap van auto naar e-bike voor "
        "woon-werkritten tot 15 km. We publiceren alleen tabellen per regio en jaar.",
        "status": "approved",
        "age": 40,
        "access_years": 2,
        "extra_conditions": "Stuur het concept van de eerste publicatie vooraf ter inzage.",
    },
    {
        "dataset": "ondertitels-nieuwsuitzendingen",
        "organisation": "Onderzoeksgroep Taal en Media",
        "purpose": "research",
        "actions": ["use"],
        "recipient_type": "research",
        "territory": "NL",
        "description": "We onderzoeken hoe het gebruik van Engelse leenwoorden in het "
        "journaal sinds 2005 is veranderd (tekst- en datamining, alleen tellingen).",
        "status": "pending",
        "age": 3,
    },
]

REUSES = [
    {
        "slug": "bomenkaart-utrecht",
        "title": "Bomenkaart Utrecht",
        "type": "application",
        "url": "https://bomenkaart.example.org/",
        "author": "Stichting Groen in de Stad",
        "datasets": ["bomenregister-utrecht"],
        "description": "Een kaart van alle gemeentelijke bomen in Utrecht. Tik op een boom "
        "en zie de soort, de leeftijd en wanneer hij geplant is.\n\n"
        "- zoeken op straat of op boomsoort\n- een overzicht van de oudste bomen per wijk\n\n"
        "Gebouwd door vrijwilligers met het *Bomenregister* van de gemeente.",
        "status": "approved",
        "age": 120,
    },
    {
        "slug": "drukte-in-de-fietsenstalling",
        "title": "Drukte in de fietsenstalling",
        "type": "visualisation",
        "url": "https://fietsdrukte.example.org/",
        "author": "Fietsersbond, afdeling Utrecht",
        "datasets": ["bezetting-fietsenstallingen-utrecht"],
        "description": "Hoe vol is de stalling onder het Stationsplein op dinsdagochtend? "
        "Deze grafieken tonen de gemiddelde bezetting per uur en per dag van de week, zodat "
        "je weet wanneer je er nog een plek vindt.",
        "status": "approved",
        "age": 75,
    },
    {
        "slug": "traffic-and-no2-along-the-a28",
        "title": "Traffic and NO₂ along the A28: a panel analysis",
        "type": "research_paper",
        "url": "https://doi.example.org/10.1234/a28-no2",
        "author": "M. de Vries and S. Yilmaz, Institute for Transport Studies",
        "datasets": ["verkeersintensiteiten-a28", "luchtkwaliteit-no2-fijnstof"],
        "description": "We link hourly traffic counts on the A28 to NO₂ measurements at "
        "nearby stations (2019–2025) and estimate how much a 10% drop in heavy traffic "
        "lowers concentrations. **Result:** about 1.8 µg/m³ at 200 m from the road.",
        "status": "approved",
        "age": 50,
    },
    {
        "slug": "hoe-heet-wordt-jouw-wijk",
        "title": "Hoe heet wordt jouw wijk?",
        "type": "news_article",
        "url": "https://nieuws.example.org/zwolle/hittestress-wijken",
        "author": "Datadesk Zwolse Courant",
        "datasets": ["hittestresskaart-zwolle", "bevolking-per-wijk-zwolle"],
        "description": "Op de hittestresskaart van de gemeente zochten we de warmste buurten "
        "op, en we legden die naast het aantal 75-plussers per wijk. In drie wijken wonen "
        "veel ouderen op plekken waar het op zomernachten niet afkoelt.",
        "status": "approved",
        "age": 20,
    },
    {
        "slug": "laadpunt-api-overijssel",
        "title": "LaadWijzer: open API for public charging points",
        "type": "api",
        "url": "https://api.laadwijzer.example.org/docs",
        "author": "LaadWijzer B.V.",
        "datasets": ["publieke-laadpalen-overijssel"],
        "description": "A free JSON API (OpenAPI 3) that serves the province's charging "
        "points with their power and connector types, updated daily. Used by two route "
        "planners for electric vehicles.",
        "status": "approved",
        "age": 10,
    },
    {
        "slug": "melding-volle-container",
        "title": "Idee: meld een volle container met één tik",
        "type": "idea",
        "url": "",
        "author": "Buurtteam Lombok",
        "datasets": ["ondergrondse-afvalcontainers-utrecht"],
        "description": "Een kleine app die met je locatie de dichtstbijzijnde ondergrondse "
        "container vindt, zodat je met één tik kunt melden dat hij vol is. De meldingen "
        "zouden bij Meldingen openbare ruimte terechtkomen.",
        "status": "pending",
        "age": 2,
    },
]


# Loading the demo ---------------------------------------------------------------------


class LoadReport:
    """What load_demo() did, per kind of record: created, updated or left unchanged."""

    def __init__(self):
        self.counts: dict[str, Counter] = {}
        self.accounts: list[tuple[str, str, bool]] = []  # (role, username, password is demo)

    def add(self, kind: str, outcome: str):
        self.counts.setdefault(kind, Counter())[outcome] += 1

    def lines(self) -> list[str]:
        return [
            f"{kind}: {counts['created']} created, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged"
            for kind, counts in self.counts.items()
        ]


class _Vocabulary:
    """Concepts and licences by code, checked in one go so that every missing one is named."""

    def __init__(self, concepts: set[tuple[str, str]], licences: set[str]):
        schemes = {scheme for scheme, _code in concepts}
        self.concepts = {(c.scheme, c.code): c for c in Concept.objects.filter(scheme__in=schemes)}
        self.licences = {licence.code: licence for licence in Licence.objects.all()}
        missing = sorted(f"{scheme} {code}" for scheme, code in concepts - self.concepts.keys())
        missing += sorted(f"licence {code}" for code in licences - self.licences.keys())
        if missing:
            raise VocabularyMissing(
                "The vocabularies are not (completely) loaded; missing: "
                + ", ".join(missing)
                + ". Run `manage.py migrate`: a data migration loads the vocabularies and "
                "licences."
            )

    def concept(self, scheme: str, code: str) -> Concept:
        return self.concepts[(scheme, code)]

    def media_type(self, file_type: str) -> str:
        concept = self.concepts[(Concept.Scheme.FILE_TYPE, file_type)]
        return concept.media_type or FALLBACK_MEDIA_TYPES.get(file_type, "")


def _demo_vocabulary() -> _Vocabulary:
    S = Concept.Scheme
    concepts = {(S.PUBLISHER_TYPE, spec["type"]) for spec in PUBLISHERS}
    concepts |= {(S.LANGUAGE, code) for code in CATALOG["languages"]}
    licences = {CATALOG["licence"]}
    for spec in DATASETS + DATA_SERVICES:
        concepts |= {(S.THEME, code) for code in spec["themes"]}
        concepts |= {(S.LANGUAGE, code) for code in spec.get("languages", ["NLD"])}
        concepts.add((S.ACCESS_RIGHT, spec.get("access", "PUBLIC")))
        if "frequency" in spec:
            concepts.add((S.FREQUENCY, spec["frequency"]))
        concepts |= {(S.FILE_TYPE, d["format"]) for d in spec.get("distributions", [])}
        licences.add(spec["licence"])
    return _Vocabulary(concepts, licences)


def _apply(instance, values: dict, *, force: bool = False) -> str:
    """Set `values` on `instance`; save only when something differs (or `force`)."""
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, values[name])
    if instance._state.adding:
        instance.save()
        return "created"
    if changed or force:
        instance.save()
        return "updated"
    return "unchanged"


def _set_related(manager, objects) -> bool:
    wanted = {obj.pk for obj in objects}
    if set(manager.values_list("pk", flat=True)) == wanted:
        return False
    manager.set(wanted)
    return True


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@transaction.atomic
def load_demo() -> LoadReport:
    """Create or update the demo catalogue; running it again changes nothing.

    Dates are counted back from the catalogue record's issue date (set on the first run),
    so they look recent on a fresh portal and stay put on later runs.
    """
    vocabulary = _demo_vocabulary()
    report = LoadReport()
    catalog = Catalog.get_current()
    if catalog.issued is None:
        catalog.issued = timezone.localdate()
        catalog.save(update_fields=["issued"])
    publishers = {spec["slug"]: _sync_publisher(spec, vocabulary, report) for spec in PUBLISHERS}
    # Saving fires the search-index signals, so the demo needs no indexing of its own.
    datasets = {
        spec["slug"]: _sync_dataset(
            spec,
            number,
            anchor=catalog.issued,
            publishers=publishers,
            vocabulary=vocabulary,
            report=report,
        )
        for number, spec in enumerate(DATASETS)
    }
    for spec in DATASETS:
        for role, target in spec.get("relations", []):
            _relation, created = DatasetRelation.objects.get_or_create(
                dataset=datasets[spec["slug"]], role=role, target=datasets[target]
            )
            report.add("Dataset relations", "created" if created else "unchanged")
    for spec in DATA_SERVICES:
        _sync_data_service(spec, publishers, datasets, vocabulary, report)
    _sync_catalog(catalog, publishers, vocabulary, report)
    _ensure_accounts(publishers[EDITOR_PUBLISHER], report)
    _sync_conditions(datasets, vocabulary, report)
    _sync_access_requests(datasets, catalog.issued, report)
    _sync_reuses(datasets, catalog.issued, report)
    return report


def _sync_publisher(spec, vocabulary, report) -> Publisher:
    publisher = Publisher.objects.filter(slug=spec["slug"]).first() or Publisher(slug=spec["slug"])
    values = {
        "name": spec["name"],
        "description": spec["description"],
        "uri": spec["uri"],
        "homepage": spec["homepage"] or settings.SITE_URL + "/",
        "publisher_type_id": vocabulary.concept(Concept.Scheme.PUBLISHER_TYPE, spec["type"]).pk,
        "email": spec["email"],
    }
    report.add("Publishers", _apply(publisher, values))
    return publisher


def _sync_dataset(spec, number, *, anchor, publishers, vocabulary, report):
    S = Concept.Scheme
    dataset = Dataset.objects.filter(slug=spec["slug"]).first() or Dataset(slug=spec["slug"])
    published_age, modified_age = spec["age"]
    issued = anchor - datetime.timedelta(days=published_age)
    place_uri, place_nl, place_en, bbox = PLACES[spec["place"]]
    start, end = spec.get("temporal") or (None, None)
    values = {
        "publisher_id": publishers[spec["publisher"]].pk,
        # Most bodies made the data they publish; DCAT-AP-NL requires a creator.
        "creator_id": publishers[spec.get("creator", spec["publisher"])].pk,
        "title": spec["title"],
        "description": spec["description"],
        "temporal_start": _date(start),
        "temporal_end": _date(end),
        "spatial_uri": place_uri,
        "spatial_label": {"nl": place_nl, "en": place_en},
        "bbox_west": bbox[0],
        "bbox_south": bbox[1],
        "bbox_east": bbox[2],
        "bbox_north": bbox[3],
        "frequency_id": vocabulary.concept(S.FREQUENCY, spec["frequency"]).pk,
        "issued": issued,
        "modified": anchor - datetime.timedelta(days=modified_age),
        "landing_page": spec.get("landing_page", ""),
        "documentation": spec.get("documentation", []),
        "conforms_to": spec.get("conforms_to", []),
        "version": spec.get("version", ""),
        "version_notes": spec.get("version_notes", {}),
        "access_rights_id": vocabulary.concept(S.ACCESS_RIGHT, spec.get("access", "PUBLIC")).pk,
        "licence_id": vocabulary.licences[spec["licence"]].pk,
        "provenance": spec.get("provenance", {}),
    }
    outcome = _apply(dataset, values)
    changed = outcome != "unchanged"
    changed |= _set_related(
        dataset.themes, [vocabulary.concept(S.THEME, c) for c in spec["themes"]]
    )
    changed |= _set_related(
        dataset.languages,
        [vocabulary.concept(S.LANGUAGE, c) for c in spec.get("languages", ["NLD"])],
    )
    wanted_keywords = {(v, lang) for lang, values in spec["keywords"].items() for v in values}
    if {(k.value, k.language) for k in dataset.keywords.all()} != wanted_keywords:
        dataset.set_keywords(spec["keywords"])
        changed = True
    published_at = timezone.make_aware(
        datetime.datetime.combine(issued, datetime.time(8 + number % 9, 5 * (number % 12)))
    )
    changed |= _sync_status(dataset, spec.get("status", Status.PUBLISHED), published_at)
    changed |= _sync_contact_point(dataset, *spec["contact"])
    for position, distribution_spec in enumerate(spec["distributions"]):
        outcome_d = _sync_distribution(dataset, position, distribution_spec, vocabulary)
        report.add("Distributions", outcome_d)
        changed |= outcome_d != "unchanged"
    report.add("Datasets", "updated" if changed and outcome == "unchanged" else outcome)
    return dataset


def _sync_status(dataset, status, published_at) -> bool:
    """Bring the dataset to `status` the way an editor would: publish(), then withdraw()."""
    if status == Status.DRAFT:
        if dataset.status == Status.DRAFT and dataset.published_at is None:
            return False
        dataset.status, dataset.published_at = Status.DRAFT, None
        dataset.save(update_fields=["status", "published_at", "updated_at"])
        return True
    changed = dataset.published_at != published_at
    dataset.published_at = published_at
    if dataset.status == Status.DRAFT or (
        status == Status.PUBLISHED and dataset.status != Status.PUBLISHED
    ):
        dataset.publish()
        changed = True
    elif changed:
        dataset.save(update_fields=["published_at", "updated_at"])
    if status == Status.WITHDRAWN and dataset.status != Status.WITHDRAWN:
        dataset.withdraw()
        changed = True
    return changed


def _sync_contact_point(dataset, name, email, url) -> bool:
    contact = dataset.contact_points.first() or ContactPoint(dataset=dataset)
    return _apply(contact, {"name": name, "email": email, "url": url}) != "unchanged"


def _sync_distribution(dataset, position, spec, vocabulary) -> str:
    distribution = dataset.distributions.filter(position=position).first() or Distribution(
        dataset=dataset, position=position
    )
    values = {
        "title": spec["title"],
        "format_id": vocabulary.concept(Concept.Scheme.FILE_TYPE, spec["format"]).pk,
        "media_type": vocabulary.media_type(spec["format"]),
        "access_url": spec.get("access_url", ""),
        "download_url": spec.get("download_url", ""),
        "issued": dataset.issued,
        "modified": dataset.modified,
        "status": spec.get("status", Distribution.DistributionStatus.COMPLETED),
        "conforms_to": spec.get("conforms_to", []),
    }
    stored = False
    if "file" in spec:
        path = DEMO_FILES_DIR / spec["file"]
        file = distribution.file
        if not (file and distribution.checksum == _sha256(path) and file.storage.exists(file.name)):
            with path.open("rb") as handle:
                distribution.file.save(spec["file"], File(handle), save=False)
            distribution.set_file_facts()
            distribution.file.close()
            stored = True
    return _apply(distribution, values, force=stored)


def _sync_data_service(spec, publishers, datasets, vocabulary, report):
    service = DataService.objects.filter(slug=spec["slug"]).first() or DataService(
        slug=spec["slug"]
    )
    values = {
        "publisher_id": publishers[spec["publisher"]].pk,
        "title": spec["title"],
        "description": spec["description"],
        "endpoint_url": spec["endpoint_url"],
        "endpoint_description": spec["endpoint_description"],
        "conforms_to": spec["conforms_to"],
        "licence_id": vocabulary.licences[spec["licence"]].pk,
        "access_rights_id": vocabulary.concept(Concept.Scheme.ACCESS_RIGHT, "PUBLIC").pk,
        "contact_email": spec["contact_email"],
        "status": Status.PUBLISHED,
    }
    outcome = _apply(service, values)
    changed = _set_related(service.serves_datasets, [datasets[slug] for slug in spec["serves"]])
    changed |= _set_related(
        service.themes, [vocabulary.concept(Concept.Scheme.THEME, c) for c in spec["themes"]]
    )
    report.add("Data services", "updated" if changed and outcome == "unchanged" else outcome)


def _sync_catalog(catalog, publishers, vocabulary, report):
    values = {
        "title": CATALOG["title"],
        "description": CATALOG["description"],
        "publisher_id": publishers[CATALOG["publisher"]].pk,
        "homepage": settings.SITE_URL + "/",
        "licence_id": vocabulary.licences[CATALOG["licence"]].pk,
    }
    outcome = _apply(catalog, values)
    languages = [vocabulary.concept(Concept.Scheme.LANGUAGE, c) for c in CATALOG["languages"]]
    changed = _set_related(catalog.languages, languages)
    report.add("Catalogue record", "updated" if changed and outcome == "unchanged" else outcome)


def _ensure_accounts(publisher, report):
    manager = _ensure_user(
        MANAGER_USERNAME,
        report,
        first_name="Demo",
        last_name="Sitebeheerder",
        is_staff=True,
        is_superuser=True,
    )
    editor = _ensure_user(
        EDITOR_USERNAME,
        report,
        first_name="Demo",
        last_name="Redacteur",
        is_staff=True,
        is_superuser=False,
    )
    membership = PublisherMembership.objects.filter(publisher=publisher, user=editor).first()
    if membership is None or membership.role != PublisherMembership.Role.EDITOR:
        publisher.add_member(editor, PublisherMembership.Role.EDITOR)
    reuser = _ensure_user(
        REUSER_USERNAME,
        report,
        first_name="Demo",
        last_name="Hergebruiker",
        is_staff=False,
        is_superuser=False,
    )
    editor_role = f"Editor of {LanguageMap(publisher.name)}"
    report.accounts = [
        ("Site manager", manager.username, manager.check_password(DEMO_PASSWORD)),
        (editor_role, editor.username, editor.check_password(DEMO_PASSWORD)),
        ("Re-user (no publisher)", reuser.username, reuser.check_password(DEMO_PASSWORD)),
    ]


def _ensure_user(username, report, **flags):
    """The demo account, created with the demo password. An existing account keeps its
    password: on a shared portal someone may have changed it on purpose."""
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username)
        user.set_password(DEMO_PASSWORD)
    values = {"email": f"{username}@datakring.example", "is_active": True, **flags}
    report.add("Accounts", _apply(user, values))
    _ensure_verified_email(user)
    return user


def _ensure_verified_email(user):
    """A verified primary address, so the account also signs in on the public sign-in page
    when ACCOUNT_EMAIL_VERIFICATION is "mandatory"."""
    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if address is None:
        EmailAddress.objects.filter(user=user, primary=True).update(primary=False)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    elif not (address.verified and address.primary):
        EmailAddress.objects.filter(user=user, primary=True).exclude(pk=address.pk).update(
            primary=False
        )
        address.verified = address.primary = True
        address.save(update_fields=["verified", "primary"])


# Reuse conditions, access requests and reuses: loading ----------------------------------


def _sync_conditions(datasets, vocabulary, report):
    for slug, spec in CONDITIONS.items():
        dataset = datasets[slug]
        values = {
            name: spec.get(name, default)
            for name, default in [
                ("access_reason", ""),
                ("access_reason_text", {}),
                ("legal_basis", {}),
                ("legal_basis_uri", ""),
                ("applicable_legislation", []),
                ("rights", {}),
                ("rights_holder", ""),
            ]
        }
        outcome = _apply(dataset, values)
        changed = _sync_rules(dataset, spec.get("rules", []))
        for position, code in spec.get("distribution_access", {}).items():
            distribution = dataset.distributions.get(position=position)
            rights = vocabulary.concept(Concept.Scheme.ACCESS_RIGHT, code)
            changed |= _apply(distribution, {"access_rights_id": rights.pk}) != "unchanged"
        if "agreement" in spec:
            # Agreements are never edited once a request accepted them: version 1 stays.
            _agreement, created = Agreement.objects.get_or_create(
                dataset=dataset, version=1, defaults={"text": spec["agreement"]}
            )
            changed |= created
        report.add("Reuse conditions", "updated" if changed and outcome == "unchanged" else outcome)


def _sync_rules(dataset, rules) -> bool:
    wanted = [(kind, action, purposes, recipients) for kind, action, purposes, recipients in rules]
    current = [
        (rule.kind, rule.action, rule.purposes, rule.recipient_types)
        for rule in dataset.policy_rules.order_by("position", "pk")
    ]
    if current == wanted:
        return False
    dataset.policy_rules.all().delete()
    for position, (kind, action, purposes, recipients) in enumerate(wanted):
        PolicyRule.objects.create(
            dataset=dataset,
            kind=kind,
            action=action,
            purposes=purposes,
            recipient_types=recipients,
            position=position,
        )
    return True


def _moment(anchor, age_days, hour=10) -> datetime.datetime:
    day = anchor - datetime.timedelta(days=age_days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _sync_access_requests(datasets, anchor, report):
    """The demo re-user's requests; created once, then left to whoever uses the demo."""
    User = get_user_model()
    reuser = User.objects.get(username=REUSER_USERNAME)
    manager = User.objects.get(username=MANAGER_USERNAME)
    for spec in ACCESS_REQUESTS:
        dataset = datasets[spec["dataset"]]
        if AccessRequest.objects.filter(dataset=dataset, user=reuser).exists():
            report.add("Access requests", "unchanged")
            continue
        agreement = dataset.agreements.order_by("-version").first()
        requested = _moment(anchor, spec["age"])
        values = {
            "organisation": spec["organisation"],
            "purpose": spec["purpose"],
            "actions": spec["actions"],
            "recipient_type": spec["recipient_type"],
            "territory": spec["territory"],
            "description": spec["description"],
            "period_start": requested.date(),
            "agreement": agreement,
            "agreement_accepted_at": requested if agreement else None,
            "policy_snapshot": policy_snapshot(dataset),
            "status": spec["status"],
        }
        if spec["status"] == AccessRequest.Status.APPROVED:
            years = spec["access_years"]
            values["period_end"] = requested.date().replace(year=requested.year + years)
            values["access_until"] = values["period_end"]
            values["decided_by"] = manager
            values["decided_at"] = requested + datetime.timedelta(days=2)
            values["extra_conditions"] = spec.get("extra_conditions", "")
        access_request = AccessRequest.objects.create(dataset=dataset, user=reuser, **values)
        # created_at is set on insert; the demo dates it like the rest of its records.
        AccessRequest.objects.filter(pk=access_request.pk).update(created_at=requested)
        report.add("Access requests", "created")


def _sync_reuses(datasets, anchor, report):
    """Showcases registered by the demo re-user; created once, matched on their slugs."""
    User = get_user_model()
    reuser = User.objects.get(username=REUSER_USERNAME)
    manager = User.objects.get(username=MANAGER_USERNAME)
    for spec in REUSES:
        if Reuse.objects.filter(slug=spec["slug"]).exists():
            report.add("Reuses", "unchanged")
            continue
        submitted = _moment(anchor, spec["age"], hour=14)
        approved = spec["status"] == Reuse.Status.APPROVED
        reuse = Reuse.objects.create(
            slug=spec["slug"],
            title=spec["title"],
            type=spec["type"],
            url=spec["url"],
            description=spec["description"],
            author=spec["author"],
            submitted_by=reuser,
            status=spec["status"],
            moderated_by=manager if approved else None,
            moderated_at=submitted + datetime.timedelta(days=1) if approved else None,
        )
        reuse.datasets.set([datasets[slug] for slug in spec["datasets"]])
        Reuse.objects.filter(pk=reuse.pk).update(created_at=submitted)
        report.add("Reuses", "created")


# Synthetic datasets for benchmarks ------------------------------------------------------

SYNTHETIC_PREFIX = "synth-"

# (themes, Dutch subject, English subject, Dutch keywords, English keywords)
SUBJECTS = [
    (
        ["TRAN"],
        "Verkeersintensiteiten",
        "Traffic volumes",
        ["verkeer", "intensiteit"],
        ["traffic", "traffic volume"],
    ),
    (
        ["TRAN"],
        "Parkeerbezetting",
        "Parking occupancy",
        ["parkeren", "bezetting"],
        ["parking", "occupancy"],
    ),
    (["TRAN"], "Fietstellingen", "Bicycle counts", ["fiets", "tellingen"], ["bicycle", "counts"]),
    (
        ["TRAN"],
        "Haltes openbaar vervoer",
        "Public transport stops",
        ["openbaar vervoer", "bushaltes"],
        ["public transport", "bus stops"],
    ),
    (
        ["TRAN", "JUST"],
        "Verkeersongevallen",
        "Road traffic accidents",
        ["ongevallen", "verkeersveiligheid"],
        ["accidents", "road safety"],
    ),
    (
        ["ENVI"],
        "Luchtkwaliteitsmetingen",
        "Air quality measurements",
        ["luchtkwaliteit", "fijnstof"],
        ["air quality", "particulate matter"],
    ),
    (
        ["ENVI"],
        "Geluidsmetingen",
        "Noise measurements",
        ["geluid", "overlast"],
        ["noise", "nuisance"],
    ),
    (
        ["ENVI"],
        "Afvalinzameling",
        "Waste collection",
        ["afval", "recycling"],
        ["waste", "recycling"],
    ),
    (
        ["ENVI", "AGRI"],
        "Bomenbestand",
        "Tree inventory",
        ["bomen", "groen"],
        ["trees", "green space"],
    ),
    (
        ["ENVI"],
        "Oppervlaktewaterkwaliteit",
        "Surface water quality",
        ["waterkwaliteit", "sloten"],
        ["water quality", "ditches"],
    ),
    (
        ["ENVI", "HEAL"],
        "Hittekaart",
        "Heat map",
        ["hitte", "klimaatadaptatie"],
        ["heat", "climate adaptation"],
    ),
    (
        ["ENVI"],
        "Grondwaterstanden",
        "Groundwater levels",
        ["grondwater", "droogte"],
        ["groundwater", "drought"],
    ),
    (
        ["ENER"],
        "Energieverbruik per buurt",
        "Energy consumption by neighbourhood",
        ["energie", "gasverbruik"],
        ["energy", "gas consumption"],
    ),
    (
        ["ENER"],
        "Zonnepanelen",
        "Solar panels",
        ["zonne-energie", "zonnepanelen"],
        ["solar energy", "solar panels"],
    ),
    (
        ["ENER", "TRAN"],
        "Laadpunten elektrische auto's",
        "Electric vehicle charging points",
        ["laadpalen", "elektrisch rijden"],
        ["charging points", "electric vehicles"],
    ),
    (
        ["ENER"],
        "Windturbines",
        "Wind turbines",
        ["windenergie", "windmolens"],
        ["wind energy", "wind turbines"],
    ),
    (
        ["ECON"],
        "Vestigingen en banen",
        "Businesses and jobs",
        ["werkgelegenheid", "bedrijven"],
        ["employment", "businesses"],
    ),
    (
        ["ECON"],
        "Winkelleegstand",
        "Retail vacancy",
        ["leegstand", "winkels"],
        ["vacancy", "retail"],
    ),
    (
        ["ECON", "GOVE"],
        "Inkoopcontracten",
        "Procurement contracts",
        ["inkoop", "aanbestedingen"],
        ["procurement", "tenders"],
    ),
    (
        ["ECON"],
        "Toerisme en overnachtingen",
        "Tourism and overnight stays",
        ["toerisme", "hotels"],
        ["tourism", "hotels"],
    ),
    (
        ["ECON", "AGRI"],
        "Marktstandplaatsen",
        "Market stall pitches",
        ["markt", "standplaatsen"],
        ["market", "stalls"],
    ),
    (
        ["GOVE"],
        "Begroting en jaarrekening",
        "Budget and annual accounts",
        ["begroting", "financiën"],
        ["budget", "finance"],
    ),
    (
        ["GOVE"],
        "Raadsvergaderingen",
        "Council meetings",
        ["gemeenteraad", "vergaderingen"],
        ["council", "meetings"],
    ),
    (
        ["GOVE", "JUST"],
        "Woo-verzoeken",
        "Freedom of information requests",
        ["Woo", "openbaarheid"],
        ["freedom of information", "transparency"],
    ),
    (
        ["GOVE"],
        "Subsidieregister",
        "Grant register",
        ["subsidies", "transparantie"],
        ["grants", "transparency"],
    ),
    (
        ["GOVE", "SOCI"],
        "Klanttevredenheid dienstverlening",
        "Customer satisfaction with services",
        ["tevredenheid", "dienstverlening"],
        ["satisfaction", "public service"],
    ),
    (
        ["SOCI"],
        "Bevolkingsopbouw",
        "Population structure",
        ["bevolking", "leeftijd"],
        ["population", "age"],
    ),
    (
        ["SOCI"],
        "Huishoudens en inkomen",
        "Households and income",
        ["huishoudens", "inkomen"],
        ["households", "income"],
    ),
    (
        ["SOCI", "HEAL"],
        "Jeugdhulp en Wmo",
        "Youth care and social support",
        ["jeugdhulp", "zorg"],
        ["youth care", "social support"],
    ),
    (["SOCI"], "Woningvoorraad", "Housing stock", ["woningen", "wonen"], ["housing", "dwellings"]),
    (
        ["SOCI", "EDUC"],
        "Sportaccommodaties",
        "Sports facilities",
        ["sport", "sporthallen"],
        ["sport", "sports halls"],
    ),
    (["HEAL"], "AED-locaties", "AED locations", ["AED", "reanimatie"], ["AED", "resuscitation"]),
    (
        ["HEAL"],
        "Huisartsenpraktijken",
        "GP practices",
        ["huisartsen", "zorg"],
        ["general practitioners", "health care"],
    ),
    (
        ["HEAL", "ENVI"],
        "Zwemwaterkwaliteit",
        "Bathing water quality",
        ["zwemwater", "blauwalg"],
        ["bathing water", "blue-green algae"],
    ),
    (
        ["EDUC"],
        "Schoolvestigingen",
        "School locations",
        ["scholen", "onderwijs"],
        ["schools", "education"],
    ),
    (
        ["EDUC"],
        "Leerlingaantallen",
        "Pupil numbers",
        ["leerlingen", "basisonderwijs"],
        ["pupils", "primary education"],
    ),
    (
        ["EDUC"],
        "Bibliotheekgebruik",
        "Library use",
        ["bibliotheek", "lezen"],
        ["library", "reading"],
    ),
    (
        ["EDUC", "SOCI"],
        "Monumenten",
        "Listed monuments",
        ["monumenten", "erfgoed"],
        ["monuments", "heritage"],
    ),
    (
        ["EDUC"],
        "Museumcollectie",
        "Museum collection",
        ["museum", "collectie"],
        ["museum", "collection"],
    ),
    (
        ["AGRI"],
        "Landbouwpercelen",
        "Agricultural parcels",
        ["landbouw", "gewassen"],
        ["agriculture", "crops"],
    ),
    (
        ["AGRI", "ENVI"],
        "Bodemkwaliteit",
        "Soil quality",
        ["bodem", "verontreiniging"],
        ["soil", "contamination"],
    ),
    (
        ["AGRI"],
        "Veehouderijen",
        "Livestock farms",
        ["veehouderij", "stikstof"],
        ["livestock", "nitrogen"],
    ),
    (
        ["REGI"],
        "Bestemmingsplannen",
        "Zoning plans",
        ["ruimtelijke ordening", "omgevingsplan"],
        ["spatial planning", "zoning"],
    ),
    (
        ["REGI"],
        "Wijk- en buurtgrenzen",
        "District and neighbourhood boundaries",
        ["wijken", "buurten"],
        ["districts", "neighbourhoods"],
    ),
    (
        ["REGI", "ECON"],
        "Bedrijventerreinen",
        "Business parks",
        ["bedrijventerreinen", "kavels"],
        ["business parks", "plots"],
    ),
    (
        ["JUST"],
        "Handhavingsbesluiten",
        "Enforcement decisions",
        ["handhaving", "toezicht"],
        ["enforcement", "supervision"],
    ),
    (
        ["JUST", "SOCI"],
        "Geregistreerde criminaliteit",
        "Recorded crime",
        ["criminaliteit", "veiligheid"],
        ["crime", "safety"],
    ),
    (
        ["INTR"],
        "Internationale samenwerkingsprojecten",
        "International cooperation projects",
        ["internationaal", "Europa"],
        ["international", "Europe"],
    ),
    (
        ["INTR", "ECON"],
        "Export en buitenlandse investeringen",
        "Exports and foreign investment",
        ["export", "investeringen"],
        ["exports", "investment"],
    ),
    (
        ["TECH"],
        "Sensorregister",
        "Sensor register",
        ["sensoren", "privacy"],
        ["sensors", "privacy"],
    ),
    (
        ["TECH", "GOVE"],
        "Applicatielandschap",
        "Application landscape",
        ["ICT", "applicaties"],
        ["IT", "applications"],
    ),
    (
        ["TECH"],
        "Glasvezeldekking",
        "Fibre coverage",
        ["glasvezel", "internet"],
        ["fibre", "broadband"],
    ),
]

QUALIFIERS = [
    ("", ""),
    ("per wijk", "by district"),
    ("per buurt", "by neighbourhood"),
    ("per maand", "per month"),
    ("jaaroverzicht", "annual overview"),
    ("actueel", "current"),
    ("historische reeks", "historical series"),
    ("per postcodegebied", "by postcode area"),
    ("kwartaalcijfers", "quarterly figures"),
]

# (municipality, latitude, longitude) of the town centre.
TOWNS = [
    ("Amsterdam", 52.37, 4.90),
    ("Rotterdam", 51.92, 4.48),
    ("Den Haag", 52.08, 4.31),
    ("Utrecht", 52.09, 5.12),
    ("Eindhoven", 51.44, 5.48),
    ("Groningen", 53.22, 6.57),
    ("Tilburg", 51.56, 5.09),
    ("Almere", 52.37, 5.22),
    ("Breda", 51.59, 4.78),
    ("Nijmegen", 51.84, 5.86),
    ("Apeldoorn", 52.21, 5.97),
    ("Haarlem", 52.38, 4.64),
    ("Arnhem", 51.98, 5.91),
    ("Enschede", 52.22, 6.89),
    ("Amersfoort", 52.16, 5.39),
    ("Zaanstad", 52.44, 4.81),
    ("'s-Hertogenbosch", 51.69, 5.30),
    ("Zwolle", 52.52, 6.08),
    ("Leiden", 52.16, 4.49),
    ("Maastricht", 50.85, 5.69),
    ("Dordrecht", 51.81, 4.67),
    ("Zoetermeer", 52.06, 4.49),
    ("Ede", 52.04, 5.66),
    ("Leeuwarden", 53.20, 5.80),
    ("Alkmaar", 52.63, 4.75),
    ("Emmen", 52.79, 6.90),
    ("Delft", 52.01, 4.36),
    ("Deventer", 52.26, 6.16),
    ("Venlo", 51.37, 6.17),
    ("Helmond", 51.48, 5.66),
    ("Hilversum", 52.22, 5.18),
    ("Heerlen", 50.89, 5.98),
    ("Assen", 52.99, 6.56),
    ("Middelburg", 51.50, 3.61),
    ("Lelystad", 52.52, 5.47),
    ("Kampen", 52.56, 5.91),
    ("Gouda", 52.01, 4.71),
    ("Hengelo", 52.27, 6.79),
    ("Den Helder", 52.96, 4.76),
    ("Roermond", 51.19, 5.99),
]

INTRO = [
    (
        "{S} in de gemeente {town}, bijgehouden door {publisher}.",
        "{S} in the municipality of {town}, maintained by {publisher}.",
    ),
    (
        "Deze dataset bevat {s} voor {town} over de periode {start} tot en met {end}.",
        "This dataset contains {s} for {town} covering {start} to {end}.",
    ),
    (
        "Overzicht van {s} in {town}, samengesteld uit de registraties van {publisher}.",
        "Overview of {s} in {town}, compiled from the records of {publisher}.",
    ),
    (
        "{S} voor {town}: de gegevens waarop beleid en monitoring in de regio steunen.",
        "{S} for {town}: the data that policy and monitoring in the region rely on.",
    ),
]
METHOD = [
    (
        "De gegevens worden automatisch uit het bronsysteem geëxporteerd en steekproefsgewijs "
        "gecontroleerd.",
        "The data is exported automatically from the source system and checked by sampling.",
    ),
    (
        "Metingen met een afwijkende waarde zijn gemarkeerd maar niet verwijderd.",
        "Measurements with unusual values are flagged but not removed.",
    ),
    (
        "Persoonsgegevens zijn verwijderd; aantallen kleiner dan vijf zijn afgerond.",
        "Personal data has been removed; counts below five are rounded.",
    ),
    (
        "Coördinaten staan in WGS84 en in het Rijksdriehoekstelsel (EPSG:28992).",
        "Coordinates are given in WGS84 and in the Dutch national grid (EPSG:28992).",
    ),
    (
        "Definities volgen die van het CBS, zodat cijfers tussen gemeenten vergelijkbaar zijn.",
        "Definitions follow those of Statistics Netherlands, so figures compare across "
        "municipalities.",
    ),
    (
        "Historische cijfers worden niet met terugwerkende kracht aangepast.",
        "Historical figures are not revised retroactively.",
    ),
]
USE = [
    (
        "Geschikt voor analyses per wijk en voor het vergelijken van jaren.",
        "Suitable for analysis by district and for comparing years.",
    ),
    (
        "Wordt gebruikt in het dashboard van de gemeenteraad.",
        "Used in the city council's dashboard.",
    ),
    (
        "Vragen of fouten? Neem contact op via het contactpunt hieronder.",
        "Questions or errors? Get in touch through the contact point below.",
    ),
    (
        "Combineer deze gegevens met de wijk- en buurtgrenzen voor een kaartweergave.",
        "Combine this data with the district and neighbourhood boundaries to map it.",
    ),
]
FIELDS = [
    ("datum", "date"),
    ("locatie", "location"),
    ("aantal", "count"),
    ("categorie", "category"),
    ("wijk en buurt", "district and neighbourhood"),
    ("coördinaten", "coordinates"),
    ("status", "status"),
    ("eenheid en meetwaarde", "unit and value"),
    ("bron", "source"),
]
SYNTHETIC_FORMATS = [
    ("CSV", 30),
    ("JSON", 18),
    ("XLSX", 12),
    ("GEOJSON", 10),
    ("XML", 8),
    ("PDF", 8),
    ("ZIP", 6),
    ("PARQUET", 4),
    ("GPKG", 4),
]
SYNTHETIC_LICENCES = [
    ("CC0-1.0", 42),
    ("CC-BY-4.0", 40),
    ("CC-BY-SA-4.0", 8),
    ("ODbL-1.0", 6),
    ("CC-BY-NC-4.0", 2),
]


def _cumulative(choices):
    # Summed once here: random.choices() would add up the weights again on every call.
    return [value for value, _w in choices], list(accumulate(w for _v, w in choices))


_FORMAT_CHOICES = _cumulative(SYNTHETIC_FORMATS)
_LICENCE_CHOICES = _cumulative(SYNTHETIC_LICENCES)
SYNTHETIC_FREQUENCIES = ["DAILY", "WEEKLY", "MONTHLY", "QUARTERLY", "ANNUAL", "IRREG"]


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lowered(text: str) -> str:
    # Keep acronyms ("AED-locaties") and names intact: only lower a capitalised word.
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


class _SyntheticContext:
    """Everything a synthetic batch needs that does not change between batches."""

    def __init__(self, rng: random.Random):
        S = Concept.Scheme
        concepts = {(S.THEME, code) for themes, *_rest in SUBJECTS for code in themes}
        concepts |= {(S.FILE_TYPE, code) for code, _weight in SYNTHETIC_FORMATS}
        concepts |= {(S.FREQUENCY, code) for code in SYNTHETIC_FREQUENCIES}
        concepts |= {(S.ACCESS_RIGHT, "PUBLIC"), (S.ACCESS_RIGHT, "RESTRICTED")}
        concepts |= {(S.LANGUAGE, "NLD"), (S.LANGUAGE, "ENG"), (S.PUBLISHER_TYPE, "LocalAuthority")}
        self.vocabulary = _Vocabulary(concepts, {code for code, _w in SYNTHETIC_LICENCES})
        self.publishers = list(Publisher.objects.order_by("pk")) or _synthetic_publishers(
            rng, self.vocabulary.concept(S.PUBLISHER_TYPE, "LocalAuthority")
        )
        self.keyword_ids = _synthetic_keywords()
        self.uri_template = settings.SITE_URL + reverse(
            "catalog:dataset-detail", args=["SLUG-PLACEHOLDER"]
        )
        self.now = timezone.now()

    def concept_id(self, scheme, code) -> int:
        return self.vocabulary.concept(scheme, code).pk


def _synthetic_publishers(rng: random.Random, local_authority: Concept) -> list[Publisher]:
    towns = rng.sample(TOWNS, 5)
    publishers = [
        Publisher(
            slug=f"{SYNTHETIC_PREFIX}gemeente-{slugify(town)}",
            name=LanguageMap(nl=f"Gemeente {town}", en=f"Municipality of {town}"),
            publisher_type=local_authority,
            email="opendata@example.org",
        )
        for town, _lat, _lon in towns
    ]
    for publisher in publishers:
        publisher.save()
    return publishers


def _synthetic_keywords() -> dict[tuple[str, str], int]:
    wanted = {(kw, "nl") for *_r, nl, _en in SUBJECTS for kw in nl}
    wanted |= {(kw, "en") for *_r, en in SUBJECTS for kw in en}
    wanted |= {(town, "nl") for town, _lat, _lon in TOWNS}
    Keyword.objects.bulk_create(
        [Keyword(value=value, language=lang) for value, lang in wanted], ignore_conflicts=True
    )
    rows = Keyword.objects.filter(value__in={value for value, _lang in wanted})
    return {(k.value, k.language): k.pk for k in rows if (k.value, k.language) in wanted}


def _next_synthetic_number() -> int:
    slugs = Dataset.objects.filter(slug__startswith=SYNTHETIC_PREFIX).values_list("slug", flat=True)
    numbers = (slug[len(SYNTHETIC_PREFIX) :] for slug in slugs.iterator())
    return max((int(n) for n in numbers if n.isdigit()), default=0) + 1


def generate_synthetic(
    count: int,
    *,
    distributions_per_dataset: int = 3,
    seed: int = 1,
    batch_size: int = 2000,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Bulk-insert `count` published synthetic datasets (slugs "synth-<n>") and index them.

    Rows are built in memory and inserted with bulk_create, many-to-many links included, in
    one transaction per batch; everything Dataset.save() would fill is set here. Returns
    the number of datasets created.
    """
    rng = random.Random(seed)
    with transaction.atomic():
        context = _SyntheticContext(rng)
    first = _next_synthetic_number()
    # bulk_create sends no signals, so the search index is fed directly. On PostgreSQL
    # that is mostly work in the database server, so outside a transaction it runs on a
    # second connection while the next batch is built: the two overlap on two cores.
    overlap = connection.vendor == "postgresql" and not connection.in_atomic_block
    pending = None
    done = 0
    with ThreadPoolExecutor(max_workers=1) as pool:
        while done < count:
            size = min(batch_size, count - done)
            numbers = range(first + done, first + done + size)
            with transaction.atomic():
                ids = _insert_synthetic_batch(rng, numbers, context, distributions_per_dataset)
                if not overlap:
                    index_datasets(ids)
            if overlap:
                if pending:
                    pending.result()
                pending = pool.submit(_index_on_own_connection, ids)
            done += size
            if progress:
                progress(done, count)
        if pending:
            pending.result()
    return done


def _index_on_own_connection(ids):
    try:
        with transaction.atomic():
            index_datasets(ids)
    finally:
        connection.close()  # the thread's own connection


def _insert_synthetic_batch(rng, numbers, context, distributions_per_dataset) -> list[int]:
    S = Concept.Scheme
    datasets, plans = [], []
    for number in numbers:
        dataset, plan = _synthetic_dataset(rng, number, context)
        datasets.append(dataset)
        plans.append(plan)
    Dataset.objects.bulk_create(datasets)
    if any(dataset.pk is None for dataset in datasets):  # a backend without RETURNING
        pks = dict(
            Dataset.objects.filter(slug__in=[d.slug for d in datasets]).values_list("slug", "pk")
        )
        for dataset in datasets:
            dataset.pk = pks[dataset.slug]
    ThemeLink = Dataset.themes.through
    KeywordLink = Dataset.keywords.through
    LanguageLink = Dataset.languages.through
    themes, keywords, languages, distributions, contacts = [], [], [], [], []
    for dataset, plan in zip(datasets, plans, strict=True):
        themes += [ThemeLink(dataset_id=dataset.pk, concept_id=pk) for pk in plan["themes"]]
        keywords += [KeywordLink(dataset_id=dataset.pk, keyword_id=pk) for pk in plan["keywords"]]
        languages += [
            LanguageLink(dataset_id=dataset.pk, concept_id=context.concept_id(S.LANGUAGE, code))
            for code in plan["languages"]
        ]
        distributions += _synthetic_distributions(
            rng, dataset, plan, context, distributions_per_dataset
        )
        contacts.append(
            ContactPoint(
                dataset_id=dataset.pk,
                name=plan["contact"],
                email=plan["email"],
                url=plan["landing_page"],
            )
        )
    ThemeLink.objects.bulk_create(themes)
    KeywordLink.objects.bulk_create(keywords)
    LanguageLink.objects.bulk_create(languages)
    Distribution.objects.bulk_create(distributions)
    ContactPoint.objects.bulk_create(contacts)
    return [dataset.pk for dataset in datasets]


def _weighted(rng, choices):
    values, cumulative = choices
    return rng.choices(values, cum_weights=cumulative)[0]


def _synthetic_dataset(rng, number, context):
    S = Concept.Scheme
    theme_codes, subject_nl, subject_en, kw_nl, kw_en = rng.choice(SUBJECTS)
    qualifier_nl, qualifier_en = rng.choice(QUALIFIERS)
    town, lat, lon = rng.choice(TOWNS)
    publisher = rng.choice(context.publishers)
    publisher_name = {"nl": publisher.name.localized("nl"), "en": publisher.name.localized("en")}
    start_year = rng.randint(1995, 2024)
    end_year = min(start_year + rng.randint(0, 12), 2026)
    title_nl = " ".join(filter(None, [subject_nl, qualifier_nl])) + f", {town} {end_year}"
    title_en = " ".join(filter(None, [subject_en, qualifier_en])) + f", {town} {end_year}"
    slug = f"{SYNTHETIC_PREFIX}{number}"
    published_at = context.now - datetime.timedelta(seconds=rng.randint(3600, 3 * 365 * 86400))
    issued = published_at.date()
    modified = issued + datetime.timedelta(days=rng.randint(0, (context.now.date() - issued).days))
    landing_page = f"https://data.example.org/{publisher.slug}/{slug}/"
    dataset = Dataset(
        slug=slug,
        uri=context.uri_template.replace("SLUG-PLACEHOLDER", slug),
        identifier=f"{publisher.slug}:{number}",
        title={"nl": title_nl, "en": title_en},
        description=_synthetic_description(
            rng, subject_nl, subject_en, town, publisher_name, start_year, end_year
        ),
        publisher=publisher,
        temporal_start=datetime.date(start_year, 1, 1),
        temporal_end=datetime.date(end_year, 12, 31),
        spatial_label={"nl": f"Gemeente {town}", "en": f"Municipality of {town}"},
        bbox_west=round(lon - 0.09, 4),
        bbox_south=round(lat - 0.06, 4),
        bbox_east=round(lon + 0.09, 4),
        bbox_north=round(lat + 0.06, 4),
        frequency_id=context.concept_id(S.FREQUENCY, rng.choice(SYNTHETIC_FREQUENCIES)),
        issued=issued,
        modified=modified,
        landing_page=landing_page,
        version=f"{end_year}.{rng.randint(1, 4)}",
        access_rights_id=context.concept_id(
            S.ACCESS_RIGHT, "RESTRICTED" if rng.random() < 0.05 else "PUBLIC"
        ),
        licence_id=context.vocabulary.licences[_weighted(rng, _LICENCE_CHOICES)].pk,
        status=Status.PUBLISHED,
        published_at=published_at,
    )
    keywords = [(kw, "nl") for kw in kw_nl] + [(kw, "en") for kw in kw_en] + [(town, "nl")]
    plan = {
        "themes": [context.concept_id(S.THEME, code) for code in theme_codes],
        "keywords": [context.keyword_ids[k] for k in keywords],
        "languages": ["NLD", "ENG"] if rng.random() < 0.4 else ["NLD"],
        "subject": (subject_nl, subject_en),
        "year": end_year,
        "contact": f"Team open data, {publisher_name['nl']}",
        "email": publisher.email or "opendata@example.org",
        "landing_page": landing_page,
    }
    return dataset, plan


def _synthetic_description(rng, subject_nl, subject_en, town, publisher, start, end):
    words = {"town": town, "start": start, "end": end}
    intro = rng.choice(INTRO)
    nl = [intro[0].format(S=subject_nl, s=_lowered(subject_nl), publisher=publisher["nl"], **words)]
    en = [intro[1].format(S=subject_en, s=_lowered(subject_en), publisher=publisher["en"], **words)]
    for pool in (METHOD, USE):
        sentence_nl, sentence_en = rng.choice(pool)
        nl.append(sentence_nl)
        en.append(sentence_en)
    text_nl, text_en = " ".join(nl), " ".join(en)
    if rng.random() < 0.3:
        fields = rng.sample(FIELDS, 3)
        text_nl += "\n\nVelden:\n\n" + "\n".join(f"- {_capitalised(f[0])}" for f in fields)
        text_en += "\n\nFields:\n\n" + "\n".join(f"- {_capitalised(f[1])}" for f in fields)
    return {"nl": text_nl, "en": text_en}


def _synthetic_distributions(rng, dataset, plan, context, count) -> list[Distribution]:
    subject_nl, subject_en = plan["subject"]
    distributions = []
    for position in range(count):
        code = _weighted(rng, _FORMAT_CHOICES)
        url = (
            f"https://data.example.org/{dataset.publisher.slug}/{dataset.slug}/"
            f"{position + 1}.{code.lower()}"
        )
        distributions.append(
            Distribution(
                dataset_id=dataset.pk,
                title={
                    "nl": f"{subject_nl} {plan['year']} ({code})",
                    "en": f"{subject_en} {plan['year']} ({code})",
                },
                access_url=url,
                download_url=url,
                format_id=context.concept_id(Concept.Scheme.FILE_TYPE, code),
                media_type=context.vocabulary.media_type(code),
                byte_size=rng.randint(2_000, 80_000_000),
                issued=dataset.issued,
                modified=dataset.modified,
                position=position,
            )
        )
    return distributions
