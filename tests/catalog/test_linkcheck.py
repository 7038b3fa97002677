import datetime
import socket
import threading
import time
from io import StringIO

import httpx
import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from catalog import linkcheck
from catalog.models import Concept, Dataset, LinkCheck
from catalog.tasks import check_all_links, check_link
from portal.celery import app as celery_app
from tests.factories import DatasetFactory, DistributionFactory, concept
from tests.localserver import LocalServer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def server():
    server = LocalServer()
    yield server
    server.close()


@pytest.fixture
def csv_format():
    fmt = concept(Concept.Scheme.FILE_TYPE, "CSV")
    fmt.media_type, fmt.extensions = "text/csv", "csv"
    fmt.save()
    return fmt


def remote(url, **kwargs):
    return DistributionFactory(access_url=url, download_url=url, **kwargs)


def check(distribution, *, now=None) -> LinkCheck:
    return linkcheck.record(distribution, linkcheck.check_distribution(distribution), now=now)


# One link, every outcome ------------------------------------------------------------------


def test_a_working_link_is_ok_with_what_it_serves(server, csv_format):
    server.add("/trees.csv", "id;species\n1;oak\n", content_type="text/csv; charset=utf-8")
    distribution = remote(server.url("/trees.csv"), format=csv_format, media_type="text/csv")

    result = check(distribution)

    assert result.status == LinkCheck.Status.OK
    assert result.http_status == 200
    assert result.content_type == "text/csv"
    assert result.content_length == len("id;species\n1;oak\n")
    assert result.final_url == server.url("/trees.csv")
    assert result.format_matches is True and result.media_type_matches is True
    assert result.last_success_at == result.checked_at
    assert result.consecutive_failures == 0
    assert server.methods == ["HEAD"]  # no body fetched when HEAD works


@pytest.mark.parametrize(
    ("status", "words"),
    [(404, "not there"), (410, "not there"), (500, "server has a problem"), (403, "refuses")],
)
def test_an_error_status_is_a_failure_in_plain_words(server, status, words):
    server.add("/gone.csv", "", status=status)
    distribution = remote(server.url("/gone.csv"))

    result = check(distribution)

    assert result.http_status == status
    assert words in result.reason and str(status) in result.reason
    assert result.consecutive_failures == 1
    assert result.first_failure_at == result.checked_at
    # One failure is not enough to call a link broken.
    assert result.status == LinkCheck.Status.UNKNOWN


def test_a_slow_server_times_out(server, settings):
    settings.LINKCHECK_TIMEOUT = 1
    server.add("/slow.csv", "a,b", headers={"X-Test-Delay": "3"})

    result = check(remote(server.url("/slow.csv")))

    assert result.http_status is None
    assert "did not answer in time" in result.reason
    assert result.consecutive_failures == 1


def test_redirects_are_followed_and_the_final_url_recorded(server, csv_format):
    server.add("/old.csv", b"", status=301, headers={"Location": "/new.csv"})
    server.add("/new.csv", "a,b", content_type="text/csv")

    result = check(remote(server.url("/old.csv"), format=csv_format))

    assert result.status == LinkCheck.Status.OK
    assert result.url == server.url("/old.csv")
    assert result.final_url == server.url("/new.csv")


def test_a_redirect_loop_is_a_failure(server):
    server.add("/a", b"", status=302, headers={"Location": "/b"})
    server.add("/b", b"", status=302, headers={"Location": "/a"})

    result = check(remote(server.url("/a")))

    assert result.status != LinkCheck.Status.OK
    assert "redirects in a loop" in result.reason


def test_private_addresses_are_refused_unless_allowed(server, settings):
    settings.OUTBOUND_ALLOW_PRIVATE = False
    server.add("/data.csv", "a,b")

    result = check(remote(server.url("/data.csv")))

    assert "Refused to connect" in result.reason
    assert result.consecutive_failures == 1
    assert server.requests == []


