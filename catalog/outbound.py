"""Outbound HTTP: the only way the portal fetches other people's URLs (harvesting, link checks).

Every request goes to a public http(s) address only. The host name is resolved once, every
address it resolves to is checked, and the connection is then made to the checked address
(the URL keeps its host name for the Host header and TLS), so a second DNS answer cannot
send it elsewhere. Redirects are followed by hand so that every hop is checked the same
way. settings.OUTBOUND_ALLOW_PRIVATE lifts the address check for tests and intranets.
Responses are read in chunks up to a size limit, within connect/read timeouts and an
overall deadline.
"""

import ipaddress
import socket
import time
from dataclasses import dataclass

import httpx
from django.conf import settings
from django.utils.translation import gettext as _

REDIRECT_STATUSES = {301, 302, 303, 307, 308}
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


class OutboundError(Exception):
    """A request that was refused or failed; str() is a message for people."""


@dataclass
class Response:
    url: str
    status_code: int
    headers: httpx.Headers
    content: bytes

    @property
    def ok(self) -> bool:
        return 200 <= self.status_code < 300

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower case ("" when absent)."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def user_agent() -> str:
    return f"{settings.SITE_NAME}/1.0 (+{settings.SITE_URL})"


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_multicast
        or address.is_unspecified
    )


def _resolve(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to, all of them public, or OutboundError."""
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise OutboundError(
                _("Cannot resolve host %(host)s (%(error)s).") % {"host": host, "error": exc}
            ) from None
        addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if not addresses:
        raise OutboundError(_("Host %(host)s has no address.") % {"host": host})
    refused = [str(a) for a in addresses if not _is_public(a)]
    if refused:
        raise OutboundError(
            _(
                "Refused to connect to %(host)s (%(address)s): private, loopback, link-local "
                "and reserved addresses are not allowed."
            )
            % {"host": host, "address": ", ".join(refused)}
        )
    # IPv4 first: many hosts publish an AAAA record their network cannot route.
    return [str(a) for a in sorted(addresses, key=lambda a: a.version)]


def check_url(url: str) -> httpx.URL:
    """The parsed URL if its scheme is http(s) and it has a host, else OutboundError."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError):
        raise OutboundError(_("%(url)s is not a valid web address.") % {"url": url}) from None
    if parsed.scheme not in ("http", "https"):
        raise OutboundError(
            _("Only http and https addresses can be fetched, not %(url)s.") % {"url": url}
        )
    if not parsed.host:
        raise OutboundError(_("%(url)s has no host name.") % {"url": url})
    return parsed


def _pinned(url: httpx.URL) -> tuple[httpx.URL, dict, dict]:
    """The URL to connect to, extra headers and request extensions for one hop."""
    if settings.OUTBOUND_ALLOW_PRIVATE:
        return url, {}, {}
    port = url.port or (443 if url.scheme == "https" else 80)
    address = _resolve(url.host, port)[0]
    extensions = {"sni_hostname": url.host} if url.scheme == "https" else {}
    return url.copy_with(host=address), {"Host": url.netloc.decode("ascii")}, extensions


def fetch(
    url: str,
    *,
    method: str = "GET",
    accept: str = "*/*",
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float = 20.0,
    deadline: float = 120.0,
    max_redirects: int = 5,
    transport: httpx.BaseTransport | None = None,
) -> Response:
    """Fetch `url` safely and return the final response, whatever its status code.

    Raises OutboundError for a refused address or scheme, a network error, a timeout, too
    many redirects or a body larger than `max_bytes` (counted after decompression).
    `deadline` bounds the whole fetch in seconds, redirects and slow bodies included.
    """
    started = time.monotonic()
    current = check_url(url)
    headers = {"User-Agent": user_agent(), "Accept": accept, "Accept-Encoding": "gzip, deflate"}
    with httpx.Client(
        transport=transport, timeout=timeout, follow_redirects=False, trust_env=False
    ) as client:
        for _hop in range(max_redirects + 1):
            target, extra_headers, extensions = _pinned(current)
            request = client.build_request(
                method, target, headers={**headers, **extra_headers}, extensions=extensions
            )
            try:
                response = client.send(request, stream=True)
            except httpx.TimeoutException:
                raise OutboundError(
                    _("%(url)s did not answer in time.") % {"url": current}
                ) from None
            except httpx.HTTPError as exc:
                raise OutboundError(
                    _("Could not fetch %(url)s: %(error)s") % {"url": current, "error": exc}
                ) from None
            try:
                location = response.headers.get("location")
                if response.status_code in REDIRECT_STATUSES and location:
                    current = check_url(str(current.join(location)))
                    if response.status_code == 303:
                        method = "GET"
                    continue
                content = (
                    b""
                    if method == "HEAD"
                    else _read(response, current, max_bytes=max_bytes, ends_at=started + deadline)
                )
                return Response(str(current), response.status_code, response.headers, content)
            finally:
                response.close()
    raise OutboundError(_("Too many redirects from %(url)s.") % {"url": url})


def _read(response: httpx.Response, url: httpx.URL, *, max_bytes: int, ends_at: float) -> bytes:
    too_large = OutboundError(
        _("%(url)s is larger than the limit of %(limit)s bytes.") % {"url": url, "limit": max_bytes}
    )
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_large
    chunks = []
    size = 0
    try:
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > max_bytes:
                raise too_large
            if time.monotonic() > ends_at:
                raise OutboundError(_("%(url)s took too long to download.") % {"url": url})
            chunks.append(chunk)
    except httpx.TimeoutException:
        raise OutboundError(_("%(url)s did not answer in time.") % {"url": url}) from None
    except httpx.HTTPError as exc:
        raise OutboundError(
            _("Could not read %(url)s: %(error)s") % {"url": url, "error": exc}
        ) from None
    return b"".join(chunks)
