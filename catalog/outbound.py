"""Outbound HTTP: the only way the portal fetches other people's URLs (harvesting, link checks).

Every request goes to a public http(s) address only. The host name is resolved once, every
address it resolves to is checked, and the connection is then made to the checked address
(the URL keeps its host name for the Host header and TLS), so a second DNS answer cannot
send it elsewhere. Redirects are followed by hand so that every hop is checked the same
way. settings.OUTBOUND_ALLOW_PRIVATE lifts the address check for tests and intranets.
Responses are read in chunks up to a size limit, within connect/read timeouts and an
overall deadline.
"""

import hashlib
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


# Link checks ------------------------------------------------------------------------------


def probe_client(timeout: float = 10.0) -> httpx.Client:
    """A client for probe(); a thread that checks many links keeps one to reuse connections."""
    return httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False)


def probe(
    url: str,
    *,
    client: httpx.Client | None = None,
    timeout: float = 10.0,
    deadline: float = 30.0,
    max_redirects: int = 10,
    sample_bytes: int = 1024,
) -> Response:
    """Ask whether `url` answers, as cheaply as possible, and return the final response.

    HEAD first; when the server refuses HEAD (any 4xx or 5xx answer, as many do for HEAD
    only) a GET that reads at most `sample_bytes` and then hangs up. Redirects are followed
    hop by hop with the same address checks as fetch(); Response.url is the final URL.
    Raises OutboundError (a message for people) for refused addresses, network errors,
    timeouts, redirect loops and too many redirects. Headers ask for no compression, so
    Content-Length is the size of the file itself.
    """
    ends_at = time.monotonic() + deadline
    own_client = client is None
    client = client or probe_client(timeout)
    try:
        response = _probe_once(client, "HEAD", url, max_redirects, sample_bytes, ends_at)
        if response.status_code >= 400:
            response = _probe_once(client, "GET", url, max_redirects, sample_bytes, ends_at)
        return response
    finally:
        if own_client:
            client.close()


def _probe_once(client, method, url, max_redirects, sample_bytes, ends_at) -> Response:
    current = check_url(url)
    seen = {str(current)}
    headers = {"User-Agent": user_agent(), "Accept": "*/*", "Accept-Encoding": "identity"}
    for _hop in range(max_redirects + 1):
        if time.monotonic() > ends_at:
            raise OutboundError(_("%(url)s did not answer in time.") % {"url": current})
        target, extra_headers, extensions = _pinned(current)
        request = client.build_request(
            method, target, headers={**headers, **extra_headers}, extensions=extensions
        )
        try:
            response = client.send(request, stream=True)
        except httpx.TimeoutException:
            raise OutboundError(_("%(url)s did not answer in time.") % {"url": current}) from None
        except httpx.HTTPError as exc:
            raise OutboundError(
                _("Could not fetch %(url)s: %(error)s") % {"url": current, "error": exc}
            ) from None
        try:
            location = response.headers.get("location")
            if response.status_code in REDIRECT_STATUSES and location:
                current = check_url(str(current.join(location)))
                if str(current) in seen:
                    raise OutboundError(_("%(url)s redirects in a loop.") % {"url": url})
                seen.add(str(current))
                continue
            content = b"" if method == "HEAD" else _sample(response, current, sample_bytes)
            return Response(str(current), response.status_code, response.headers, content)
        finally:
            response.close()
    raise OutboundError(_("Too many redirects from %(url)s.") % {"url": url})


def _sample(response: httpx.Response, url: httpx.URL, size: int) -> bytes:
    """The first `size` bytes of the body; the rest is never downloaded."""
    sample = b""
    try:
        for chunk in response.iter_raw():
            sample += chunk
            if len(sample) >= size:
                break
    except httpx.TimeoutException:
        raise OutboundError(_("%(url)s did not answer in time.") % {"url": url}) from None
    except httpx.HTTPError as exc:
        raise OutboundError(
            _("Could not read %(url)s: %(error)s") % {"url": url, "error": exc}
        ) from None
    return sample[:size]


# Downloads to a file (structure profiling) ------------------------------------------------


class TooLarge(OutboundError):
    """The body is larger than the limit (declared or counted)."""


class Unavailable(OutboundError):
    """A failure that may pass: a timeout, a network error, a 5xx or 429 answer."""


@dataclass
class Download:
    url: str
    headers: httpx.Headers
    size: int
    sha256: str

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def download(
    url: str,
    destination,
    *,
    max_bytes: int,
    timeout: float = 20.0,
    deadline: float = 600.0,
    max_redirects: int = 5,
    transport: httpx.BaseTransport | None = None,
) -> Download:
    """Stream `url` into the binary file `destination`, hashing it with SHA-256 on the way.

    The same address checks and hand-followed redirects as fetch(), but the body goes to a
    file, so large files never sit in memory. Raises TooLarge beyond `max_bytes` (as
    declared by Content-Length, or counted after decompression), Unavailable for errors
    worth retrying later, and OutboundError for the rest (refused, 4xx, bad address).
    """
    started = time.monotonic()
    current = check_url(url)
    headers = {"User-Agent": user_agent(), "Accept": "*/*", "Accept-Encoding": "gzip, deflate"}
    with httpx.Client(
        transport=transport, timeout=timeout, follow_redirects=False, trust_env=False
    ) as client:
        for _hop in range(max_redirects + 1):
            target, extra_headers, extensions = _pinned(current)
            request = client.build_request(
                "GET", target, headers={**headers, **extra_headers}, extensions=extensions
            )
            try:
                response = client.send(request, stream=True)
            except httpx.TimeoutException:
                raise Unavailable(_("%(url)s did not answer in time.") % {"url": current}) from None
            except httpx.HTTPError as exc:
                raise Unavailable(
                    _("Could not fetch %(url)s: %(error)s") % {"url": current, "error": exc}
                ) from None
            try:
                location = response.headers.get("location")
                if response.status_code in REDIRECT_STATUSES and location:
                    current = check_url(str(current.join(location)))
                    continue
                if not 200 <= response.status_code < 300:
                    transient = response.status_code == 429 or response.status_code >= 500
                    error = Unavailable if transient else OutboundError
                    raise error(
                        _("%(url)s answered with HTTP status %(status)s.")
                        % {"url": current, "status": response.status_code}
                    )
                size, digest = _write(response, current, destination, max_bytes, started + deadline)
                return Download(str(current), response.headers, size, digest)
            finally:
                response.close()
    raise OutboundError(_("Too many redirects from %(url)s.") % {"url": url})


def _write(response, url, destination, max_bytes: int, ends_at: float) -> tuple[int, str]:
    too_large = TooLarge(
        _("%(url)s is larger than the limit of %(limit)s bytes.") % {"url": url, "limit": max_bytes}
    )
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_large
    digest = hashlib.sha256()
    size = 0
    try:
        for chunk in response.iter_bytes(1 << 16):
            size += len(chunk)
            if size > max_bytes:
                raise too_large
            if time.monotonic() > ends_at:
                raise Unavailable(_("%(url)s took too long to download.") % {"url": url})
            digest.update(chunk)
            destination.write(chunk)
    except httpx.TimeoutException:
        raise Unavailable(_("%(url)s did not answer in time.") % {"url": url}) from None
    except httpx.HTTPError as exc:
        raise Unavailable(
            _("Could not read %(url)s: %(error)s") % {"url": url, "error": exc}
        ) from None
    return size, digest.hexdigest()
