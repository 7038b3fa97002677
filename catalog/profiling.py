"""Dataset structure: what is inside a tabular distribution (CSV/TSV, Excel, JSON records).

profile_path() reads one file and infers its columns (type, nulls, distinct values, minimum
and maximum, examples) plus rows, delimiter and encoding. profile_distribution() runs it for
a distribution, uploaded or downloaded through catalog.outbound up to PROFILE_MAX_BYTES, and
records the result in DistributionProfile and Column without touching what owners wrote
about their columns. table_schema() merges both into the Table Schema served at schema.json.

CSV goes through pyarrow's streaming reader, one block at a time with every cell read as
text; each block is then type-checked and summarised by vectorised pyarrow.compute kernels.
Memory stays at a few blocks and the speed at hundreds of MB/s, where per-cell Python (or
frictionless, which validates row by row) manages a few. Excel and JSON rows are fed to the
same summaries in batches. Types only widen (integer to number to string) when a later block
holds a value that does not fit, so the type found holds for every row, and minimum and
maximum cover every row. Distinct values are counted exactly up to DISTINCT_CAP; beyond it
the count is a floor ("at least").
"""

import codecs
import csv
import datetime
import hashlib
import io
import json
import os
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import pyarrow as pa
import pyarrow.compute as pc
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from pyarrow import csv as pa_csv

from catalog import outbound
from catalog.models import Column, Distribution, DistributionProfile

DISTINCT_CAP = 10_000
EXAMPLES = 3
MAX_COLUMNS = 500
SAMPLE_BYTES = 64 * 1024
# Small blocks keep memory flat (about 30 MB above the baseline for any file size) at the
# same speed as 1 MB blocks.
BLOCK_BYTES = 256 * 1024
BATCH_ROWS = 10_000
DELIMITERS = [",", ";", "\t", "|"]
LATIN_CODE_PAGES = {
    "cp1250", "cp1252", "cp1254", "cp1257", "iso8859-1", "iso8859-2", "iso8859-3",
    "iso8859-4", "iso8859-9", "iso8859-13", "iso8859-15", "iso8859-16", "mac-roman",
    "mac-latin2", "cp850", "cp437",
}  # fmt: skip
# What counts as "no value" in a text file; Table Schema's missingValues says so too.
MISSING_VALUES = ["", "NA", "N/A", "n/a", "NULL", "null", "NaN", "nan", "#N/A"]
# Formats, media types and extensions worth downloading: anything else is skipped unread.
TABULAR_FORMATS = {"CSV", "TSV", "JSON", "GEOJSON", "XLSX", "XLSM", "TXT"}
TABULAR_MEDIA_TYPES = {
    "text/csv",
    "text/tab-separated-values",
    "text/plain",
    "application/json",
    "application/geo+json",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-excel.sheet.macroenabled.12",
}
TABULAR_EXTENSIONS = {"csv", "tsv", "tab", "txt", "json", "geojson", "xlsx", "xlsm"}
# Types in the order they are tried, and what each may widen to when a later value does
# not fit (anything becomes a string).
TYPES = ["integer", "number", "boolean", "date", "datetime", "string"]
WIDER = {
    None: TYPES,
    "integer": ["integer", "number", "string"],
    "number": ["number", "string"],
    "boolean": ["boolean", "string"],
    "date": ["date", "string"],
    "datetime": ["datetime", "string"],
    "string": ["string"],
}
# "007" is an identifier, not the number 7.
_LEADING_ZERO = r"^[-+]?0[0-9]"
_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_DATETIME = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}"


class NotTabular(Exception):
    """The file is readable but holds no table; str() says what it is instead."""


class Unreadable(Exception):
    """The file claims to be a table but cannot be read as one; str() says why."""


@dataclass
class Result:
    status: str  # a DistributionProfile.Status value
    message: str = ""
    encoding: str = ""
    delimiter: str = ""
    row_count: int | None = None
    bytes_read: int = 0
    columns: list[dict] = field(default_factory=list)


# Column summaries ---------------------------------------------------------------------------


