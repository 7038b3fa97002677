"""Dataset structure: profiling a corpus of messy files the tests make, recording profiles
without losing owners' words, and showing them on the page, schema.json, REST and DCAT."""

import hashlib
import io
import json
import random
from datetime import date, datetime

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import translation
from openpyxl import Workbook

from catalog import profiling
from catalog.models import Column, Concept, Dataset, Distribution, DistributionProfile
from catalog.tasks import profile_distribution as profile_task
from tests.factories import DatasetFactory, DistributionFactory, concept
from tests.localserver import LocalServer

Status = DistributionProfile.Status


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def server():
    server = LocalServer()
    yield server
    server.close()


def profile_bytes(tmp_path, content: bytes, name: str = "data.csv", **claims):
    path = tmp_path / name
    path.write_bytes(content)
    return profiling.profile_path(str(path), name=name, **claims)


def columns(result) -> dict:
    return {column["name"]: column for column in result.columns}


# The engine over a messy corpus -------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiters_are_detected(tmp_path, delimiter):
    rows = [["id", "naam", "bedrag", "datum"], ["1", "Café, de Zon", "3.5", "2024-01-31"]]
    rows += [[str(i), f"Straat {i}", f"{i}.25", f"2024-02-{i:02d}"] for i in range(2, 20)]
    buffer = io.StringIO()
    import csv

    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    result = profile_bytes(tmp_path, buffer.getvalue().encode())
    assert result.status == "ok", result.message
    assert result.delimiter == delimiter
    assert result.row_count == 19
    found = columns(result)
    assert list(found) == ["id", "naam", "bedrag", "datum"]
    assert found["id"]["type"] == "integer"
    assert found["id"]["stats"]["min"] == 1 and found["id"]["stats"]["max"] == 19
    assert found["bedrag"]["type"] == "number"
    assert found["datum"]["type"] == "date"
    assert found["datum"]["stats"]["min"] == "2024-01-31"
    assert found["naam"]["type"] == "string"
    assert "Café, de Zon" in found["naam"]["stats"]["examples"]


def test_a_tsv_file_prefers_tabs(tmp_path):
    result = profile_bytes(tmp_path, b"a\tb,c\n1\t2,3\n4\t5,6\n", name="data.tsv")
    assert result.delimiter == "\t"
    assert list(columns(result)) == ["a", "b,c"]


def test_latin1_is_detected_and_decoded(tmp_path):
    text = "plaats;omschrijving\n" + "".join(
        f"Zoë {i};Café met crème brûlée en één ï\n" for i in range(30)
    )
    result = profile_bytes(tmp_path, text.encode("latin-1"))
    assert result.status == "ok", result.message
    assert result.encoding in ("cp1252", "iso8859-1", "latin-1")
    assert result.delimiter == ";"
    assert columns(result)["omschrijving"]["stats"]["examples"][0].startswith("Café met crème")


def test_utf8_with_a_byte_order_mark(tmp_path):
    result = profile_bytes(tmp_path, "\ufeffnaam,aantal\nÅsa,1\nBjörn,2\n".encode())
    assert result.status == "ok"
    assert result.encoding == "utf-8"
    assert list(columns(result)) == ["naam", "aantal"]


def test_utf16_with_a_byte_order_mark(tmp_path):
    result = profile_bytes(tmp_path, "naam\taantal\nÅsa\t1\nBjörn\t2\n".encode("utf-16"))
    assert result.status == "ok", result.message
    assert result.encoding == "utf-16"
    assert columns(result)["aantal"]["type"] == "integer"


def test_ragged_rows_are_left_out_and_counted(tmp_path):
    text = "a,b,c\n1,2,3\n4,5\n6,7,8\n9,10,11,12\n13,14,15\n"
    result = profile_bytes(tmp_path, text.encode())
    assert result.status == "ok"
    assert result.row_count == 3
    assert "2 rows" in result.message


def test_a_file_of_mostly_ragged_rows_is_not_a_table(tmp_path):
    text = "a,b,c\n" + "1,2\n" * 10 + "1,2,3\n"
    result = profile_bytes(tmp_path, text.encode())
    assert result.status == "failed"
    assert "different number of fields" in result.message


