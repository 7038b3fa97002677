"""The controlled vocabularies the catalogue ships with, and the loader that upserts them.

Plain data, written from the EU Publications Office authority tables (data-theme,
access-right, frequency, file-type, language, distribution-status, licence) and the
ADMS publisher-type scheme. Codes and URIs are checked against the official tables in
tests/catalog/test_vocabularies.py. Labels in English and Dutch follow the EU tables
where they carry them.

The loader runs from a data migration with historical models, so this module must not
import catalog.models: schemes are the plain string values of Concept.Scheme.
"""

EU = "http://publications.europa.eu/resource/authority"
ADMS_PUBLISHER_TYPE = "http://purl.org/adms/publishertype"

# Concept.Scheme value -> (concept scheme URI, base of concept URIs)
SCHEMES = {
    "theme": (f"{EU}/data-theme", f"{EU}/data-theme/"),
    "access-right": (f"{EU}/access-right", f"{EU}/access-right/"),
    "frequency": (f"{EU}/frequency", f"{EU}/frequency/"),
    "file-type": (f"{EU}/file-type", f"{EU}/file-type/"),
    "language": (f"{EU}/language", f"{EU}/language/"),
    "distribution-status": (f"{EU}/distribution-status", f"{EU}/distribution-status/"),
    "publisher-type": (f"{ADMS_PUBLISHER_TYPE}/1.0", f"{ADMS_PUBLISHER_TYPE}/"),
}

# (code, English, Dutch)
THEMES = [
    ("AGRI", "Agriculture, fisheries, forestry and food", "Landbouw, visserij, bosbouw en voeding"),
    ("ECON", "Economy and finance", "Economie en financiën"),
    ("EDUC", "Education, culture and sport", "Onderwijs, cultuur en sport"),
    ("ENER", "Energy", "Energie"),
    ("ENVI", "Environment", "Milieu"),
    ("GOVE", "Government and public sector", "Overheid en publieke sector"),
    ("HEAL", "Health", "Gezondheid"),
    ("INTR", "International issues", "Internationale vraagstukken"),
    (
        "JUST",
        "Justice, legal system and public safety",
        "Justitie, rechtsstelsel en openbare veiligheid",
    ),
    ("REGI", "Regions and cities", "Regio's en steden"),
    ("SOCI", "Population and society", "Bevolking en samenleving"),
    ("TECH", "Science and technology", "Wetenschap en technologie"),
    ("TRAN", "Transport", "Vervoer"),
]

ACCESS_RIGHTS = [
    ("PUBLIC", "Public", "Openbaar"),
    ("RESTRICTED", "Restricted", "Beperkt"),
    ("NON_PUBLIC", "Non-public", "Niet-openbaar"),
]

