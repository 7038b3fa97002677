"""The Dutch translation: complete, compiled, and what a visitor sees with nl or en."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import DatasetFactory, PublisherFactory

NL_DIR = Path(settings.LOCALE_PATHS[0]) / "nl" / "LC_MESSAGES"

# Placeholders and markup a translation must carry over unchanged.
TOKENS = re.compile(
    r"%\(\w+\)[sdr]|%[sd]|\{\w*\}|</?(?:a|abbr|b|br|code|em|i|kbd|p|span|strong|time)\b[^<>]*>"
)


def read_po(path: Path) -> list[dict]:
    """The live entries of a .po file (header and obsolete `#~` entries left out).

    A tiny reader instead of a dependency: enough for what makemessages writes.
    """
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry, key = {"flags": set(), "msgstr": {}}, None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                text = ast.literal_eval(line)
                if isinstance(key, int):
                    entry["msgstr"][key] += text
                else:
                    entry[key] += text
            else:
                keyword, _, value = line.partition(" ")
                text = ast.literal_eval(value)
                if keyword.startswith("msgstr"):
                    key = int(keyword[7:-1]) if "[" in keyword else 0
                    entry["msgstr"][key] = text
                else:
                    key = keyword
                    entry[key] = text
        if entry.get("msgid"):
            entries.append(entry)
    return entries


@pytest.fixture(scope="module")
def entries():
    return read_po(NL_DIR / "django.po")


def test_dutch_catalogue_has_no_untranslated_or_fuzzy_entries(entries):
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"].values())]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]

    assert len(entries) > 300
    assert untranslated == []
    assert fuzzy == []


def test_dutch_plurals_have_both_forms(entries):
    plurals = [e for e in entries if "msgid_plural" in e]

    assert plurals
    assert [e["msgid"] for e in plurals if sorted(e["msgstr"]) != [0, 1]] == []


def test_dutch_translations_keep_placeholders_and_markup(entries):
    def tokens(text):
        return sorted(TOKENS.findall(text))

    broken = []
    for e in entries:
        if "msgid_plural" in e:
            # A singular may spell out "one" where the plural has the counter.
            allowed = set(tokens(e["msgid"])) | set(tokens(e["msgid_plural"]))
            if any(not set(tokens(s)) <= allowed for s in e["msgstr"].values()):
                broken.append(e["msgid"])
            if tokens(e["msgstr"][1]) != tokens(e["msgid_plural"]):
                broken.append(e["msgid"])
        elif tokens(e["msgstr"][0]) != tokens(e["msgid"]):
            broken.append(e["msgid"])

    assert broken == []


def test_compiled_catalogue_matches_the_po(entries):
    # The .mo is committed so that a machine without gettext still gets Dutch; it must
    # not lag behind the .po.
    with open(NL_DIR / "django.mo", "rb") as mo_file:
        mo = gettext.GNUTranslations(mo_file)

    stale = []
    for e in entries:
        context = e.get("msgctxt")
        if "msgid_plural" in e:
            forms = [
                mo.npgettext(context, e["msgid"], e["msgid_plural"], n)
                if context
                else mo.ngettext(e["msgid"], e["msgid_plural"], n)
                for n in (1, 2)
            ]
            expected = [e["msgstr"][0], e["msgstr"][1]]
        else:
            forms = [mo.pgettext(context, e["msgid"]) if context else mo.gettext(e["msgid"])]
            expected = [e["msgstr"][0]]
        if forms != expected:
            stale.append(e["msgid"])

    assert stale == []


@pytest.mark.django_db
def test_home_in_dutch_with_accept_language_nl(client):
    DatasetFactory(published=True)

    html = client.get("/", HTTP_ACCEPT_LANGUAGE="nl-NL,nl;q=0.9").content.decode()

    assert "Vind en hergebruik open data van Nederlandse overheden" in html
    assert '<span class="search-form__button-text">Zoeken</span>' in html
    assert ">Organisaties</a>" in html
    assert "Find and reuse open data" not in html
    assert ">Search</span>" not in html


@pytest.mark.django_db
def test_home_counts_use_dutch_plural_forms(client):
    DatasetFactory(published=True)
    DatasetFactory(published=True, publisher=PublisherFactory())

    html = client.get("/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()

    assert "<strong>2</strong> datasets" in html
    assert "<strong>2</strong> organisaties" in html


@pytest.mark.django_db
def test_dataset_list_in_dutch_with_accept_language_nl(client):
    DatasetFactory(published=True)

    html = client.get("/datasets/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()

    assert '<label for="dataset-search">Dataset zoeken</label>' in html
    assert '<span class="search-form__button-text">Zoeken</span>' in html
    assert "Resultaten filteren" in html
    assert "1 dataset<" in html
    assert "Filter results" not in html


@pytest.mark.django_db
def test_dataset_page_in_dutch_with_accept_language_nl(client):
    DatasetFactory(published=True, slug="trees")

    html = client.get("/datasets/trees/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()

    assert "Data en downloads" in html
    assert "Uitgever" in html
    assert "Data and downloads" not in html


@pytest.mark.django_db
def test_pages_in_english_with_accept_language_en(client):
    DatasetFactory(published=True)

    home = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    listing = client.get("/datasets/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Find and reuse open data from Dutch public bodies" in home
    assert '<span class="search-form__button-text">Search</span>' in listing
    assert "Filter results" in listing
    assert "Zoeken" not in home + listing
    assert "Resultaten filteren" not in listing


@pytest.mark.django_db
def test_language_cookie_switches_the_interface(client):
    DatasetFactory(published=True)

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    dutch = client.get("/datasets/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/datasets/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()

    assert "Resultaten filteren" in dutch
    assert "Filter results" in english
    assert "Resultaten filteren" not in english


@pytest.mark.django_db
def test_language_switcher_turns_the_interface_dutch(client):
    response = client.post("/i18n/setlang/", {"language": "nl", "next": "/"})

    html = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "nl"
    assert "Vind en hergebruik open data" in html


@pytest.mark.django_db
def test_admin_in_dutch_for_a_site_manager(client, manager):
    client.force_login(manager)

    html = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()

    assert "Data publiceren en beheren" in html
    assert "Publish and manage data" not in html