@pytest.mark.parametrize("content", [b"", b"   \n\n"])
def test_an_empty_file(tmp_path, content):
    result = profile_bytes(tmp_path, content)
    assert result.status == "not_tabular"
    assert result.message == "The file is empty."


def test_binary_garbage_is_not_a_table(tmp_path):
    garbage = random.Random(7).randbytes(50_000)
    result = profile_bytes(tmp_path, garbage)
    assert result.status == "not_tabular"
    assert "binary" in result.message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"<!DOCTYPE html><html><body>Not found</body></html>", "web page"),
        (b"%PDF-1.7 ...", "PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old Excel"),
        (b"PK\x03\x04" + b"\x00" * 100, "ZIP"),
    ],
)
def test_other_kinds_of_files_say_what_they_are(tmp_path, content, expected):
    result = profile_bytes(tmp_path, content, name="data.csv")
    assert result.status == "not_tabular"
    assert expected in result.message


def test_header_only_file_has_columns_of_unknown_type(tmp_path):
    result = profile_bytes(tmp_path, b"a,b,,a\n")
    assert result.status == "ok"
    assert result.row_count == 0
    assert [c["name"] for c in result.columns] == ["a", "b", "column_3", "a_2"]
    assert {c["type"] for c in result.columns} == {"any"}


def test_types_widen_over_every_block_and_stats_cover_all_rows(tmp_path, monkeypatch):
    # Small blocks: the surprises further down arrive in later blocks.
    monkeypatch.setattr(profiling, "BLOCK_BYTES", 256)
    lines = ["teller,code,getal,vlag,tijd,leeg"]
    lines += [f"{i},{i},{i},true,2024-01-01T10:00:{i % 60:02d},NA" for i in range(1, 400)]
    lines += ["400,X400,0.5,FALSE,2024-01-02 11:00:00,"]
    result = profile_bytes(tmp_path, ("\n".join(lines) + "\n").encode())
    found = columns(result)
    assert found["teller"]["type"] == "integer"
    assert (found["teller"]["stats"]["min"], found["teller"]["stats"]["max"]) == (1, 400)
    assert found["code"]["type"] == "string"
    assert "min" not in found["code"]["stats"]
    assert found["getal"]["type"] == "number"
    assert (found["getal"]["stats"]["min"], found["getal"]["stats"]["max"]) == (0.5, 399)
    assert found["vlag"]["type"] == "boolean"
    assert found["tijd"]["type"] == "datetime"
    assert found["leeg"]["type"] == "any"
    assert found["leeg"]["stats"]["nulls"] == 400


def test_leading_zeros_keep_a_code_a_string(tmp_path):
    result = profile_bytes(tmp_path, b"postcode,huisnummer\n0123,1\n1234,2\n0456,3\n")
    found = columns(result)
    assert found["postcode"]["type"] == "string"
    assert found["huisnummer"]["type"] == "integer"


def test_nulls_and_distinct_values_are_counted(tmp_path, monkeypatch):
    monkeypatch.setattr(profiling, "DISTINCT_CAP", 10)
    lines = ["kleur,id"] + [f"{['rood', 'groen', ''][i % 3]},{i}" for i in range(30)]
    result = profile_bytes(tmp_path, ("\n".join(lines) + "\n").encode())
    found = columns(result)
    assert found["kleur"]["stats"]["nulls"] == 10
    assert found["kleur"]["stats"]["distinct"] == 2
    assert "distinct_at_least" not in found["kleur"]["stats"]
    assert found["id"]["stats"]["distinct_at_least"] is True
    assert found["id"]["stats"]["distinct"] > 10