FREQUENCIES = [
    ("CONT", "Continuous", "Voortdurend"),
    ("UPDATE_CONT", "Continuously updated", "Voortdurend bijgewerkt"),
    ("1MIN", "Every minute", "Elke minuut"),
    ("5MIN", "Every five minutes", "Elke vijf minuten"),
    ("10MIN", "Every ten minutes", "Elke tien minuten"),
    ("15MIN", "Every fifteen minutes", "Elk kwartier"),
    ("30MIN", "Every thirty minutes", "Elk half uur"),
    ("HOURLY", "Hourly", "Elk uur"),
    ("BIHOURLY", "Every two hours", "Elke twee uur"),
    ("TRIHOURLY", "Every three hours", "Elke drie uur"),
    ("12HRS", "Every twelve hours", "Elke twaalf uur"),
    ("DAILY_2", "Twice a day", "Twee keer per dag"),
    ("DAILY", "Daily", "Dagelijks"),
    ("WEEKLY_5", "Five times a week", "Vijf keer per week"),
    ("WEEKLY_3", "Three times a week", "Drie keer per week"),
    ("WEEKLY_2", "Twice a week", "Twee keer per week"),
    ("WEEKLY", "Weekly", "Wekelijks"),
    ("BIWEEKLY", "Every two weeks", "Tweewekelijks"),
    ("MONTHLY_3", "Three times a month", "Drie keer per maand"),
    ("MONTHLY_2", "Twice a month", "Twee keer per maand"),
    ("MONTHLY", "Monthly", "Maandelijks"),
    ("BIMONTHLY", "Every two months", "Tweemaandelijks"),
    ("QUARTERLY", "Quarterly", "Driemaandelijks"),
    ("ANNUAL_3", "Three times a year", "Drie keer per jaar"),
    ("ANNUAL_2", "Twice a year", "Halfjaarlijks"),
    ("ANNUAL", "Annual", "Jaarlijks"),
    ("BIENNIAL", "Every two years", "Tweejaarlijks"),
    ("TRIENNIAL", "Every three years", "Driejaarlijks"),
    ("QUADRENNIAL", "Every four years", "Vierjaarlijks"),
    ("QUINQUENNIAL", "Every five years", "Vijfjaarlijks"),
    ("SEXENNIAL", "Every six years", "Zesjaarlijks"),
    ("DECENNIAL", "Every ten years", "Tienjaarlijks"),
    ("BIDECENNIAL", "Every twenty years", "Twintigjaarlijks"),
    ("TRIDECENNIAL", "Every thirty years", "Dertigjaarlijks"),
    ("AS_NEEDED", "As needed", "Wanneer nodig"),
    ("IRREG", "Irregular", "Onregelmatig"),
    ("NOT_PLANNED", "Not planned", "Niet gepland"),
    ("NEVER", "Never", "Nooit"),
    ("UNKNOWN", "Unknown", "Onbekend"),
    ("OTHER", "Other", "Anders"),
]

