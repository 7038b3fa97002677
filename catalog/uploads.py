"""Checks on uploaded distribution files: a size limit and a type check on name and content."""

from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# Extension -> the bytes a file of that type starts with (None: text, checked separately).
ALLOWED_TYPES: dict[str, tuple[bytes, ...] | None] = {
    "csv": None,
    "tsv": None,
    "txt": None,
    "json": None,
    "geojson": None,
    "jsonld": None,
    "xml": None,
    "rdf": None,
    "ttl": None,
    "nt": None,
    "gml": None,
    "kml": None,
    "md": None,
    "xlsx": (b"PK\x03\x04",),
    "ods": (b"PK\x03\x04",),
    "zip": (b"PK\x03\x04", b"PK\x05\x06"),
    "gpkg": (b"SQLite format 3\x00",),
    "parquet": (b"PAR1",),
    "pdf": (b"%PDF-",),
    "xls": (b"\xd0\xcf\x11\xe0",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
}
SNIFF_BYTES = 8192


def validate_upload(file) -> None:
    """Refuse files over UPLOAD_MAX_BYTES and files whose content does not match their name."""
    if getattr(file, "_committed", False) and not hasattr(file, "content_type"):
        return  # an already stored file: checked when it was uploaded
    limit = settings.UPLOAD_MAX_BYTES
    if file.size > limit:
        raise ValidationError(
            _("The file is %(size)s; files may be at most %(limit)s."),
            params={"size": filesizeformat(file.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    extension = PurePath(file.name).suffix.lower().lstrip(".")
    if extension not in ALLOWED_TYPES:
        raise ValidationError(
            _("Files of type .%(ext)s cannot be uploaded. Allowed: %(allowed)s."),
            params={"ext": extension or "?", "allowed": ", ".join(sorted(ALLOWED_TYPES))},
            code="bad_type",
        )
    file.seek(0)
    head = file.read(SNIFF_BYTES)
    file.seek(0)
    signatures = ALLOWED_TYPES[extension]
    if signatures is None:
        if b"\x00" in head or _looks_like_html(head):
            raise ValidationError(
                _("This file does not look like a .%(ext)s text file."),
                params={"ext": extension},
                code="bad_content",
            )
    elif not head.startswith(signatures):
        raise ValidationError(
            _("The content of this file does not match its .%(ext)s name."),
            params={"ext": extension},
            code="bad_content",
        )


def _looks_like_html(head: bytes) -> bool:
    # Served back from our own domain, an HTML file could run script as the portal.
    start = head.lstrip()[:64].lower()
    return start.startswith((b"<!doctype html", b"<html", b"<script"))


IMAGE_MAX_BYTES = 2 * 1024 * 1024
IMAGE_TYPES = {
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "webp": (b"RIFF",),
}


def validate_image(file) -> None:
    """Refuse images over 2 MB and anything that is not a PNG, JPEG or WebP file.

    SVG is refused on purpose: served from the portal's domain it could carry script.
    """
    if getattr(file, "_committed", False) and not hasattr(file, "content_type"):
        return
    if file.size > IMAGE_MAX_BYTES:
        raise ValidationError(
            _("The image is %(size)s; images may be at most %(limit)s."),
            params={"size": filesizeformat(file.size), "limit": filesizeformat(IMAGE_MAX_BYTES)},
            code="too_large",
        )
    extension = PurePath(file.name).suffix.lower().lstrip(".")
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if extension not in IMAGE_TYPES or not head.startswith(IMAGE_TYPES[extension]):
        raise ValidationError(_("Upload a PNG, JPEG or WebP image."), code="bad_type")
    if extension == "webp" and head[8:12] != b"WEBP":
        raise ValidationError(_("Upload a PNG, JPEG or WebP image."), code="bad_type")
