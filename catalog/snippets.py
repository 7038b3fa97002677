"""Getting started: ready-to-copy code that fetches a dataset's distributions.

Snippets use the real addresses: the portal's own download URL for uploaded files, the
publisher's URL otherwise. Only distributions whose effective access rights are public get
one (catalog.access.access_level, which reads catalog.reuse's Conditions without loading
the policy rules); a restricted or non-public distribution's address never appears here.
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.urls import reverse

from catalog.access import access_level
from catalog.reuse import PUBLIC

# Formats pandas and R read in one call; everything else is fetched as a file.
_CSV = {"CSV", "TSV", "TAB_SEPARATED_VALUES"}
_EXCEL = {"XLSX", "XLS", "XLSM", "ODS"}
_JSON = {"JSON", "GEOJSON", "JSON_LD"}
# Web pages are for people: no snippet fetches them.
_NOT_DATA = {"HTML", "XHTML"}
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass
class Snippet:
    language: str
    code: str


@dataclass
class Entry:
    """One distribution's snippets, or the reason it has none."""

    distribution: object
    url: str = ""
    restricted: bool = False
    snippets: list[Snippet] = field(default_factory=list)


def _quoted(text: str) -> str:
    """A string literal valid in Python and in R (JSON's escapes are a subset of both)."""
    return json.dumps(text)


def _shell(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def _filename(distribution, url: str, code: str) -> str:
    if distribution.file:
        name = PurePosixPath(distribution.file.name).name
    else:
        name = PurePosixPath(urlsplit(url).path).name
    name = _SAFE_NAME.sub("-", name).strip(".-")
    if not name:
        extension = code.lower().split("_")[0] if code else "data"
        name = f"{distribution.dataset.slug}.{extension}"
    return name[:100]


def _url_of(distribution) -> str:
    if distribution.file:
        return settings.SITE_URL + distribution.get_download_url()
    return distribution.download_url or distribution.access_url


def snippets_for(distribution, url: str) -> list[Snippet]:
    code = distribution.format.code if distribution.format_id else ""
    name = _filename(distribution, url, code)
    u, n = _quoted(url), _quoted(name)
    curl = f"curl -L -o {_shell(name)} {_shell(url)}"
    if code in _CSV:
        sep = ', sep="\\t"' if code != "CSV" else ""
        python = f"import pandas as pd\n\ndf = pd.read_csv({u}{sep})\nprint(df.head())"
        reader = "read.delim" if code != "CSV" else "read.csv"
        r = f'df <- {reader}({u}, encoding = "UTF-8")\nhead(df)'
    elif code in _EXCEL:
        python = f"import pandas as pd\n\ndf = pd.read_excel({u})\nprint(df.head())"
        r = (
            f'library(readxl)\n\ndownload.file({u}, {n}, mode = "wb")\n'
            f"df <- read_excel({n})\nhead(df)"
        )
    elif code in _JSON:
        if code == "JSON":
            python = f"import pandas as pd\n\ndf = pd.read_json({u})\nprint(df.head())"
        else:
            python = (
                f"import requests\n\nresponse = requests.get({u}, timeout=60)\n"
                "response.raise_for_status()\ndata = response.json()"
            )
        r = f"library(jsonlite)\n\ndata <- fromJSON({u})\nstr(data)"
    else:
        python = (
            f"import requests\n\nresponse = requests.get({u}, timeout=60)\n"
            f'response.raise_for_status()\nwith open({n}, "wb") as f:\n'
            "    f.write(response.content)"
        )
        r = f'download.file({u}, {n}, mode = "wb")'
    return [Snippet("curl", curl), Snippet("Python", python), Snippet("R", r)]


def getting_started(dataset, distributions) -> dict:
    """What the dataset page's "Getting started" shows: an entry per distribution that holds
    data (web pages are skipped) and the links of machine_links()."""
    entries = []
    for distribution in distributions:
        code = distribution.format.code if distribution.format_id else ""
        if code in _NOT_DATA:
            continue
        entry = Entry(distribution)
        if access_level(dataset, distribution) != PUBLIC:
            entry.restricted = True
        else:
            entry.url = _url_of(distribution)
            if not entry.url:
                continue
            entry.snippets = snippets_for(distribution, entry.url)
        entries.append(entry)
    return {"entries": entries, "links": machine_links(dataset)}


def machine_links(dataset) -> dict[str, str]:
    """The dataset's description through the APIs and as linked data, absolute."""
    site = settings.SITE_URL
    return {
        "rest": f"{site}/api/v1/datasets/{quote(dataset.slug)}/",
        "ckan": f"{site}/api/3/action/package_show?id={quote(dataset.slug)}",
        "ttl": site + reverse("catalog:dataset-rdf", args=[dataset.slug, "ttl"]),
        "jsonld": site + reverse("catalog:dataset-rdf", args=[dataset.slug, "jsonld"]),
    }
