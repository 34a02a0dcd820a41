"""The kinds of classification table entrepot recognises, and the domain's fixed tables:
regions, the office's area names, ISO sub-regions, HS editions and the SITC overrides.

Kinds
-----
``un_hs_sitc``
    UNSD "HS20xx to SITC4" conversion: the published workbook (a sheet named "Conversion …"
    whose header row, on any of its first rows, has "From HS …" and "To SITC …") or a
    two-column CSV such as ``hs2022,sitc4``. 6-digit HS → SITC code as published. The HS
    edition is read from the header, the sheet or the file name (see :func:`hs_edition`).
``csd_hkhs_sitc``
    The statistics office's HKHS → SITC list, ``HS Code,SITC Code,Count`` (CSV or XLSX):
    8-digit HKHS → 5-digit SITC. The office pads 4-digit subgroups with a trailing 0
    ("00150" is subgroup 0015); codes are kept as published, which is harmless because
    section, division and group are the leading 1, 2 and 3 digits.
``hs_names``
    HS code → name, into ``commodities``: UN Comtrade ``classificationH5.json`` (HS2017),
    ``classificationH6.json`` (HS2022) and the other ``H0``…``H6`` lists (the leading
    "code - " of each text is removed; aggregates such as ``TOTAL`` and ``AG6`` are
    skipped), and datahub's ``harmonized-system.csv`` (``section,hscode,description,
    parent,level``; its edition comes from the ``datapackage.json`` beside it).
``csd_hkhs_items``
    The office's HKHS item list (``HS_Code,HS_Code_Level,HS_English_Description,…,Unit``):
    chapters, headings, HS subheadings and 8-digit items with their names, and for each
    item its quantity unit (``KG``, ``NO.``, ``TH``…; ``-`` means none), into
    ``commodities``.
``sitc_names``
    SITC code → name, into ``sitc`` (level = significant digits: 1 section … 5 item; no
    Rev.4 item ends in 0, so a 5-digit code ending in 0 is a padded subgroup, level 4).
    UN Comtrade ``classificationS4.json`` (the leading "code - " of each text is removed;
    aggregate ids such as ``TOTAL``, ``AG3`` and ``771X`` are skipped), ``code,digits,
    parent,description``, ``division,section,section_name,division_name`` and the office's
    ``SITC_Code,SITC_Code_Level,SITC_English_Description,…``.
``csd_countries``
    The office's 3-digit country codes (``Country Code,Region,Country Short Description,…``).
    The ``Region`` column is a level, not a region: 1 marks an area header row (codes 1 to
    9), 2 a country. A country belongs to the header whose code is its first digit (every
    country in the published list also follows that header). Headers are not partners;
    their names become the countries' ``region``. Partner name = short description.
``csd_areas``
    The office's areas: ``area.csv`` (``AREACODE,DESC,…``; A100 North America …) and
    ``areacnty.csv`` (``ACODE,CCODE,…``), or the ``area`` and ``areacnty`` sheets of
    ``geography.xlsx``. Sets ``partners.area`` of the countries already in the store (load
    them with, or after, ``csd_countries``; memberships that reach no stored country are
    an error). Without the area names in the same load the area code is stored, and a
    later load of the names replaces it. Rows whose ``ADMIN_CODE`` is N (placeholder rows)
    are skipped. A country listed in several areas gets the one named in :data:`REGIONS`
    (``geography.xlsx`` lists the European countries again under 900 EUROPE). The areas
    differ from the code list's headers: Central Asia is in Asia, the Baltic and Balkan
    states in Eastern Europe, Cyprus in Western Europe, Iran in the Middle East.
    Also the office's regional groupings, the ``region`` (``REGCODE,DESC``: 100 E.U., 300
    ASEAN, 310 Belt & Road …) and ``regcnty`` (``RCODE,CCODE``) sheets of
    ``geography.xlsx``, into ``partner_groups``: a country belongs to any number of them.
``iso_countries``
    ``country-codes.csv`` (datahub): ISO 3166-1 alpha-3 code, CLDR display name (else the
    official name), region from the UN M49 sub-region, see :data:`ISO_SUBREGIONS` and
    :data:`ISO_EXCEPTIONS`. Also the ``name,alpha-2,alpha-3,…,region,sub-region`` layout.
``entrepot``
    entrepot's own CSVs, detected by their exact columns: ``commodities.csv``
    (``commodity,sitc`` and optionally ``name``, stored in ``commodities``), ``sitc.csv``
    (``code,level,name``) and ``partners.csv`` (``code,name,region,area``).

Regions share one vocabulary, :data:`REGIONS`, whatever the source: the office's area
names map onto it (``CIS & EASTERN EUROPE`` and ``CENTRAL & EASTERN EUROPE`` → Eastern
Europe, ``CEN & SOUTH AMERICA`` → Latin America, ``AUSTRALASIA & OCEANIA`` → Oceania).

Overrides
---------
Integrated circuits (HS 8542) belong in SITC 776 (division 77). UNSD's HS2022 → SITC4
conversion sheet sends 854232 and 854233 to 764 (telecommunications equipment) and 854231
and 854239 only to group 776. :data:`OVERRIDES` maps them to the 7764x items on which
UNSD's HS2017 conversion sheet (the 1:n rows of its correlation sheet too) and the office's
HKHS table (85423111 … 85423990) agree, and which the HS2022 correlation sheet lists among
each subheading's candidates: 854231 → 77642 processors and controllers, 854232 → 77644
memories, 854233 → 77646 amplifiers, 854239 → 77649 other. They apply to every commodity
starting with the prefix, in every HS → SITC table loaded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

KINDS: tuple[str, ...] = (
    "un_hs_sitc",
    "csd_hkhs_sitc",
    "hs_names",
    "csd_hkhs_items",
    "sitc_names",
    "csd_countries",
    "csd_areas",
    "iso_countries",
    "hs_correlation",
    "entrepot",
)

KIND_HEADERS: dict[str, str] = {
    "un_hs_sitc": "'From HS …','To SITC …' (sheet 'Conversion …') or 'hs2022,sitc4'",
    "csd_hkhs_sitc": "'HS Code,SITC Code,Count'",
    "hs_names": "classificationH5.json/classificationH6.json (UN Comtrade) or "
    "'section,hscode,description,parent,level'",
    "csd_hkhs_items": "'HS_Code,HS_Code_Level,HS_English_Description,…,Unit'",
    "sitc_names": "classificationS4.json, 'code,digits,parent,description', "
    "'division,section,section_name,division_name' or 'SITC_Code,SITC_Code_Level,"
    "SITC_English_Description'",
    "csd_countries": "'Country Code,Region,Country Short Description'",
    "csd_areas": "'AREACODE,DESC' or 'ACODE,CCODE' (areas); 'REGCODE,DESC' or 'RCODE,CCODE' "
    "(regional groupings)",
    "iso_countries": "'ISO3166-1-Alpha-3,CLDR display name,Region Name,Sub-region Name' "
    "or 'name,alpha-3,region,sub-region'",
    "hs_correlation": "'HS2022,HS2017,Relationship' (UNSD's HS2022toHS2017 correlation sheet)",
    "entrepot": "'commodity,sitc[,name]', 'code,level,name' or 'code,name,region,area'",
}


# -- HS editions ---------------------------------------------------------------------------

HS_EDITIONS: tuple[str, ...] = (
    "HS1992",
    "HS1996",
    "HS2002",
    "HS2007",
    "HS2012",
    "HS2017",
    "HS2022",
)
"""The HS editions, oldest first; UN Comtrade calls them H0 to H6."""

_HS_YEAR = re.compile(r"(?<![A-Za-z])(?i:hs)[\s_-]*(\d{4}|\d{2})(?!\d)")
_COMTRADE = re.compile(r"(?:^|[^A-Za-z]|classification)H([0-6])(?!\d)")


def edition_in_force(year: int) -> str:
    """The HS edition in force in ``year`` (the latest that came in by then).

    >>> edition_in_force(2021), edition_in_force(2022), edition_in_force(2026)
    ('HS2017', 'HS2022', 'HS2022')
    """
    started = [e for e in HS_EDITIONS if int(e[2:]) <= year]
    return started[-1] if started else HS_EDITIONS[0]


def hs_edition(*texts: str | None) -> str | None:
    """The HS edition the first of ``texts`` to name one names, else None.

    >>> hs_edition("From HS 2022"), hs_edition("Conversion HS17-SITC4"), hs_edition("H5")
    ('HS2022', 'HS2017', 'HS2017')
    >>> hs_edition("HS Code", "classificationH6.json"), hs_edition("sitc4")
    ('HS2022', None)
    """
    for text in texts:
        if not text:
            continue
        for year_match in _HS_YEAR.finditer(text):
            digits = year_match.group(1)
            year = (
                int(digits)
                if len(digits) == 4
                else int(digits) + (1900 if digits >= "88" else 2000)
            )
            if f"HS{year}" in HS_EDITIONS:
                return f"HS{year}"
        if class_match := _COMTRADE.search(text):
            return HS_EDITIONS[int(class_match.group(1))]
    return None


# -- overrides -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Override:
    """A commodity prefix whose published SITC code entrepot replaces, and why."""

    commodity_prefix: str
    sitc: str
    reason: str


_IC_EVIDENCE = "as in UNSD's HS2017 table and the office's HKHS table"
OVERRIDES: tuple[Override, ...] = (
    Override(
        "854231",
        "77642",
        f"integrated circuits, processors and controllers: SITC 77642 {_IC_EVIDENCE}; "
        "UNSD's HS2022 conversion gives only group 776",
    ),
    Override(
        "854232",
        "77644",
        f"integrated circuits, memories: SITC 77644 {_IC_EVIDENCE}; "
        "UNSD's HS2022 conversion gives 764 (telecommunications equipment)",
    ),
    Override(
        "854233",
        "77646",
        f"integrated circuits, amplifiers: SITC 77646 {_IC_EVIDENCE}; "
        "UNSD's HS2022 conversion gives 764 (telecommunications equipment)",
    ),
    Override(
        "854239",
        "77649",
        f"integrated circuits, other: SITC 77649 {_IC_EVIDENCE}; "
        "UNSD's HS2022 conversion gives only group 776",
    ),
)


def sitc_overrides() -> tuple[Override, ...]:
    """The overrides applied to every HS → SITC table loaded."""
    return OVERRIDES


def apply_overrides(
    rows: Iterable[tuple[str, str]],
) -> tuple[list[tuple[str, str]], list[tuple[str, str, str, str]]]:
    """``(commodity, sitc)`` with :data:`OVERRIDES` applied, and the overrides applied as
    ``(commodity, published sitc, sitc, reason)``."""
    mapped: list[tuple[str, str]] = []
    applied: list[tuple[str, str, str, str]] = []
    for commodity, published in rows:
        sitc = published
        for o in OVERRIDES:
            if commodity.startswith(o.commodity_prefix) and published != o.sitc:
                sitc = o.sitc
                applied.append((commodity, published, o.sitc, o.reason))
                break
        mapped.append((commodity, sitc))
    return mapped, applied


# -- regions -------------------------------------------------------------------------------

REGIONS: tuple[str, ...] = (
    "North America",
    "Western Europe",
    "Eastern Europe",
    "Latin America",
    "Middle East",
    "Asia",
    "Africa",
    "Oceania",
    "Unknown",
)
"""Trade regions, in the order of the office's areas A100 to A800."""