def excel_bytes(sheets=1) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Data"
    sheet.append([])  # a blank first row, as people leave them
    sheet.append(["id", "naam", "bedrag", "datum", "tijdstip", "actief", None])
    for i in range(1, 21):
        sheet.append(
            [i, f"Rij {i}", i * 1.5, date(2024, 1, i), datetime(2024, 1, i, 12, 30), i % 2 == 0]
        )
    for number in range(1, sheets):
        workbook.create_sheet(f"Extra {number}")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_excel_workbook(tmp_path):
    result = profile_bytes(tmp_path, excel_bytes(sheets=2), name="data.xlsx")
    assert result.status == "ok", result.message
    assert result.row_count == 20
    types = {c["name"]: c["type"] for c in result.columns}
    assert types == {
        "id": "integer",
        "naam": "string",
        "bedrag": "number",
        "datum": "date",
        "tijdstip": "datetime",
        "actief": "boolean",
    }
    assert "Data" in result.message and "2 sheets" in result.message


def test_a_broken_workbook_is_unreadable(tmp_path):
    broken = excel_bytes()[:2000]
    result = profile_bytes(tmp_path, broken, name="data.xlsx")
    assert result.status == "failed"


def test_json_records(tmp_path):
    records = [{"id": i, "naam": f"Object {i}", "prijs": i / 4, "ok": True} for i in range(50)]
    records[3]["extra"] = {"genest": 1}
    result = profile_bytes(tmp_path, json.dumps(records).encode(), name="data.json")
    assert result.status == "ok", result.message
    assert result.row_count == 50
    found = columns(result)
    assert found["id"]["type"] == "integer"
    assert found["prijs"]["type"] == "number"
    assert found["ok"]["type"] == "boolean"
    assert found["extra"]["type"] == "object"
    assert found["extra"]["stats"]["nulls"] == 49


def test_json_records_inside_an_object_are_found(tmp_path, monkeypatch):
    # A small read size: records and numbers are cut across reads.
    monkeypatch.setattr(profiling, "SAMPLE_BYTES", 64)
    document = {"bron": "test", "aantal": 3, "data": [{"a": 12345, "b": "x"} for _ in range(40)]}
    result = profile_bytes(tmp_path, json.dumps(document).encode(), name="data.json")
    assert result.status == "ok", result.message
    assert result.row_count == 40
    assert columns(result)["a"]["stats"]["min"] == 12345
    assert "“data”" in result.message


def test_geojson_features_are_profiled_by_their_properties(tmp_path):
    features = [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [5, 52]}, "properties": p}
        for p in ({"naam": "A", "hoogte": 3}, {"naam": "B", "hoogte": 4})
    ]
    document = {"type": "FeatureCollection", "features": features}
    result = profile_bytes(tmp_path, json.dumps(document).encode(), name="data.geojson")
    assert result.status == "ok"
    assert list(columns(result)) == ["naam", "hoogte"]


@pytest.mark.parametrize("content", [b"[1, 2, 3]", b'{"a": 1, "b": [1, 2]}', b'"just text"', b"[]"])
def test_json_that_is_not_records(tmp_path, content):
    result = profile_bytes(tmp_path, content, name="data.json")
    assert result.status == "not_tabular", result.message


def test_invalid_json_is_unreadable(tmp_path):
    result = profile_bytes(tmp_path, b'[{"a": 1}, {"a": 2', name="data.json")
    assert result.status == "failed"
    assert "not valid JSON" in result.message


# Recording, for uploaded and remote files -------------------------------------------------------


def uploaded(content: bytes, name="data.csv", **kwargs) -> Distribution:
    return DistributionFactory(
        access_url="", download_url="", file=ContentFile(content, name=name), **kwargs
    )


CSV = b"wijk,inwoners,naam\nW01,100,Noord\nW02,250,Zuid\n"