def _fits(values: pa.Array, type_: str):
    """`values` (text, no nulls) as `type_`, or None when one of them is not of that type."""
    try:
        if type_ in ("integer", "number"):
            if pc.any(pc.match_substring_regex(values, _LEADING_ZERO)).as_py():
                return None
            return pc.cast(values, pa.int64() if type_ == "integer" else pa.float64())
        if type_ == "boolean":
            lowered = pc.utf8_lower(values)
            if not pc.all(pc.is_in(lowered, pa.array(["true", "false"]))).as_py():
                return None
            return pc.equal(lowered, "true")
        if type_ == "date":
            if not pc.all(pc.match_substring_regex(values, _DATE)).as_py():
                return None
            return pc.cast(values, pa.date32())
        if type_ == "datetime":
            if not pc.all(pc.match_substring_regex(values, _DATETIME)).as_py():
                return None
            try:
                return pc.cast(values, pa.timestamp("us"))
            except pa.ArrowInvalid:
                return pc.cast(values, pa.timestamp("us", tz="UTC"))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return None


def _plain(value):
    """A JSON-ready minimum or maximum."""
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value != value:
        return None
    return value


class ColumnSummary:
    """Everything profiling says about one column, built up block by block."""

    def __init__(self, name: str, position: int, rows_before: int = 0):
        self.name = name
        self.position = position
        # A column that first shows up in a later JSON record was missing before it.
        self.rows = rows_before
        self.nulls = rows_before
        self.type = None
        self.low = self.high = None
        self.min_length = self.max_length = None
        self.uniques = pa.array([], pa.string())
        self.capped = False
        self.examples: list[str] = []
        self.nested = Counter()  # JSON objects and arrays seen in this column

    def add(self, column) -> None:
        if isinstance(column, pa.ChunkedArray):
            column = column.combine_chunks()
        self.rows += len(column)
        self.nulls += column.null_count
        values = column.drop_null() if column.null_count else column
        if not len(values):
            return
        lengths = pc.min_max(pc.utf8_length(values))
        low, high = lengths["min"].as_py(), lengths["max"].as_py()
        self.min_length = low if self.min_length is None else min(self.min_length, low)
        self.max_length = high if self.max_length is None else max(self.max_length, high)
        self._count_distinct(values)
        self._infer(values)

    def _count_distinct(self, values) -> None:
        if self.capped:
            return
        uniques = pc.unique(values)
        if len(self.examples) < EXAMPLES:
            for value in uniques.slice(0, EXAMPLES).to_pylist():
                if value not in self.examples and len(self.examples) < EXAMPLES:
                    self.examples.append(value[:100])
        if len(self.uniques):
            uniques = pc.unique(pa.concat_arrays([self.uniques, uniques]))
        self.uniques = uniques
        if len(uniques) > DISTINCT_CAP:
            self.capped = True
            self.uniques = uniques.slice(0, 0)
            self.distinct_floor = len(uniques)

    def _infer(self, values) -> None:
        for type_ in WIDER[self.type]:
            typed = None if type_ == "string" else _fits(values, type_)
            if type_ == "string" or typed is not None:
                break
        if type_ != self.type and not (self.type == "integer" and type_ == "number"):
            self.low = self.high = None
        self.type = type_
        if typed is None or type_ == "boolean":
            return
        bounds = pc.min_max(typed)
        low, high = bounds["min"].as_py(), bounds["max"].as_py()
        self.low = low if self.low is None else min(self.low, low)
        self.high = high if self.high is None else max(self.high, high)

    def final_type(self) -> str:
        if self.type is None:
            return "any"
        if self.type == "string" and len(self.nested) == 1:
            kind, count = next(iter(self.nested.items()))
            if count == self.rows - self.nulls:
                return kind
        return self.type

    def stats(self) -> dict:
        stats = {"nulls": self.nulls, "rows": self.rows}
        if self.capped:
            stats.update(distinct=self.distinct_floor, distinct_at_least=True)
        else:
            stats["distinct"] = len(self.uniques)
        if self.type in ("integer", "number", "date", "datetime") and self.low is not None:
            stats.update(min=_plain(self.low), max=_plain(self.high))
        if self.min_length is not None:
            stats.update(min_length=self.min_length, max_length=self.max_length)
        stats["examples"] = self.examples
        return stats

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "position": self.position,
            "type": self.final_type(),
            "stats": self.stats(),
        }