OFFICE_REGIONS: dict[str, str] = {
    "NORTH AMERICA": "North America",
    "WESTERN EUROPE": "Western Europe",
    "CIS & EASTERN EUROPE": "Eastern Europe",
    "CENTRAL & EASTERN EUROPE": "Eastern Europe",
    "CEN & SOUTH AMERICA": "Latin America",
    "LATIN AMERICA": "Latin America",
    "MIDDLE EAST": "Middle East",
    "ASIA": "Asia",
    "AFRICA": "Africa",
    "AUSTRALASIA & OCEANIA": "Oceania",
    "AUSTRALASIA/OCEANIA": "Oceania",
    "COUNTRY UNKNOWN": "Unknown",
    "WORLD": "World",
}
"""The office's area and header names (upper-cased, "Area - " removed) → :data:`REGIONS`."""

ISO_SUBREGIONS: dict[str, str] = {
    "Northern America": "North America",
    "Latin America and the Caribbean": "Latin America",
    "Western Europe": "Western Europe",
    "Northern Europe": "Western Europe",
    "Southern Europe": "Western Europe",
    "Eastern Europe": "Eastern Europe",
    "Western Asia": "Middle East",
    "Central Asia": "Asia",
    "Eastern Asia": "Asia",
    "South-eastern Asia": "Asia",
    "Southern Asia": "Asia",
    "Northern Africa": "Africa",
    "Sub-Saharan Africa": "Africa",
    "Australia and New Zealand": "Oceania",
    "Melanesia": "Oceania",
    "Micronesia": "Oceania",
    "Polynesia": "Oceania",
}
"""UN M49 sub-region → trade region, for ISO country lists."""