# (code, label, IANA media type, extensions, machine-readable, non-proprietary).
# Where IANA registers no type (GPX, RSS, NetCDF, HDF, SPSS, Stata, Access), the de
# facto type that tools send is used. Service "formats" carry the type of their
# capabilities or response documents. Machine-readable means structured data a program can
# process without scraping; Microsoft spreadsheets count, but are proprietary, as in the
# five-star open data scheme.
FILE_TYPES = [
    # Tabular and structured data
    ("CSV", "CSV", "text/csv", "csv", True, True),
    ("TSV", "TSV", "text/tab-separated-values", "tsv,tab", True, True),
    ("JSON", "JSON", "application/json", "json", True, True),
    ("XML", "XML", "application/xml", "xml", True, True),
    ("YAML", "YAML", "application/yaml", "yaml,yml", True, True),
    ("SCHEMA_XML", "XML Schema", "application/xml", "xsd", True, True),
    (
        "XLSX",
        "Excel XLSX",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
        True,
        False,
    ),
    ("XLS", "Excel XLS", "application/vnd.ms-excel", "xls", True, False),
    ("XLSM", "Excel XLSM", "application/vnd.ms-excel.sheet.macroenabled.12", "xlsm", True, False),
    (
        "ODS",
        "OpenDocument Spreadsheet",
        "application/vnd.oasis.opendocument.spreadsheet",
        "ods",
        True,
        True,
    ),
    ("PARQUET", "Apache Parquet", "application/vnd.apache.parquet", "parquet", True, True),
    (
        "ARROW_FILE",
        "Apache Arrow",
        "application/vnd.apache.arrow.file",
        "arrow,feather",
        True,
        True,
    ),
    ("SQL", "SQL", "application/sql", "sql", True, True),
    ("DBF", "dBase DBF", "application/vnd.dbf", "dbf", True, True),
    ("MDB", "Microsoft Access", "application/vnd.ms-access", "mdb,accdb", True, False),
    ("SPSS_SAV", "SPSS", "application/x-spss-sav", "sav", True, False),
    ("STATA_DTA", "Stata", "application/x-stata-dta", "dta", True, False),
    # Linked data
    ("RDF_XML", "RDF/XML", "application/rdf+xml", "rdf", True, True),
    ("RDF_TURTLE", "Turtle", "text/turtle", "ttl", True, True),
    ("JSON_LD", "JSON-LD", "application/ld+json", "jsonld", True, True),
    ("RDF_N_TRIPLES", "N-Triples", "application/n-triples", "nt", True, True),
    ("RDF_N_QUADS", "N-Quads", "application/n-quads", "nq", True, True),
    ("RDF_TRIG", "TriG", "application/trig", "trig", True, True),
    ("N3", "Notation3", "text/n3", "n3", True, True),
    ("SPARQLQ", "SPARQL query", "application/sparql-query", "rq,sparql", True, True),
    ("SPARQLQRES", "SPARQL results", "application/sparql-results+xml", "srx", True, True),
    # Geographic data
    ("GEOJSON", "GeoJSON", "application/geo+json", "geojson", True, True),
    ("SHP", "Esri Shapefile", "application/vnd.shp", "shp", True, True),
    ("GPKG", "GeoPackage", "application/geopackage+sqlite3", "gpkg", True, True),
    ("GML", "GML", "application/gml+xml", "gml", True, True),
    ("KML", "KML", "application/vnd.google-earth.kml+xml", "kml", True, True),
    ("KMZ", "KMZ", "application/vnd.google-earth.kmz", "kmz", True, True),
    ("GPX", "GPX", "application/gpx+xml", "gpx", True, True),
    ("GEOTIFF", "GeoTIFF", "image/tiff", "tif,tiff", True, True),
    ("NETCDF", "NetCDF", "application/x-netcdf", "nc", True, True),
    ("HDF", "HDF", "application/x-hdf5", "h5,hdf5,hdf", True, True),
    ("LAS", "LAS point cloud", "application/vnd.las", "las", True, True),
    ("LAZ", "LAZ point cloud", "application/vnd.laszip", "laz", True, True),
    ("DWG", "AutoCAD DWG", "image/vnd.dwg", "dwg", False, False),
    ("DXF", "AutoCAD DXF", "image/vnd.dxf", "dxf", True, False),
    ("GTFS", "GTFS", "application/zip", "zip", True, True),
    # Web services and feeds
    ("WMS_SRVC", "WMS", "application/xml", "", False, True),
    ("WMTS_SRVC", "WMTS", "application/xml", "", False, True),
    ("WFS_SRVC", "WFS", "application/xml", "", True, True),
    ("WCS_SRVC", "WCS", "application/xml", "", True, True),
    # Mostly ArcGIS MapServer endpoints: images from a vendor's protocol.
    ("MAP_SRVC", "Map service", "application/json", "", False, False),
    ("REST", "REST API", "application/json", "", True, True),
    ("ATOM", "Atom feed", "application/atom+xml", "atom", True, True),
    ("RSS", "RSS feed", "application/rss+xml", "rss", True, True),
    ("ICS", "iCalendar", "text/calendar", "ics", True, True),
    # Documents
    ("PDF", "PDF", "application/pdf", "pdf", False, False),
    ("HTML", "HTML", "text/html", "html,htm", False, True),
    ("XHTML", "XHTML", "application/xhtml+xml", "xhtml", False, True),
    ("TXT", "Text", "text/plain", "txt", False, True),
    ("MARKDOWN", "Markdown", "text/markdown", "md,markdown", False, True),
    ("RTF", "RTF", "application/rtf", "rtf", False, False),
    (
        "DOCX",
        "Word DOCX",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
        False,
        False,
    ),
    ("DOC", "Word DOC", "application/msword", "doc", False, False),
    ("ODT", "OpenDocument Text", "application/vnd.oasis.opendocument.text", "odt", False, True),
    (
        "PPTX",
        "PowerPoint PPTX",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pptx",
        False,
        False,
    ),
    ("PPT", "PowerPoint PPT", "application/vnd.ms-powerpoint", "ppt", False, False),
    (
        "ODP",
        "OpenDocument Presentation",
        "application/vnd.oasis.opendocument.presentation",
        "odp",
        False,
        True,
    ),
    # Images
    ("PNG", "PNG", "image/png", "png", False, True),
    ("JPEG", "JPEG", "image/jpeg", "jpg,jpeg", False, True),
    ("JPEG2000", "JPEG 2000", "image/jp2", "jp2", False, True),
    ("GIF", "GIF", "image/gif", "gif", False, True),
    ("SVG", "SVG", "image/svg+xml", "svg", False, True),
    ("TIFF", "TIFF", "image/tiff", "tif,tiff", False, True),
    ("WEBP", "WebP", "image/webp", "webp", False, True),
    # Archives and unknown binaries
    ("ZIP", "ZIP", "application/zip", "zip", False, True),
    ("GZIP", "GZIP", "application/gzip", "gz", False, True),
    ("TAR", "TAR", "application/x-tar", "tar", False, True),
    ("TAR_GZ", "TAR GZ", "application/gzip", "tar.gz,tgz", False, True),
    ("7Z", "7z", "application/x-7z-compressed", "7z", False, True),
    ("RAR", "RAR", "application/vnd.rar", "rar", False, False),
    ("OCTET", "Binary data", "application/octet-stream", "bin", False, False),
]