def test_a_redirect_to_a_private_address_is_refused(settings, monkeypatch):
    settings.OUTBOUND_ALLOW_PRIVATE = False
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host == "data.example.org":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    asked = []

    def handler(request):
        asked.append(str(request.url))
        return httpx.Response(302, headers={"Location": "http://169.254.169.254/latest/"})

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        result = linkcheck.check_url("http://data.example.org/data.csv", client=client)

    assert not result.ok
    assert "Refused to connect" in result.reason
    assert asked == ["http://93.184.216.34/data.csv"]


def test_other_schemes_are_not_checked(server):
    distribution = remote("ftp://ftp.example.org/data.csv")

    result = check(distribution)

    assert result.status == LinkCheck.Status.UNKNOWN
    assert "Only http and https" in result.reason
    assert result.consecutive_failures == 0


def test_a_server_refusing_head_gets_a_short_get(server, csv_format):
    body = b"x" * 100_000
    server.add("/big.csv", body, content_type="text/csv", head_status=405)

    result = check(remote(server.url("/big.csv"), format=csv_format))

    assert result.status == LinkCheck.Status.OK
    assert server.methods == ["HEAD", "GET"]
    assert result.content_length == len(body)  # from the header, not by downloading it


def test_a_wrong_content_type_is_recorded_but_the_link_works(server, csv_format):
    server.add("/data.csv", "<html>Log in</html>", content_type="text/html")

    result = check(remote(server.url("/data.csv"), format=csv_format, media_type="text/csv"))

    assert result.status == LinkCheck.Status.OK
    assert result.content_type == "text/html"
    assert result.format_matches is False
    assert result.media_type_matches is False


def test_a_generic_content_type_is_judged_by_the_file_name(server, csv_format):
    server.add("/export.csv", "a,b", content_type="application/octet-stream")

    result = check(remote(server.url("/export.csv"), format=csv_format, media_type="text/csv"))

    assert result.format_matches is True and result.media_type_matches is True


def test_an_access_url_page_is_not_judged_against_the_format(server, csv_format):
    server.add("/about", "<html></html>", content_type="text/html")
    distribution = DistributionFactory(
        access_url=server.url("/about"), download_url="", format=csv_format
    )

    result = check(distribution)

    assert result.status == LinkCheck.Status.OK
    assert result.format_matches is None and result.media_type_matches is None


def test_uploaded_files_are_checked_in_storage_without_http(csv_format):
    distribution = DistributionFactory.build(
        dataset=DatasetFactory(),
        access_url="",
        download_url="",
        format=csv_format,
        media_type="text/csv",
    )
    distribution.file.save("trees.csv", ContentFile(b"a,b\n1,2\n"))

    result = check(distribution)
    assert result.status == LinkCheck.Status.OK
    assert result.content_length == 8
    assert result.format_matches is True

    distribution.file.storage.delete(distribution.file.name)
    result = check(distribution)
    assert "missing" in result.reason
    assert result.consecutive_failures == 1


# The rule: broken only after repeated failures over more than a day -----------------------


def test_broken_only_after_failures_over_more_than_a_day(server, settings):
    settings.LINKCHECK_BROKEN_AFTER_FAILURES = 2
    settings.LINKCHECK_BROKEN_AFTER_HOURS = 24
    server.add("/data.csv", "a,b", content_type="text/csv")
    distribution = remote(server.url("/data.csv"))
    start = timezone.now()
    assert check(distribution, now=start).status == LinkCheck.Status.OK

    server.add("/data.csv", "", status=500)
    assert check(distribution, now=start + datetime.timedelta(hours=1)).status == "ok"
    after_hours = check(distribution, now=start + datetime.timedelta(hours=20))
    assert after_hours.status == LinkCheck.Status.OK  # failing, but not for a day yet
    assert after_hours.consecutive_failures == 2

    broken = check(distribution, now=start + datetime.timedelta(hours=26))
    assert broken.status == LinkCheck.Status.BROKEN
    assert broken.consecutive_failures == 3
    assert broken.first_failure_at == start + datetime.timedelta(hours=1)
    assert broken.last_success_at == start

    server.add("/data.csv", "a,b", content_type="text/csv")
    recovered = check(distribution, now=start + datetime.timedelta(hours=30))
    assert recovered.status == LinkCheck.Status.OK
    assert recovered.consecutive_failures == 0 and recovered.first_failure_at is None