@pytest.mark.django_db
def test_a_new_upload_is_profiled_once_committed(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        distribution = uploaded(CSV)
    profile = DistributionProfile.objects.get(distribution=distribution)
    assert profile.status == Status.OK
    assert profile.row_count == 2
    assert profile.checksum == hashlib.sha256(CSV).hexdigest()
    assert profile.schema["fields"][1] == {"name": "inwoners", "type": "integer"}
    assert [c.name for c in distribution.columns.order_by("position")] == [
        "wijk",
        "inwoners",
        "naam",
    ]


@pytest.mark.django_db
def test_a_changed_file_is_profiled_again_and_owner_annotations_survive(
    django_capture_on_commit_callbacks,
):
    other = DatasetFactory(published=True)
    with django_capture_on_commit_callbacks(execute=True):
        distribution = uploaded(CSV)
    wijk = distribution.columns.get(name="wijk")
    wijk.title = {"en": "District", "nl": "Wijk"}
    wijk.description = {"en": "CBS district code."}
    wijk.concept_uri = "https://example.org/def/wijk"
    wijk.is_key = True
    wijk.references_dataset = other
    wijk.references_column = "wijkcode"
    wijk.save()
    naam = distribution.columns.get(name="naam")
    naam.title = {"en": "Name"}
    naam.save()

    # The new file moves "wijk", drops "naam" (described) and "inwoners" (not described).
    new = b"jaar,wijk\n2024,W01\n2025,W02\n2026,W03\n"
    with django_capture_on_commit_callbacks(execute=True):
        distribution.file.save("data-2.csv", ContentFile(new), save=False)
        distribution.set_file_facts()
        distribution.save()

    profile = DistributionProfile.objects.get(distribution=distribution)
    assert profile.row_count == 3
    wijk.refresh_from_db()
    assert wijk.position == 1 and wijk.present and wijk.type == "string"
    assert wijk.title == {"en": "District", "nl": "Wijk"}
    assert wijk.description == {"en": "CBS district code."}
    assert wijk.concept_uri == "https://example.org/def/wijk"
    assert wijk.is_key and wijk.references_dataset == other
    assert wijk.references_column == "wijkcode"
    naam.refresh_from_db()
    assert not naam.present and naam.title == {"en": "Name"}
    assert not distribution.columns.filter(name="inwoners").exists()


@pytest.mark.django_db
def test_an_unchanged_file_is_not_profiled_again_unless_forced():
    distribution = uploaded(CSV)
    first = profiling.profile_distribution(distribution.pk)
    profiled_at = first.profiled_at
    assert profiling.profile_distribution(distribution.pk).profiled_at == profiled_at
    assert profiling.profile_distribution(distribution.pk, force=True).profiled_at > profiled_at


@pytest.mark.django_db
def test_a_remote_file_is_downloaded_and_hashed(server):
    server.add("/data.csv", CSV, content_type="text/csv")
    distribution = DistributionFactory(download_url=server.url("/data.csv"))
    profile = profiling.profile_distribution(distribution.pk)
    assert profile.status == Status.OK
    assert profile.checksum == hashlib.sha256(CSV).hexdigest()
    assert profile.bytes_read == len(CSV)


@pytest.mark.django_db
def test_a_huge_declared_remote_file_is_refused_by_size(server, settings):
    settings.PROFILE_MAX_BYTES = 1000
    server.add(
        "/huge.csv",
        b"a,b\n1,2\n",
        content_type="text/csv",
        headers={"Content-Length": "2" + "0" * 9},
    )
    distribution = DistributionFactory(download_url=server.url("/huge.csv"))
    profile = profiling.profile_distribution(distribution.pk)
    assert profile.status == Status.TOO_LARGE
    assert "larger than" in profile.message


@pytest.mark.django_db
def test_a_remote_file_over_the_limit_without_a_length_is_cut_off(server, settings):
    settings.PROFILE_MAX_BYTES = 1000
    server.add(
        "/long.csv", b"a,b\n" + b"1,2\n" * 1000, content_type="text/csv",
        headers={"X-Test-No-Length": "1"},
    )  # fmt: skip
    profile = profiling.profile_distribution(
        DistributionFactory(download_url=server.url("/long.csv")).pk
    )
    assert profile.status == Status.TOO_LARGE


@pytest.mark.django_db
def test_an_upload_over_the_limit_is_not_read(settings):
    settings.PROFILE_MAX_BYTES = 10
    profile = profiling.profile_distribution(uploaded(CSV).pk)
    assert profile.status == Status.TOO_LARGE
    assert not profile.distribution.columns.exists()


@pytest.mark.django_db
def test_a_missing_remote_file_ends_in_a_readable_status(server):
    distribution = DistributionFactory(download_url=server.url("/gone.csv"))
    profile = profiling.profile_distribution(distribution.pk)
    assert profile.status == Status.FAILED
    assert "404" in profile.message


@pytest.mark.django_db
def test_a_server_error_is_retried_then_recorded(server):
    server.add("/busy.csv", "busy", status=503, content_type="text/plain")
    distribution = DistributionFactory(download_url=server.url("/busy.csv"))
    with pytest.raises(profiling.Transient):
        profiling.profile_distribution(distribution.pk, final=False)
    # In-process the task gives up at once and says why.
    profile_task.delay(distribution.pk)
    profile = DistributionProfile.objects.get(distribution=distribution)
    assert profile.status == Status.FAILED and "503" in profile.message


@pytest.mark.django_db
def test_a_format_that_is_no_table_is_not_downloaded(server):
    server.add("/report.pdf", b"%PDF-1.7", content_type="application/pdf")
    distribution = DistributionFactory(
        download_url=server.url("/report.pdf"),
        format=concept(Concept.Scheme.FILE_TYPE, "PDF"),
        media_type="application/pdf",
    )
    profile = profiling.profile_distribution(distribution.pk)
    assert profile.status == Status.NOT_TABULAR
    assert server.requests == []


@pytest.mark.django_db
def test_the_command_profiles_a_publishers_distributions(capsys):
    distribution = uploaded(CSV)
    uploaded(b"\x00\x01garbage", name="junk.csv")
    call_command("profile_distributions", publisher=distribution.dataset.publisher.slug)
    out = capsys.readouterr().out
    assert "Profiled 1 distributions: 1 profiled." in out
    call_command("profile_distributions", dataset=distribution.dataset.slug, force=True)
    assert DistributionProfile.objects.get(distribution=distribution).status == Status.OK


# Where the structure shows ------------------------------------------------------------------


def described_distribution(*, target_status=Dataset.Status.PUBLISHED, **dataset):
    """A profiled upload whose "wijk" column the owner described and joined to a target."""
    target = DatasetFactory(slug="wijken", status=target_status)
    distribution = uploaded(CSV, dataset=DatasetFactory(slug="bevolking", **dataset))
    profiling.profile_distribution(distribution.pk)
    Column.objects.filter(distribution=distribution, name="wijk").update(
        title={"en": "District"},
        description={"en": "The district code."},
        concept_uri="https://example.org/def/wijk",
        is_key=True,
        references_dataset=target,
        references_column="wijkcode",
    )
    return distribution


def schema_url(distribution) -> str:
    return f"/datasets/{distribution.dataset.slug}/distributions/{distribution.uuid}/schema.json"


@pytest.mark.django_db
def test_schema_json_merges_profile_and_owner_words(client):
    distribution = described_distribution(published=True)
    response = client.get(schema_url(distribution))
    assert response.status_code == 200
    schema = response.json()
    assert [f["name"] for f in schema["fields"]] == ["wijk", "inwoners", "naam"]
    assert schema["fields"][0] == {
        "name": "wijk",
        "type": "string",
        "title": "District",
        "description": "The district code.",
        "rdfType": "https://example.org/def/wijk",
    }
    assert schema["primaryKey"] == ["wijk"]
    assert schema["foreignKeys"] == [
        {
            "fields": "wijk",
            "reference": {
                "resource": settings.SITE_URL + "/datasets/wijken/",
                "fields": "wijkcode",
            },
        }
    ]


@pytest.mark.django_db
def test_schema_json_does_not_leak_drafts(client, alice, publisher):
    distribution = described_distribution(publisher=publisher)  # a draft
    assert client.get(schema_url(distribution)).status_code == 404
    client.force_login(alice)
    assert client.get(schema_url(distribution)).status_code == 200


@pytest.mark.django_db
def test_schema_json_leaves_out_a_join_to_a_draft(client):
    distribution = described_distribution(published=True, target_status=Dataset.Status.DRAFT)
    schema = client.get(schema_url(distribution)).json()
    assert "foreignKeys" not in schema
    assert "wijken" not in json.dumps(schema)


@pytest.mark.django_db
def test_schema_json_is_404_until_profiled(client):
    distribution = DistributionFactory(dataset=DatasetFactory(published=True))
    assert client.get(schema_url(distribution)).status_code == 404


@pytest.mark.django_db
def test_dataset_page_shows_the_structure(client):
    distribution = described_distribution(published=True)
    uploaded(b"<html><body>no</body></html>", name="page.csv", dataset=distribution.dataset)
    html = client.get(distribution.dataset.get_absolute_url()).content.decode()
    section = html[html.index('id="structure"') :]
    assert "<code>wijk</code>" in section and "District" in section
    assert 'href="https://example.org/def/wijk"' in section
    assert 'href="/datasets/wijken/"' in section
    assert schema_url(distribution) in section
    assert "whole number" in section and "100 – 250" in section


@pytest.mark.django_db
def test_dataset_page_hides_a_join_to_a_draft(client):
    distribution = described_distribution(published=True, target_status=Dataset.Status.DRAFT)
    html = client.get(distribution.dataset.get_absolute_url()).content.decode()
    assert "/datasets/wijken/" not in html


@pytest.mark.django_db
def test_dataset_page_query_count_does_not_grow_with_profiles(
    client, django_assert_max_num_queries
):
    dataset = DatasetFactory(published=True)
    profiling.profile_distribution(uploaded(CSV, dataset=dataset).pk)
    with django_assert_max_num_queries(40) as few:
        client.get(dataset.get_absolute_url())
    for _ in range(3):
        profiling.profile_distribution(uploaded(CSV, dataset=dataset).pk)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(dataset.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_rest_api_exposes_the_structure(client):
    distribution = described_distribution(published=True)
    data = client.get(f"/api/v1/datasets/{distribution.dataset.slug}/").json()
    structure = data["distributions"][0]["structure"]
    assert structure["status"] == "ok"
    assert structure["row_count"] == 2 and structure["delimiter"] == ","
    assert structure["schema_url"].endswith(schema_url(distribution))
    wijk = structure["columns"][0]
    assert wijk["name"] == "wijk" and wijk["title"] == {"en": "District"}
    assert wijk["is_key"] and wijk["joins_dataset"] == "wijken"
    assert structure["columns"][1]["stats"]["min"] == 100


@pytest.mark.django_db
def test_rest_api_does_not_name_a_draft_join(client):
    distribution = described_distribution(published=True, target_status=Dataset.Status.DRAFT)
    data = client.get(f"/api/v1/datasets/{distribution.dataset.slug}/").json()
    assert data["distributions"][0]["structure"]["columns"][0]["joins_dataset"] is None


@pytest.mark.django_db
def test_dcat_conforms_to_the_schema_with_concepts_and_relations(client):
    distribution = described_distribution(published=True)
    turtle = client.get(f"/datasets/{distribution.dataset.slug}.ttl").content.decode()
    assert f"<{settings.SITE_URL}{schema_url(distribution)}> a dct:Standard" in turtle
    assert "csvw:Schema" in turtle
    assert "dct:subject <https://example.org/def/wijk>" in turtle
    assert 'csvw:primaryKey "wijk"' in turtle
    assert f"dct:relation <{settings.SITE_URL}/datasets/wijken/>" in turtle


@pytest.mark.django_db
def test_dcat_leaves_out_a_join_to_a_draft(client):
    distribution = described_distribution(published=True, target_status=Dataset.Status.DRAFT)
    turtle = client.get(f"/datasets/{distribution.dataset.slug}.ttl").content.decode()
    assert "/datasets/wijken/" not in turtle
    assert "csvw:foreignKey" not in turtle


@pytest.mark.django_db
def test_editors_describe_their_columns_in_the_admin(client, alice, bob, publisher):
    distribution = described_distribution(publisher=publisher)
    url = f"/admin/catalog/distribution/{distribution.pk}/change/"
    alice.is_staff = bob.is_staff = True
    alice.save()
    bob.save()
    client.force_login(alice)
    page = client.get(url).content.decode()
    assert "columns-0-concept_uri" in page and "Profiled" in page
    client.force_login(bob)
    assert client.get(url).status_code in (302, 403, 404)