# Dutch labels of file types that are descriptions rather than names.
FILE_TYPE_LABELS_NL = {
    "SCHEMA_XML": "XML-schema",
    "ODS": "OpenDocument-rekenblad",
    "LAS": "LAS-puntenwolk",
    "LAZ": "LAZ-puntenwolk",
    "MAP_SRVC": "Kaartservice",
    "ATOM": "Atom-feed",
    "RSS": "RSS-feed",
    "SPARQLQ": "SPARQL-query",
    "SPARQLQRES": "SPARQL-resultaten",
    "ODT": "OpenDocument-tekst",
    "ODP": "OpenDocument-presentatie",
    "TXT": "Tekst",
    "OCTET": "Binaire gegevens",
}

# The 24 official EU languages first (Dutch and English leading), then other languages
# of the Kingdom of the Netherlands and its neighbours, and the common non-EU ones.
LANGUAGES = [
    ("NLD", "Dutch", "Nederlands"),
    ("ENG", "English", "Engels"),
    ("BUL", "Bulgarian", "Bulgaars"),
    ("CES", "Czech", "Tsjechisch"),
    ("DAN", "Danish", "Deens"),
    ("DEU", "German", "Duits"),
    ("ELL", "Greek", "Grieks"),
    ("EST", "Estonian", "Estisch"),
    ("FIN", "Finnish", "Fins"),
    ("FRA", "French", "Frans"),
    ("GLE", "Irish", "Iers"),
    ("HRV", "Croatian", "Kroatisch"),
    ("HUN", "Hungarian", "Hongaars"),
    ("ITA", "Italian", "Italiaans"),
    ("LAV", "Latvian", "Lets"),
    ("LIT", "Lithuanian", "Litouws"),
    ("MLT", "Maltese", "Maltees"),
    ("POL", "Polish", "Pools"),
    ("POR", "Portuguese", "Portugees"),
    ("RON", "Romanian", "Roemeens"),
    ("SLK", "Slovak", "Slowaaks"),
    ("SLV", "Slovenian", "Sloveens"),
    ("SPA", "Spanish", "Spaans"),
    ("SWE", "Swedish", "Zweeds"),
    ("FRY", "Western Frisian", "Fries"),
    ("PAP", "Papiamento", "Papiaments"),
    ("LIM", "Limburgish", "Limburgs"),
    ("NDS", "Low German", "Nedersaksisch"),
    ("LTZ", "Luxembourgish", "Luxemburgs"),
    ("CAT", "Catalan", "Catalaans"),
    ("EUS", "Basque", "Baskisch"),
    ("GLG", "Galician", "Galicisch"),
    ("NOR", "Norwegian", "Noors"),
    ("ISL", "Icelandic", "IJslands"),
    ("TUR", "Turkish", "Turks"),
    ("ARA", "Arabic", "Arabisch"),
    ("ZHO", "Chinese", "Chinees"),
    ("RUS", "Russian", "Russisch"),
    ("UKR", "Ukrainian", "Oekraïens"),
    ("MUL", "Multiple languages", "Meerdere talen"),
]