def test_one_failure_a_day_ago_is_not_enough(server, settings):
    settings.LINKCHECK_BROKEN_AFTER_FAILURES = 2
    server.add("/data.csv", "", status=404)
    distribution = remote(server.url("/data.csv"))
    LinkCheck.objects.create(
        distribution=distribution,
        url=distribution.download_url,
        first_failure_at=timezone.now() - datetime.timedelta(days=3),
        consecutive_failures=0,
    )

    assert check(distribution).status == LinkCheck.Status.UNKNOWN


def test_a_new_url_starts_a_new_history(server):
    server.add("/new.csv", "a,b", content_type="text/csv")
    distribution = remote(server.url("/old.csv"))
    LinkCheck.objects.create(
        distribution=distribution,
        url=distribution.download_url,
        status=LinkCheck.Status.BROKEN,
        first_failure_at=timezone.now() - datetime.timedelta(days=3),
        consecutive_failures=5,
    )
    distribution.access_url = distribution.download_url = server.url("/new.csv")
    distribution.save()

    result = check(distribution)

    assert result.status == LinkCheck.Status.OK
    assert result.url == server.url("/new.csv")
    assert LinkCheck.objects.count() == 1


# Many links -------------------------------------------------------------------------------


def test_check_many_keeps_to_the_limit_per_host(server):
    lock, running, most = threading.Lock(), [0], [0]

    def slow(query):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= 1
        return 200, {"Content-Type": "text/csv"}, b"a,b"

    server.routes["/slow.csv"] = slow
    items = [(n, server.url(f"/slow.csv?n={n}")) for n in range(12)]

    results = dict(linkcheck.check_many(items, workers=8, per_host=2, delay=0))

    assert sorted(results) == list(range(12))
    assert all(result.ok for result in results.values())
    assert most[0] <= 2


def test_host_slots_are_shared_through_the_cache(settings):
    settings.LINKCHECK_HOST_CONCURRENCY = 2
    settings.LINKCHECK_HOST_DELAY_MS = 0
    first = linkcheck.claim_host_slot("data.example.org")
    second = linkcheck.claim_host_slot("data.example.org")

    assert first and second and first != second
    assert linkcheck.claim_host_slot("data.example.org") is None
    assert linkcheck.claim_host_slot("other.example.org") is not None
    linkcheck.release_host_slot(first)
    assert linkcheck.claim_host_slot("data.example.org") == first


def test_fan_out_spreads_one_hosts_links_over_time(settings):
    settings.LINKCHECK_HOST_CONCURRENCY = 2
    settings.LINKCHECK_HOST_DELAY_MS = 1000
    for n in range(5):
        remote(f"https://one.example.org/{n}.csv")
    remote("https://two.example.org/0.csv")

    plan = linkcheck.fan_out_plan(linkcheck.distributions_to_check())

    assert [countdown for _pk, countdown in plan] == [0, 0, 1, 1, 2, 0]


# Tasks, the signal and the commands -------------------------------------------------------


def test_the_task_records_a_check(server):
    server.add("/data.csv", "a,b", content_type="text/csv")
    distribution = remote(server.url("/data.csv"))

    check_link.delay(distribution.pk)
    check_link.delay(distribution.pk + 1000)  # gone since it was queued: nothing happens

    assert LinkCheck.objects.get(distribution=distribution).status == LinkCheck.Status.OK


def test_the_task_queues_itself_again_when_the_host_is_busy(server, settings):
    settings.LINKCHECK_HOST_CONCURRENCY = 1
    server.add("/data.csv", "a,b", content_type="text/csv")
    distribution = remote(server.url("/data.csv"))
    assert linkcheck.claim_host_slot("127.0.0.1") is not None

    # Called as a worker would (not eagerly): the host is busy, so it re-queues; the
    # re-queued run happens at once here because tests run tasks eagerly.
    check_link(distribution.pk)

    assert LinkCheck.objects.get(distribution=distribution).status == LinkCheck.Status.OK
    assert len(server.requests) == 1