ISO_EXCEPTIONS: dict[str, str] = {
    # The office's areas put the Baltic, Balkan and Caucasus states in Central & Eastern
    # Europe, Turkey and Cyprus in Western Europe and Iran in the Middle East.
    **dict.fromkeys(
        ("EST", "LVA", "LTU", "ALB", "BIH", "HRV", "MKD", "MNE", "SRB", "SVN"),
        "Eastern Europe",
    ),
    **dict.fromkeys(("ARM", "AZE", "GEO"), "Eastern Europe"),
    "TUR": "Western Europe",
    "CYP": "Western Europe",
    "IRN": "Middle East",
    "TWN": "Asia",  # the ISO-3166-Countries-with-Regional-Codes list leaves Taiwan blank
}
"""ISO alpha-3 codes whose trade region differs from their M49 sub-region's."""


def office_region(name: str) -> str:
    """An office area or header name in :data:`REGIONS`' words (other names as given).

    >>> office_region("Area - CEN & SOUTH AMERICA"), office_region("E.U.")
    ('Latin America', 'E.U.')
    """
    key = re.sub(r"^AREA\s*-\s*", "", name.strip().upper())
    return OFFICE_REGIONS.get(key, name.strip())


def iso_region(code: str, region: str, subregion: str) -> str | None:
    """The trade region of ISO alpha-3 ``code`` from its M49 region and sub-region."""
    if code in ISO_EXCEPTIONS:
        return ISO_EXCEPTIONS[code]
    if subregion in ISO_SUBREGIONS:
        return ISO_SUBREGIONS[subregion]
    return subregion or region or None  # Antarctica has none