def clean_names(raw: list) -> list[str]:
    """Column names from a header row: blank ones numbered, duplicates suffixed."""
    names, seen = [], set()
    for position, value in enumerate(raw, start=1):
        name = str(value).strip()[:250] if value is not None else ""
        name = name or f"column_{position}"
        candidate, suffix = name, 2
        while candidate in seen:
            candidate, suffix = f"{name}_{suffix}", suffix + 1
        seen.add(candidate)
        names.append(candidate)
    return names


# Text files -----------------------------------------------------------------------------------


def _decode_sample(sample: bytes, eof: bool) -> tuple[str, str]:
    """The encoding of `sample` (the head of a text file) and the sample decoded with it."""
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", sample.decode("utf-16", errors="replace")
    if b"\x00" in sample:
        raise NotTabular(_("The file holds binary data, not text."))
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        text = decoder.decode(sample, final=eof)
        return "utf-8", text.removeprefix("\ufeff")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    matches = [codecs.lookup(match.encoding).name for match in from_bytes(sample)]
    encoding = next((name for name in matches if not name.startswith("utf")), "cp1252")
    # Latin code pages fit a short Western sample about equally well (è is č in cp1250):
    # Windows-1252, the superset of Latin-1 that spreadsheets write, is then the likeliest.
    if encoding in LATIN_CODE_PAGES:
        encoding = "cp1252"
    try:
        return encoding, sample.decode(encoding)
    except UnicodeDecodeError:
        return "latin-1", sample.decode("latin-1")


def _check_text(text: str) -> None:
    if not text.strip():
        raise NotTabular(_("The file is empty."))
    control = sum(1 for char in text[:20_000] if char < " " and char not in "\t\r\n\f")
    if control > len(text[:20_000]) // 100:
        raise NotTabular(_("The file holds binary data, not text."))
    head = text.lstrip()[:100].lower()
    if head.startswith(("<!doctype html", "<html")):
        raise NotTabular(_("The file is a web page (HTML), not a table."))
    if head.startswith("<?xml") or head.startswith("<"):
        raise NotTabular(_("The file is XML or HTML, not a table."))
    if head.startswith("%pdf"):
        raise NotTabular(_("The file is a PDF document, not a table."))