PUBLISHER_TYPES = [
    ("NationalAuthority", "National authority", "Nationale overheid"),
    ("RegionalAuthority", "Regional authority", "Regionale overheid"),
    ("LocalAuthority", "Local authority", "Lokale overheid"),
    ("SupraNationalAuthority", "Supra-national authority", "Supranationale overheid"),
    (
        "Academia-ScientificOrganisation",
        "Academia/Scientific organisation",
        "Academische of wetenschappelijke organisatie",
    ),
    ("StandardisationBody", "Standardisation body", "Normalisatie-instelling"),
    (
        "NonGovernmentalOrganisation",
        "Non-governmental organisation",
        "Niet-gouvernementele organisatie",
    ),
    ("NonProfitOrganisation", "Non-profit organisation", "Organisatie zonder winstoogmerk"),
    ("Company", "Company", "Bedrijf"),
    ("IndustryConsortium", "Industry consortium", "Industrieconsortium"),
    ("PrivateIndividual(s)", "Private individual(s)", "Particulier(en)"),
]

DISTRIBUTION_STATUSES = [
    ("COMPLETED", "Completed", "Voltooid"),
    ("DEVELOP", "Under development", "In ontwikkeling"),
    ("DEPRECATED", "Deprecated", "Verouderd"),
    ("WITHDRAWN", "Withdrawn", "Ingetrokken"),
]

CC = "http://creativecommons.org"