def test_the_nightly_task_run_in_process_checks_every_link(server):
    server.add("/ok.csv", "a,b", content_type="text/csv")
    ok = remote(server.url("/ok.csv"))
    missing = remote(server.url("/missing.csv"))
    withdrawn = remote(server.url("/ok.csv"), dataset__status=Dataset.Status.WITHDRAWN)

    assert check_all_links.delay().get() == 2

    assert LinkCheck.objects.get(distribution=ok).status == LinkCheck.Status.OK
    assert LinkCheck.objects.get(distribution=missing).consecutive_failures == 1
    assert not LinkCheck.objects.filter(distribution=withdrawn).exists()

    assert check_all_links.delay(failing_only=True).get() == 1
    assert LinkCheck.objects.get(distribution=missing).consecutive_failures == 2


def test_a_new_uploaded_file_is_checked_after_the_commit(django_capture_on_commit_callbacks):
    dataset = DatasetFactory()
    with django_capture_on_commit_callbacks(execute=True):
        distribution = DistributionFactory.build(dataset=dataset, access_url="", download_url="")
        distribution.file.save("data.csv", ContentFile(b"a,b\n"))

    assert LinkCheck.objects.get(distribution=distribution).status == LinkCheck.Status.OK


def test_in_process_a_saved_remote_link_waits_for_check_links(
    server, django_capture_on_commit_callbacks
):
    server.add("/data.csv", "a,b", content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        remote(server.url("/data.csv"))

    # Without a worker a check would hold up the request that saved; none is made.
    assert server.requests == []
    assert not LinkCheck.objects.exists()


def test_with_a_worker_a_changed_url_queues_a_check(
    django_capture_on_commit_callbacks, monkeypatch
):
    celery_app.conf.task_always_eager = False  # conftest restores it for the next test
    queued = []  # what would go to the broker
    monkeypatch.setattr(check_link, "delay", lambda *args, **kwargs: queued.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        distribution = remote("https://data.example.org/a.csv")
    assert queued == [(distribution.pk,)]

    with django_capture_on_commit_callbacks(execute=True):
        distribution.title = {"en": "Renamed"}
        distribution.save()
    assert len(queued) == 1

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        distribution.download_url = "https://data.example.org/b.csv"
        distribution.save()
        assert queued == [(distribution.pk,)]  # not before the commit
    assert callbacks and queued == [(distribution.pk,), (distribution.pk,)]


def test_check_links_command_limits_to_a_publisher_or_dataset(server, publisher):
    server.add("/ok.csv", "a,b", content_type="text/csv")
    mine = remote(server.url("/ok.csv"), dataset__publisher=publisher)
    other = remote(server.url("/ok.csv"))
    out = StringIO()

    call_command("check_links", publisher=publisher.slug, stdout=out)

    assert "Checked 1 links: 1 working, 0 broken, 0 not confirmed yet." in out.getvalue()
    assert LinkCheck.objects.filter(distribution=mine).exists()
    assert not LinkCheck.objects.filter(distribution=other).exists()

    call_command("check_links", dataset=other.dataset.slug, stdout=out)
    assert LinkCheck.objects.filter(distribution=other).exists()

    with pytest.raises(CommandError, match="No dataset"):
        call_command("check_links", dataset="nope")


# Where link health shows ------------------------------------------------------------------


def broken(distribution, reason="The server says the file is not there (HTTP 404 Not Found)."):
    return LinkCheck.objects.create(
        distribution=distribution,
        url=distribution.download_url,
        status=LinkCheck.Status.BROKEN,
        http_status=404,
        reason=reason,
        checked_at=timezone.now(),
        first_failure_at=timezone.now() - datetime.timedelta(days=2),
        consecutive_failures=3,
    )


def test_digest_goes_to_the_publishers_members_once_a_day(publisher, alice, anna, bob):
    distribution = remote("https://data.example.org/gone.csv", dataset__publisher=publisher)
    broken(distribution)
    withdrawn = remote(
        "https://data.example.org/old.csv",
        dataset__publisher=publisher,
        dataset__status=Dataset.Status.WITHDRAWN,
    )
    broken(withdrawn)
    out = StringIO()

    call_command("send_link_digest", stdout=out)

    assert "Sent 2 e-mails." in out.getvalue()
    assert sorted(m.to[0] for m in mail.outbox) == [alice.email, anna.email]
    body = mail.outbox[0].body
    assert "https://data.example.org/gone.csv" in body
    assert "not there" in body
    assert "old.csv" not in body
    assert f"/admin/catalog/distribution/{distribution.pk}/change/" in body

    call_command("send_link_digest", stdout=out)
    assert len(mail.outbox) == 2


def test_no_digest_without_broken_links(publisher, alice):
    LinkCheck.objects.create(distribution=remote("https://data.example.org/a.csv"))

    call_command("send_link_digest", stdout=StringIO())

    assert mail.outbox == []


def test_dataset_page_shows_link_status_in_words(client):
    dataset = DatasetFactory(published=True)
    working = remote("https://data.example.org/a.csv", dataset=dataset)
    LinkCheck.objects.create(
        distribution=working,
        url=working.download_url,
        status=LinkCheck.Status.OK,
        checked_at=timezone.now(),
        last_success_at=timezone.now(),
    )
    broken(remote("https://data.example.org/b.csv", dataset=dataset), reason="Gone for good.")
    remote("https://data.example.org/c.csv", dataset=dataset)

    page = client.get(dataset.get_absolute_url()).content.decode()

    assert "<strong>working</strong>" in page
    assert "<strong>broken</strong>" in page and "Gone for good." in page
    assert "<strong>not checked yet</strong>" in page


def test_rest_api_and_ckan_api_show_link_health(client):
    dataset = DatasetFactory(published=True)
    distribution = remote("https://data.example.org/b.csv", dataset=dataset)
    broken(distribution, reason="Gone for good.")
    unchecked = remote("https://data.example.org/c.csv", dataset=dataset)

    link = client.get(f"/api/v1/distributions/{distribution.uuid}/").json()["link"]
    assert link["status"] == "broken"
    assert link["http_status"] == 404 and link["reason"] == "Gone for good."
    assert link["consecutive_failures"] == 3
    assert client.get(f"/api/v1/distributions/{unchecked.uuid}/").json()["link"]["status"] == (
        "unknown"
    )

    resources = client.get(f"/api/3/action/package_show?id={dataset.slug}").json()["result"][
        "resources"
    ]
    by_id = {r["id"]: r for r in resources}
    assert by_id[str(distribution.uuid)]["link_status"] == "broken"
    assert by_id[str(distribution.uuid)]["link_http_status"] == 404
    assert by_id[str(distribution.uuid)]["link_checked"]
    assert by_id[str(unchecked.uuid)]["link_status"] == "unknown"
    shown = client.get(f"/api/3/action/resource_show?id={distribution.uuid}").json()["result"]
    assert shown["link_status"] == "broken"


def test_admin_filters_broken_links_per_publisher(client, manager, publisher, other_publisher):
    mine = remote("https://data.example.org/mine.csv", dataset__publisher=publisher)
    theirs = remote("https://data.example.org/theirs.csv", dataset__publisher=other_publisher)
    broken(mine, reason="Gone for good.")
    broken(theirs)
    fine = remote("https://data.example.org/fine.csv", dataset__publisher=publisher)
    client.force_login(manager)

    url = "/admin/catalog/distribution/"
    listed = client.get(url, {"link": "broken", "dataset__publisher__id__exact": publisher.pk})

    assert listed.status_code == 200
    shown = {d.pk for d in listed.context["cl"].result_list}
    assert shown == {mine.pk}
    assert "Gone for good." in listed.content.decode()
    unchecked = client.get(url, {"link": "unknown"}).context["cl"].result_list
    assert {d.pk for d in unchecked} == {fine.pk}

    page = client.get(f"{url}{mine.pk}/change/").content.decode()
    assert "Link health" in page and "Consecutive failures" in page


def test_the_demo_shows_its_files_working_without_network(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=StringIO())

    checks = LinkCheck.objects.select_related("distribution")
    assert checks.exists()
    assert all(c.distribution.file for c in checks)  # remote links wait for check_links
    assert {c.status for c in checks} == {LinkCheck.Status.OK}