def _delimiter(text: str, preferred: str = ",") -> str:
    """The delimiter that splits the sample's first rows into the same, largest number of
    fields; quotes are honoured, so commas inside quoted text do not count."""
    text = text[: text.rfind("\n") + 1] or text
    best, best_score = preferred, (0.0, 0)
    for delimiter in [preferred] + [d for d in DELIMITERS if d != preferred]:
        try:
            counts = [len(row) for row in _rows(text, delimiter) if row]
        except csv.Error:
            continue
        if not counts:
            continue
        width, _n = Counter(counts).most_common(1)[0]
        if width < 2:
            continue
        score = (counts.count(width) / len(counts), width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _rows(text: str, delimiter: str, limit: int = 50):
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    for number, row in enumerate(reader):
        if number >= limit:
            return
        yield row


def profile_csv(path: str, *, preferred_delimiter: str = ",") -> Result:
    size = os.path.getsize(path)
    with open(path, "rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    encoding, text = _decode_sample(sample, eof=len(sample) >= size)
    _check_text(text)
    delimiter = _delimiter(text, preferred_delimiter)
    try:
        result = _read_csv(path, encoding, delimiter)
    except Unreadable:
        if encoding != "utf-8":
            raise
        # The head was UTF-8 but something further down is not: read as Windows-1252.
        result = _read_csv(path, "cp1252", delimiter)
        result.message = " ".join(
            filter(None, [result.message, _("Not all of the file is valid UTF-8.")])
        )
    result.bytes_read = size
    return result


def _read_csv(path: str, encoding: str, delimiter: str) -> Result:
    ragged = 0

    def skip_ragged(row):
        nonlocal ragged
        ragged += 1
        return "skip"

    read_options = pa_csv.ReadOptions(
        encoding="utf8" if encoding == "utf-8" else encoding,
        block_size=BLOCK_BYTES,
        use_threads=False,
        autogenerate_column_names=True,
    )
    parse_options = pa_csv.ParseOptions(
        delimiter=delimiter, newlines_in_values=True, invalid_row_handler=skip_ragged
    )
    # Every cell as text: the summaries decide the types over all rows, not the first block.
    convert_options = pa_csv.ConvertOptions(
        column_types={f"f{i}": pa.string() for i in range(MAX_COLUMNS * 4)},
        null_values=MISSING_VALUES,
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
    )
    summaries: list[ColumnSummary] = []
    rows = 0
    try:
        reader = pa_csv.open_csv(
            path,
            read_options=read_options,
            parse_options=parse_options,
            convert_options=convert_options,
            # The system allocator hands freed blocks back; pyarrow's default pool keeps
            # them, which made a 200 MB file cost 90 MB instead of 30.
            memory_pool=pa.system_memory_pool(),
        )
        for batch in reader:
            if not summaries:
                header = batch.slice(0, 1).to_pylist()[0]
                names = clean_names([header[f"f{i}"] for i in range(batch.num_columns)])
                summaries = [ColumnSummary(n, i) for i, n in enumerate(names[:MAX_COLUMNS])]
                batch = batch.slice(1)
            rows += batch.num_rows
            for summary in summaries:
                summary.add(batch.column(summary.position))
    except pa.ArrowInvalid as exc:
        message = str(exc)
        if "Empty CSV file" in message:
            raise NotTabular(_("The file is empty.")) from None
        if "UTF8" in message or "UTF-8" in message:
            raise Unreadable(_("The file is not valid UTF-8.")) from None
        raise Unreadable(
            _("The file could not be read as CSV: %(error)s") % {"error": message[:200]}
        ) from None
    except (UnicodeDecodeError, LookupError):
        raise Unreadable(
            _("The file could not be decoded as %(encoding)s.") % {"encoding": encoding}
        ) from None
    if ragged and ragged > rows:
        raise Unreadable(
            _(
                "%(count)s rows have a different number of fields than the header, more "
                "than half the file: it is not a consistent table."
            )
            % {"count": ragged}
        )
    messages = []
    if ragged:
        messages.append(
            _("%(count)s rows with a different number of fields than the header were left out.")
            % {"count": ragged}
        )
    if summaries and len(summaries) < batch.num_columns:
        messages.append(_too_many_columns())
    return Result(
        status="ok",
        message=" ".join(messages),
        encoding=encoding,
        delimiter=delimiter,
        row_count=rows,
        columns=[summary.as_dict() for summary in summaries],
    )


# Records: JSON and Excel rows -----------------------------------------------------------------


def _cell_text(value, summary: ColumnSummary | None = None):
    """A JSON or spreadsheet value as the text a CSV would hold, None for no value."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, dict | list):
        if summary is not None:
            summary.nested["object" if isinstance(value, dict) else "array"] += 1
        return json.dumps(value, ensure_ascii=False)[:1000]
    return str(value)


def _profile_records(records, *, fixed_names: list[str] | None = None) -> Result:
    """Summaries over dicts (JSON) or lists (spreadsheet rows under `fixed_names`)."""
    summaries: dict[str, ColumnSummary] = {}
    if fixed_names:
        summaries = {n: ColumnSummary(n, i) for i, n in enumerate(fixed_names[:MAX_COLUMNS])}
    rows, batch, dropped = 0, [], False

    def flush():
        nonlocal rows
        for summary in summaries.values():
            key = summary.name if fixed_names is None else summary.position
            if fixed_names is None:
                texts = [_cell_text(record.get(key), summary) for record in batch]
            else:
                texts = [_cell_text(record[key] if key < len(record) else None) for record in batch]
            summary.add(pa.array(texts, pa.string()))
        rows += len(batch)
        batch.clear()

    for record in records:
        if fixed_names is None:
            for key in record:
                if key not in summaries:
                    if len(summaries) >= MAX_COLUMNS:
                        dropped = True
                        continue
                    summaries[key] = ColumnSummary(key, len(summaries), rows_before=rows)
                    # Rows of this batch before the key appeared count as missing anyway.
        batch.append(record)
        if len(batch) >= BATCH_ROWS:
            flush()
    if batch:
        flush()
    if not summaries:
        raise NotTabular(_("The file holds no records."))
    return Result(
        status="ok",
        message=_too_many_columns() if dropped else "",
        row_count=rows,
        columns=[summary.as_dict() for summary in summaries.values()],
    )


class _JsonStream:
    """Reads JSON values one by one from a text file, so that a list of a million records
    is never in memory at once: only the record being decoded is."""

    def __init__(self, handle):
        self.handle = handle
        self.buffer = ""
        self.pos = 0
        self.eof = False
        self.decoder = json.JSONDecoder()

    def _more(self) -> bool:
        if self.eof:
            return False
        chunk = self.handle.read(max(SAMPLE_BYTES, len(self.buffer) - self.pos))
        self.buffer = self.buffer[self.pos :] + chunk
        self.pos = 0
        self.eof = not chunk
        return bool(chunk)

    def peek(self) -> str:
        while True:
            while self.pos < len(self.buffer) and self.buffer[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buffer) or not self._more():
                return self.buffer[self.pos : self.pos + 1]

    def take(self, expected: str) -> None:
        if self.peek() != expected:
            raise Unreadable(
                _("The file is not valid JSON: “%(char)s” expected.") % {"char": expected}
            )
        self.pos += 1

    def value(self):
        self.peek()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError as exc:
                if self._more():
                    continue
                raise Unreadable(
                    _("The file is not valid JSON: %(error)s.") % {"error": exc.msg}
                ) from None
            # A number cut off by the end of the buffer would decode too early.
            if end == len(self.buffer) and self._more():
                continue
            self.pos = end
            return value

    def items(self):
        """The values of the list that starts here."""
        self.take("[")
        if self.peek() == "]":
            self.pos += 1
            return
        while True:
            yield self.value()
            if self.peek() == ",":
                self.pos += 1
            else:
                self.take("]")
                return


def _feature(record):
    """GeoJSON features are profiled by their properties."""
    if record.get("type") == "Feature" and isinstance(record.get("properties"), dict):
        return record["properties"]
    return record


def _json_records(stream: _JsonStream, found: list):
    start = stream.peek()
    if start == "[":
        items = stream.items()
        found.append("")
    elif start == "{":
        items = _records_in_object(stream, found)
    else:
        raise NotTabular(_("The file is JSON, but not a list of records."))
    for number, item in enumerate(items):
        if not isinstance(item, dict):
            if number == 0:
                raise NotTabular(_("The file is a JSON list, but not of records (objects)."))
            raise Unreadable(_("The JSON list mixes records with other values."))
        yield _feature(item)


def _records_in_object(stream: _JsonStream, found: list):
    """The records of the first list of objects among the object's members, e.g. the
    "features" of GeoJSON or the "data" of many API dumps."""
    stream.take("{")
    while stream.peek() not in ("}", ""):
        key = stream.value()
        stream.take(":")
        if stream.peek() == "[" and not found:
            items = stream.items()
            first = next(items, None)
            if isinstance(first, dict):
                found.append(str(key))
                yield first
                yield from items
                return
            for _rest in items:
                pass
        else:
            stream.value()
        if stream.peek() == ",":
            stream.pos += 1
    raise NotTabular(_("The file is JSON, but holds no list of records."))


def profile_json(path: str) -> Result:
    size = os.path.getsize(path)
    with open(path, "rb") as raw:
        sample = raw.read(SAMPLE_BYTES)
    encoding, text = _decode_sample(sample, eof=len(sample) >= size)
    if not text.strip():
        raise NotTabular(_("The file is empty."))
    found: list[str] = []
    with open(path, encoding=encoding, errors="strict", newline="") as handle:
        stream = _JsonStream(handle)
        if stream.peek() == "\ufeff":
            stream.pos += 1
        try:
            result = _profile_records(_json_records(stream, found))
        except UnicodeDecodeError:
            raise Unreadable(
                _("The file is not valid %(encoding)s.") % {"encoding": encoding}
            ) from None
        except RecursionError:
            raise Unreadable(_("The JSON is nested too deeply.")) from None
    if found and found[0]:
        result.message = _("The records under “%(key)s”.") % {"key": found[0]}
    result.encoding = encoding
    result.bytes_read = size
    return result


def profile_excel(path: str) -> Result:
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise Unreadable(
            _("The file could not be read as an Excel workbook: %(error)s") % {"error": exc}
        ) from None
    try:
        sheets = workbook.worksheets
        if not sheets:
            raise NotTabular(_("The workbook has no sheets."))
        rows = (row for row in sheets[0].iter_rows(values_only=True) if any(_filled(row)))
        header = next(rows, None)
        if header is None:
            raise NotTabular(_("The first sheet of the workbook is empty."))
        header = list(header)
        while header and header[-1] in (None, ""):
            header.pop()
        result = _profile_records(rows, fixed_names=clean_names(header))
    except (KeyError, ValueError, TypeError, zipfile.BadZipFile) as exc:
        raise Unreadable(_("The workbook could not be read: %(error)s") % {"error": exc}) from None
    finally:
        workbook.close()
    result.message = " ".join(
        filter(
            None,
            [
                _("The sheet “%(sheet)s” (of %(count)s sheets).")
                % {"sheet": sheets[0].title, "count": len(sheets)}
                if len(sheets) > 1
                else "",
                result.message,
            ],
        )
    )
    result.bytes_read = os.path.getsize(path)
    return result


def _too_many_columns() -> str:
    return _("Only the first %(count)s columns were profiled.") % {"count": MAX_COLUMNS}


def _filled(row):
    return (cell not in (None, "") for cell in row)


# Which reader -----------------------------------------------------------------------------------


def kind_of(path: str, *, name: str = "", media_type: str = "", format_code: str = "") -> str:
    """ "csv", "tsv", "json" or "excel", from the file's first bytes and what it claims."""
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head.startswith(b"PK\x03\x04"):
        extension = PurePosixPath(name).suffix.lower().lstrip(".")
        if (
            extension in ("xlsx", "xlsm")
            or format_code in ("XLSX", "XLSM")
            or ("spreadsheetml" in media_type or "macroenabled" in media_type)
        ):
            return "excel"
        raise NotTabular(_("The file is a ZIP archive, not a table."))
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise NotTabular(
            _("The file is an old Excel (.xls) or Office document; the portal reads .xlsx.")
        )
    extension = PurePosixPath(name).suffix.lower().lstrip(".")
    if head.startswith(b"%PDF"):
        raise NotTabular(_("The file is a PDF document, not a table."))
    if (
        extension in ("json", "geojson")
        or format_code in ("JSON", "GEOJSON")
        or "json" in (media_type)
    ):
        return "json"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith((b"[", b"{")) and extension not in ("csv", "tsv", "tab", "txt"):
        return "json"
    if extension in ("tsv", "tab") or format_code == "TSV" or "tab-separated" in media_type:
        return "tsv"
    return "csv"


def profile_path(path: str, *, name: str = "", media_type: str = "", format_code: str = ""):
    """Profile the file at `path`: a Result whose status says how it went, never an error.

    `name` (a file name or URL path), `media_type` and `format_code` are what the
    distribution claims; the file's own first bytes have the last word.
    """
    try:
        kind = kind_of(path, name=name, media_type=media_type, format_code=format_code)
        if kind == "excel":
            return profile_excel(path)
        if kind == "json":
            return profile_json(path)
        return profile_csv(path, preferred_delimiter="\t" if kind == "tsv" else ",")
    except NotTabular as exc:
        return Result(status="not_tabular", message=str(exc), bytes_read=_size(path))
    except Unreadable as exc:
        return Result(status="failed", message=str(exc), bytes_read=_size(path))
    except MemoryError:
        return Result(status="failed", message=_("The file needs too much memory to read."))


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


# Recording: a distribution's profile and columns ---------------------------------------------


class Transient(Exception):
    """Profiling could not fetch the file for a reason that may pass; try again later."""


def profile_distribution(distribution_id: int, *, force: bool = False, final: bool = True):
    """Profile one distribution and record the outcome; returns its DistributionProfile.

    Skips the work when the file's SHA-256 matches the last profile (unless `force`).
    A failure that may pass (timeout, 5xx) raises Transient unless `final`, in which case it
    is recorded as "could not be read" like any other. Messages are stored in the site's
    language, whoever's request (or no request, on a worker) caused the run.
    """
    with translation.override(settings.LANGUAGE_CODE):
        return _profile(distribution_id, force=force, final=final)


def _profile(distribution_id: int, *, force: bool, final: bool):
    distribution = Distribution.objects.select_related("format").filter(pk=distribution_id).first()
    if distribution is None:
        return None
    profile, _created = DistributionProfile.objects.get_or_create(distribution=distribution)
    Status = DistributionProfile.Status
    name, media_type, code = _claims(distribution)
    if not (distribution.file or distribution.download_url):
        return _record_outcome(profile, Status.NOT_TABULAR, _("There is no file to read."))
    if not distribution.file and not _worth_downloading(name, media_type, code):
        return _record_outcome(
            profile,
            Status.NOT_TABULAR,
            _("%(format)s is not a table format.") % {"format": code or media_type},
        )
    with tempfile.TemporaryDirectory(prefix="profile-") as directory:
        try:
            path, checksum = _local_copy(distribution, directory)
        except _Outcome as outcome:
            if outcome.status is None and not final:
                raise Transient(outcome.message) from None
            return _record_outcome(profile, outcome.status or Status.FAILED, outcome.message)
        if not force and checksum == profile.checksum and profile.status != Status.PENDING:
            return profile  # the same bytes as last time: the same structure
        result = profile_path(path, name=name, media_type=media_type, format_code=code)
        return record(profile, result, checksum)


def record_timeout(distribution_id: int) -> None:
    """Say that profiling was stopped by its time limit (a huge or very slow file)."""
    profile = DistributionProfile.objects.filter(pk=distribution_id).first()
    if profile is not None:
        with translation.override(settings.LANGUAGE_CODE):
            message = _("Reading the file took too long; it was stopped.")
            _record_outcome(profile, DistributionProfile.Status.FAILED, message)


class _Outcome(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status, self.message = status, message


def _claims(distribution) -> tuple[str, str, str]:
    """The file name (or URL path), media type and format code the distribution gives."""
    if distribution.file:
        name = distribution.file.name
    else:
        name = urlsplit(distribution.download_url).path
    code = distribution.format.code if distribution.format_id else ""
    return name, distribution.media_type.strip().lower(), code


def _worth_downloading(name: str, media_type: str, code: str) -> bool:
    if code:
        return code in TABULAR_FORMATS
    if media_type:
        return media_type in TABULAR_MEDIA_TYPES
    extension = PurePosixPath(name).suffix.lower().lstrip(".")
    # No claim at all: only its first bytes will tell.
    return not extension or extension in TABULAR_EXTENSIONS


def _local_copy(distribution, directory: str) -> tuple[str, str]:
    """A path to the distribution's bytes and their SHA-256, or _Outcome."""
    limit = settings.PROFILE_MAX_BYTES
    too_large = DistributionProfile.Status.TOO_LARGE
    if distribution.file:
        try:
            size = distribution.file.size
            if size > limit:
                raise _Outcome(too_large, _too_large_message(size, limit))
            try:
                path = distribution.file.path
            except NotImplementedError:  # remote storage: read it from a local copy
                path = os.path.join(directory, "upload")
                with distribution.file.open("rb") as source, open(path, "wb") as target:
                    for chunk in source.chunks():
                        target.write(chunk)
        except OSError:
            raise _Outcome(
                DistributionProfile.Status.FAILED, _("The uploaded file is missing.")
            ) from None
        return path, sha256_of(path)
    path = os.path.join(directory, "download")
    try:
        with open(path, "wb") as target:
            download = outbound.download(distribution.download_url, target, max_bytes=limit)
    except outbound.TooLarge:
        raise _Outcome(too_large, _too_large_message(None, limit)) from None
    except outbound.Unavailable as exc:
        raise _Outcome(None, str(exc)) from None
    except outbound.OutboundError as exc:
        raise _Outcome(DistributionProfile.Status.FAILED, str(exc)) from None
    return path, download.sha256


def _too_large_message(size, limit) -> str:
    if size is None:
        return _("The file is larger than %(limit)s, the most the portal reads.") % {
            "limit": filesizeformat(limit)
        }
    return _("The file (%(size)s) is larger than %(limit)s, the most the portal reads.") % {
        "size": filesizeformat(size),
        "limit": filesizeformat(limit),
    }


def _record_outcome(profile, status: str, message: str):
    profile.status, profile.message = status, message[:500]
    # Without a checksum the next run profiles the file again, even if it is unchanged.
    profile.checksum, profile.profiled_at = "", timezone.now()
    profile.save(update_fields=["status", "message", "checksum", "profiled_at"])
    return profile


def record(profile, result: Result, checksum: str):
    """Store `result` as the distribution's profile and columns.

    Profiling owns a column's name, position, type, statistics and `present`; the owner's
    title, description, concept, key flag and reference are never written here, and a
    column the owner described is kept (present=False) when it leaves the file.
    """
    names = clean_names([column["name"] for column in result.columns])
    with transaction.atomic():
        existing = {c.name: c for c in Column.objects.filter(distribution_id=profile.pk)}
        changed, new = [], []
        for name, found in zip(names, result.columns, strict=True):
            column = existing.pop(name, None) or Column(distribution_id=profile.pk, name=name)
            column.position, column.type = found["position"], found["type"]
            column.stats, column.present = found["stats"], True
            (changed if column.pk else new).append(column)
        gone = [c for c in existing.values() if result.status == "ok"]
        described = [c for c in gone if _described(c)]
        Column.objects.filter(pk__in=[c.pk for c in gone if not _described(c)]).delete()
        for column in described:
            column.present = False
        Column.objects.bulk_create(new, batch_size=500)
        Column.objects.bulk_update(
            changed + described, ["position", "type", "stats", "present"], batch_size=500
        )
        profile.status, profile.message = result.status, result.message[:500]
        profile.checksum, profile.encoding = checksum, result.encoding
        profile.delimiter, profile.row_count = result.delimiter, result.row_count
        profile.bytes_read, profile.profiled_at = result.bytes_read, timezone.now()
        profile.schema = inferred_schema(names, result) if result.status == "ok" else {}
        profile.save()
    return profile


def _described(column) -> bool:
    return bool(
        any((column.title or {}).values())
        or any((column.description or {}).values())
        or column.concept_uri
        or column.is_key
        or column.references_dataset_id
    )


def inferred_schema(names: list[str], result: Result) -> dict:
    """The Table Schema profiling found: names and types only (owners add the rest)."""
    fields = []
    for name, column in zip(names, result.columns, strict=True):
        fields.append(_field(name, column["type"]))
    return {"fields": fields, "missingValues": MISSING_VALUES}


def _field(name: str, type_: str) -> dict:
    # Dates are always ISO (YYYY-MM-DD), Table Schema's default; date-times may carry an
    # offset or a space for the "T", which its default form does not allow.
    return (
        {"name": name, "type": type_, "format": "any"}
        if type_ == "datetime"
        else {
            "name": name,
            "type": type_,
        }
    )


def table_schema(distribution, columns, *, visible_dataset_ids=None) -> dict:
    """The Table Schema served at schema.json: what profiling found, with the owner's words.

    `columns` are the distribution's Column rows (prefetched or not). A reference to another
    dataset shows only when `visible_dataset_ids` holds it: drafts must not leak.
    """
    profile = distribution.profile
    fields, keys, foreign = [], [], []
    for column in sorted(columns, key=lambda c: (c.position, c.pk)):
        if not column.present:
            continue
        field = _field(column.name, column.type or "any")
        if str(column.title):
            field["title"] = str(column.title)
        if str(column.description):
            field["description"] = str(column.description)
        if column.concept_uri:
            field["rdfType"] = column.concept_uri
        fields.append(field)
        if column.is_key:
            keys.append(column.name)
        target = column.references_dataset
        if target is not None and target.pk in (visible_dataset_ids or ()):
            reference = {"resource": settings.SITE_URL + target.get_absolute_url()}
            reference["fields"] = column.references_column or column.name
            foreign.append({"fields": column.name, "reference": reference})
    schema = {
        "$schema": "https://datapackage.org/profiles/2.0/tableschema.json",
        "fields": fields,
        "missingValues": profile.schema.get("missingValues", MISSING_VALUES),
    }
    if keys:
        schema["primaryKey"] = keys
    if foreign:
        schema["foreignKeys"] = foreign
    return schema


def distributions_to_profile(*, dataset: str = "", publisher: str = ""):
    """The distributions profiling looks at: an uploaded file or a download URL."""
    queryset = Distribution.objects.filter(~Q(file="") | ~Q(download_url=""))
    if dataset:
        queryset = queryset.filter(dataset__slug=dataset)
    if publisher:
        queryset = queryset.filter(dataset__publisher__slug=publisher)
    return queryset.order_by("pk")


def worth_showing(distributions) -> list:
    """The distributions whose structure a dataset page shows: profiled, or tried and
    failed (a reader may want to know why); not those that are no table at all."""
    shown = []
    for distribution in distributions:
        profile = getattr(distribution, "profile", None)
        if profile is not None and profile.status != DistributionProfile.Status.NOT_TABULAR:
            shown.append(distribution)
    return shown