# Flags: open (Open Definition conformant), attribution, share-alike, non-commercial,
# no-derivatives, public domain. `eu` is the code in the EU licence authority table, so
# harvested records that use the EU URI map onto the same licence.
LICENCES = [
    # code, uri, url, en, nl, eu, flags
    dict(
        code="CC0-1.0",
        uri=f"{CC}/publicdomain/zero/1.0/",
        url="https://creativecommons.org/publicdomain/zero/1.0/deed",
        eu="CC0",
        en="Creative Commons CC0 1.0 Universal",
        nl="Creative Commons CC0 1.0 Universeel",
        is_open=True,
        public_domain=True,
    ),
    dict(
        code="PDM-1.0",
        uri=f"{CC}/publicdomain/mark/1.0/",
        url="https://creativecommons.org/publicdomain/mark/1.0/deed",
        eu="CC_PDM_1_0",
        en="Public Domain Mark 1.0",
        nl="Publiek Domein Merk 1.0",
        is_open=True,
        public_domain=True,
    ),
    dict(
        code="CC-BY-4.0",
        uri=f"{CC}/licenses/by/4.0/",
        url="https://creativecommons.org/licenses/by/4.0/deed",
        eu="CC_BY_4_0",
        en="Creative Commons Attribution 4.0 International",
        nl="Creative Commons Naamsvermelding 4.0 Internationaal",
        is_open=True,
        attribution=True,
    ),
    dict(
        code="CC-BY-SA-4.0",
        uri=f"{CC}/licenses/by-sa/4.0/",
        url="https://creativecommons.org/licenses/by-sa/4.0/deed",
        eu="CC_BYSA_4_0",
        en="Creative Commons Attribution-ShareAlike 4.0 International",
        nl="Creative Commons Naamsvermelding-GelijkDelen 4.0 Internationaal",
        is_open=True,
        attribution=True,
        share_alike=True,
    ),
    dict(
        code="CC-BY-NC-4.0",
        uri=f"{CC}/licenses/by-nc/4.0/",
        url="https://creativecommons.org/licenses/by-nc/4.0/deed",
        eu="CC_BYNC_4_0",
        en="Creative Commons Attribution-NonCommercial 4.0 International",
        nl="Creative Commons Naamsvermelding-NietCommercieel 4.0 Internationaal",
        attribution=True,
        non_commercial=True,
    ),
    dict(
        code="CC-BY-ND-4.0",
        uri=f"{CC}/licenses/by-nd/4.0/",
        url="https://creativecommons.org/licenses/by-nd/4.0/deed",
        eu="CC_BYND_4_0",
        en="Creative Commons Attribution-NoDerivatives 4.0 International",
        nl="Creative Commons Naamsvermelding-GeenAfgeleideWerken 4.0 Internationaal",
        attribution=True,
        no_derivatives=True,
    ),
    dict(
        code="CC-BY-NC-SA-4.0",
        uri=f"{CC}/licenses/by-nc-sa/4.0/",
        url="https://creativecommons.org/licenses/by-nc-sa/4.0/deed",
        eu="CC_BYNCSA_4_0",
        en="Creative Commons Attribution-NonCommercial-ShareAlike 4.0 International",
        nl="Creative Commons Naamsvermelding-NietCommercieel-GelijkDelen 4.0 Internationaal",
        attribution=True,
        share_alike=True,
        non_commercial=True,
    ),
    dict(
        code="CC-BY-NC-ND-4.0",
        uri=f"{CC}/licenses/by-nc-nd/4.0/",
        url="https://creativecommons.org/licenses/by-nc-nd/4.0/deed",
        eu="CC_BYNCND_4_0",
        en="Creative Commons Attribution-NonCommercial-NoDerivatives 4.0 International",
        nl="Creative Commons Naamsvermelding-NietCommercieel-GeenAfgeleideWerken 4.0 "
        "Internationaal",
        attribution=True,
        non_commercial=True,
        no_derivatives=True,
    ),
    dict(
        code="ODbL-1.0",
        uri=f"{EU}/licence/ODC_BL",
        url="https://opendatacommons.org/licenses/odbl/1-0/",
        eu="ODC_BL",
        en="Open Data Commons Open Database License 1.0",
        nl="Open Data Commons Open Database License 1.0",
        is_open=True,
        attribution=True,
        share_alike=True,
    ),
    dict(
        code="ODC-BY-1.0",
        uri=f"{EU}/licence/ODC_BY",
        url="https://opendatacommons.org/licenses/by/1-0/",
        eu="ODC_BY",
        en="Open Data Commons Attribution License 1.0",
        nl="Open Data Commons Attribution License 1.0",
        is_open=True,
        attribution=True,
    ),
    dict(
        code="PDDL-1.0",
        uri=f"{EU}/licence/ODC_PDDL",
        url="https://opendatacommons.org/licenses/pddl/1-0/",
        eu="ODC_PDDL",
        en="Open Data Commons Public Domain Dedication and License 1.0",
        nl="Open Data Commons Public Domain Dedication and License 1.0",
        is_open=True,
        public_domain=True,
    ),
    dict(
        code="EUPL-1.2",
        uri=f"{EU}/licence/EUPL_1_2",
        url="https://interoperable-europe.ec.europa.eu/collection/eupl/eupl-text-eupl-12",
        eu="EUPL_1_2",
        en="European Union Public Licence 1.2",
        nl="Europese Unie Publieke Licentie 1.2",
        is_open=True,
        attribution=True,
        share_alike=True,
    ),
    dict(
        code="OGL-UK-3.0",
        uri=f"{EU}/licence/OGL_3_0",
        url="https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
        eu="OGL_3_0",
        en="Open Government Licence v3.0 (UK)",
        nl="Open Government Licence v3.0 (VK)",
        is_open=True,
        attribution=True,
    ),
    dict(
        code="DL-DE-ZERO-2.0",
        uri=f"{EU}/licence/DLDE_ZERO_2_0",
        url="https://www.govdata.de/dl-de/zero-2-0",
        eu="DLDE_ZERO_2_0",
        en="Data licence Germany – Zero – Version 2.0",
        nl="Datalicentie Duitsland – Zero – versie 2.0",
        is_open=True,
    ),
    dict(
        code="DL-DE-BY-2.0",
        uri=f"{EU}/licence/DLDE_BY_2_0",
        url="https://www.govdata.de/dl-de/by-2-0",
        eu="DLDE_BY_2_0",
        en="Data licence Germany – attribution – Version 2.0",
        nl="Datalicentie Duitsland – naamsvermelding – versie 2.0",
        is_open=True,
        attribution=True,
    ),
    dict(
        code="Apache-2.0",
        uri=f"{EU}/licence/APACHE_2_0",
        url="https://www.apache.org/licenses/LICENSE-2.0",
        eu="APACHE_2_0",
        en="Apache License 2.0",
        nl="Apache-licentie 2.0",
        is_open=True,
        attribution=True,
    ),
    dict(
        code="MIT",
        uri=f"{EU}/licence/MIT",
        url="https://opensource.org/license/mit",
        eu="MIT",
        en="MIT License",
        nl="MIT-licentie",
        is_open=True,
        attribution=True,
    ),
]

