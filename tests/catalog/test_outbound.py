import socket

import httpx
import pytest
from django.utils import translation

from catalog import outbound
from catalog.outbound import OutboundError, fetch
from tests.localserver import LocalServer


@pytest.fixture(autouse=True)
def _english():
    # Messages are asserted in English, whatever an earlier test left active.
    with translation.override("en"):
        yield


@pytest.fixture
def server():
    server = LocalServer()
    yield server
    server.close()


@pytest.fixture
def public_dns(monkeypatch):
    """data.example.org resolves to a public address; other names resolve as usual."""
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host == "data.example.org":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_fetch_returns_body_and_sends_user_agent_naming_the_portal(server, settings):
    server.add("/data.ttl", "<a:b> <a:c> <a:d> .")

    response = fetch(server.url("/data.ttl"))

    assert response.ok
    assert response.content == b"<a:b> <a:c> <a:d> ."
    assert response.content_type == "text/turtle"
    user_agent = server.requests[0][1]["User-Agent"]
    assert settings.SITE_NAME in user_agent
    assert settings.SITE_URL in user_agent


def test_fetch_follows_redirects_when_allowed(server):
    server.add("/old", b"", status=302, headers={"Location": "/new"})
    server.add("/new", "moved here", content_type="text/plain")

    response = fetch(server.url("/old"))

    assert response.content == b"moved here"
    assert response.url == server.url("/new")


def test_fetch_returns_error_statuses_for_the_caller_to_judge(server):
    response = fetch(server.url("/missing"))

    assert response.status_code == 404
    assert not response.ok


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://10.1.2.3/catalog.ttl",
        "http://192.168.1.1/",
        "http://172.16.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[fe80::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "http://localhost/",
    ],
)
def test_fetch_refuses_private_addresses_unless_allowed(settings, url):
    settings.OUTBOUND_ALLOW_PRIVATE = False

    with pytest.raises(OutboundError, match="Refused to connect"):
        fetch(url)


def test_fetch_refuses_a_local_server_that_tests_otherwise_reach(server, settings):
    server.add("/data.ttl", "x")
    settings.OUTBOUND_ALLOW_PRIVATE = False

    with pytest.raises(OutboundError, match="Refused"):
        fetch(server.url("/data.ttl"))
    assert server.requests == []


def test_fetch_connects_to_the_checked_address_with_the_original_host(settings, public_dns):
    settings.OUTBOUND_ALLOW_PRIVATE = False
    seen = []

    def handler(request):
        seen.append((str(request.url), request.headers["Host"]))
        return httpx.Response(200, text="ok")

    response = fetch("http://data.example.org/catalog.ttl", transport=httpx.MockTransport(handler))

    assert response.content == b"ok"
    assert seen == [("http://93.184.216.34/catalog.ttl", "data.example.org")]
    assert response.url == "http://data.example.org/catalog.ttl"


@pytest.mark.parametrize(
    "location", ["http://10.0.0.5/secret", "http://127.0.0.1:6379/", "http://[::1]/"]
)
def test_fetch_refuses_a_redirect_to_a_private_address(settings, public_dns, location):
    settings.OUTBOUND_ALLOW_PRIVATE = False
    requests = []

    def handler(request):
        requests.append(request)
        return httpx.Response(302, headers={"Location": location})

    with pytest.raises(OutboundError, match="Refused"):
        fetch("http://data.example.org/catalog.ttl", transport=httpx.MockTransport(handler))
    assert len(requests) == 1


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.org/data.csv", "gopher://example.org/", "data.ttl"]
)
def test_fetch_refuses_other_schemes(url):
    with pytest.raises(OutboundError, match="Only http and https"):
        fetch(url)


def test_fetch_refuses_a_redirect_to_another_scheme(server):
    server.add("/sneaky", b"", status=301, headers={"Location": "file:///etc/passwd"})

    with pytest.raises(OutboundError, match="Only http and https"):
        fetch(server.url("/sneaky"))


def test_fetch_stops_endless_redirects(server):
    server.add("/a", b"", status=302, headers={"Location": "/b"})
    server.add("/b", b"", status=302, headers={"Location": "/a"})

    with pytest.raises(OutboundError, match="Too many redirects"):
        fetch(server.url("/a"), max_redirects=3)
    assert len(server.requests) == 4


def test_fetch_refuses_a_body_over_the_limit_by_declared_length(server):
    server.add("/big", b"x" * 5000)

    with pytest.raises(OutboundError, match="larger than the limit"):
        fetch(server.url("/big"), max_bytes=1000)


def test_fetch_refuses_a_body_over_the_limit_while_streaming(server):
    server.add("/big", b"x" * 200_000, headers={"X-Test-No-Length": "1"})

    with pytest.raises(OutboundError, match="larger than the limit"):
        fetch(server.url("/big"), max_bytes=1000)


def test_fetch_counts_the_decompressed_size(settings):
    import gzip

    body = gzip.compress(b"0" * 100_000)

    def handler(request):
        return httpx.Response(200, content=body, headers={"Content-Encoding": "gzip"})

    with pytest.raises(OutboundError, match="larger than the limit"):
        fetch("http://data.example.org/", max_bytes=10_000, transport=httpx.MockTransport(handler))


def test_fetch_honours_the_timeout(server):
    server.add("/slow", "late", headers={"X-Test-Delay": "1.5"})

    with pytest.raises(OutboundError, match="did not answer in time"):
        fetch(server.url("/slow"), timeout=0.3)


def test_fetch_reports_an_unresolvable_host(settings, monkeypatch):
    settings.OUTBOUND_ALLOW_PRIVATE = False

    def getaddrinfo(*args, **kwargs):
        raise socket.gaierror(-2, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)

    with pytest.raises(OutboundError, match="Cannot resolve host"):
        fetch("http://no-such-host.example/")


def test_user_agent_names_the_site(settings):
    settings.SITE_NAME = "Datakring"
    settings.SITE_URL = "https://data.example.nl"

    assert outbound.user_agent() == "Datakring/1.0 (+https://data.example.nl)"