LICENCE_FLAGS = (
    "is_open",
    "attribution",
    "share_alike",
    "non_commercial",
    "no_derivatives",
    "public_domain",
)

# EU licence table URI -> our licence code, for reading harvested metadata.
EU_LICENCE_CODES = {f"{EU}/licence/{licence['eu']}": licence["code"] for licence in LICENCES}


def concepts():
    """Every concept we ship, as dicts of Concept field values."""
    tables = [
        ("theme", THEMES),
        ("access-right", ACCESS_RIGHTS),
        ("frequency", FREQUENCIES),
        ("language", LANGUAGES),
        ("publisher-type", PUBLISHER_TYPES),
        ("distribution-status", DISTRIBUTION_STATUSES),
    ]
    for scheme, rows in tables:
        scheme_uri, base = SCHEMES[scheme]
        for position, (code, en, nl) in enumerate(rows):
            yield {
                "scheme": scheme,
                "scheme_uri": scheme_uri,
                "uri": base + code,
                "code": code,
                "label": {"en": en, "nl": nl},
                "position": position,
            }
    scheme_uri, base = SCHEMES["file-type"]
    for position, (code, label, media_type, extensions, readable, open_format) in enumerate(
        FILE_TYPES
    ):
        yield {
            "scheme": "file-type",
            "scheme_uri": scheme_uri,
            "uri": base + code,
            "code": code,
            "label": {"en": label, "nl": FILE_TYPE_LABELS_NL.get(code, label)},
            "media_type": media_type,
            "extensions": extensions,
            "machine_readable": readable,
            "non_proprietary": open_format,
            "position": position,
        }


def licences():
    """Every licence we ship, as dicts of Licence field values."""
    for position, licence in enumerate(LICENCES):
        yield {
            "code": licence["code"],
            "uri": licence["uri"],
            "url": licence["url"],
            "title": {"en": licence["en"], "nl": licence["nl"]},
            "position": position,
            **{flag: licence.get(flag, False) for flag in LICENCE_FLAGS},
        }


def load_vocabularies(Concept, Licence):
    """Create or update every shipped concept and licence; safe to run again.

    Takes the model classes so the data migration can pass historical models.
    Rows are matched on their stable code, so a corrected URI or label is an update.
    Returns the number of concepts and licences written.
    """
    n_concepts = n_licences = 0
    for values in concepts():
        lookup = {"scheme": values.pop("scheme"), "code": values.pop("code")}
        Concept.objects.update_or_create(**lookup, defaults=values)
        n_concepts += 1
    for values in licences():
        Licence.objects.update_or_create(code=values.pop("code"), defaults=values)
        n_licences += 1
    return n_concepts, n_licences
