"""Trading partners of the sample: about a hundred economies with Hong Kong-like weights.

Codes are ISO 3166 alpha-3 in Parquet and CSV output and the statistics office's 3-digit
codes in its fixed-width files. ``region`` follows the office's areas (Cyprus sits in Western
Europe and Kazakhstan in Asia there); ``area`` is the UN M49 sub-region.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .commodities import SEGMENT_INDEX, SEGMENTS

MAINLAND = "CHN"
MACAO = "MAC"


@dataclass(frozen=True)
class Partner:
    iso3: str
    office_code: str
    name: str
    region: str
    area: str
    exports: float
    """Share of Hong Kong's total exports in the base year, per cent."""
    imports: float
    """Share of Hong Kong's imports (by origin) in the base year, per cent."""


# iso3, office code, name, region, area, share of exports %, share of imports % (2023-like).
_TABLE: tuple[tuple[str, str, str, str, str, float, float], ...] = (
    ("CHN", "631", "Chinese Mainland", "Asia", "Eastern Asia", 55.4, 42.0),
    ("TWN", "612", "Taiwan", "Asia", "Eastern Asia", 2.4, 12.5),
    ("VNM", "633", "Viet Nam", "Asia", "South-eastern Asia", 3.9, 3.0),
    ("IND", "693", "India", "Asia", "Southern Asia", 3.2, 1.0),
    ("JPN", "621", "Japan", "Asia", "Eastern Asia", 2.3, 4.6),
    ("SGP", "697", "Singapore", "Asia", "South-eastern Asia", 2.0, 7.2),
    ("KOR", "617", "Korea, Republic of", "Asia", "Eastern Asia", 1.7, 5.6),
    ("MYS", "694", "Malaysia", "Asia", "South-eastern Asia", 1.1, 3.8),
    ("THA", "619", "Thailand", "Asia", "South-eastern Asia", 1.1, 1.6),
    ("PHL", "616", "Philippines", "Asia", "South-eastern Asia", 1.2, 2.2),
    ("MAC", "615", "Macao", "Asia", "Eastern Asia", 1.3, 0.05),
    ("IDN", "613", "Indonesia", "Asia", "South-eastern Asia", 0.6, 0.5),
    ("KHM", "611", "Cambodia", "Asia", "South-eastern Asia", 0.2, 0.05),
    ("MMR", "622", "Myanmar", "Asia", "South-eastern Asia", 0.06, 0.02),
    ("LAO", "614", "Lao People's Democratic Republic", "Asia", "South-eastern Asia", 0.03, 0.01),
    ("BGD", "699", "Bangladesh", "Asia", "Southern Asia", 0.45, 0.03),
    ("PAK", "643", "Pakistan", "Asia", "Southern Asia", 0.15, 0.02),
    ("LKA", "692", "Sri Lanka", "Asia", "Southern Asia", 0.08, 0.02),
    ("NPL", "642", "Nepal", "Asia", "Southern Asia", 0.02, 0.005),
    ("MNG", "647", "Mongolia", "Asia", "Eastern Asia", 0.04, 0.005),
    ("BRN", "691", "Brunei Darussalam", "Asia", "South-eastern Asia", 0.02, 0.005),
    ("MDV", "646", "Maldives", "Asia", "Southern Asia", 0.01, 0.002),
    ("ARE", "523", "United Arab Emirates", "Middle East", "Western Asia", 1.6, 0.5),
    ("SAU", "521", "Saudi Arabia", "Middle East", "Western Asia", 0.35, 0.05),
    ("ISR", "514", "Israel", "Middle East", "Western Asia", 0.4, 0.3),
    ("QAT", "519", "Qatar", "Middle East", "Western Asia", 0.08, 0.05),
    ("KWT", "516", "Kuwait", "Middle East", "Western Asia", 0.06, 0.01),
    ("OMN", "518", "Oman", "Middle East", "Western Asia", 0.05, 0.01),
    ("BHR", "511", "Bahrain", "Middle East", "Western Asia", 0.03, 0.01),
    ("JOR", "515", "Jordan", "Middle East", "Western Asia", 0.04, 0.005),
    ("LBN", "517", "Lebanon", "Middle East", "Western Asia", 0.02, 0.002),
    ("IRQ", "513", "Iraq", "Middle East", "Western Asia", 0.05, 0.002),
    ("CYP", "592", "Cyprus", "Western Europe", "Western Asia", 0.01, 0.002),
    ("USA", "111", "United States of America", "North America", "Northern America", 6.2, 4.3),
    ("CAN", "191", "Canada", "North America", "Northern America", 0.5, 0.3),
    ("DEU", "221", "Germany", "Western Europe", "Western Europe", 1.2, 1.1),
    ("NLD", "222", "Netherlands", "Western Europe", "Western Europe", 1.3, 0.35),
    ("GBR", "294", "United Kingdom", "Western Europe", "Northern Europe", 1.1, 0.6),
    ("FRA", "224", "France", "Western Europe", "Western Europe", 0.5, 1.0),
    ("ITA", "225", "Italy", "Western Europe", "Southern Europe", 0.4, 0.8),
    ("CHE", "215", "Switzerland", "Western Europe", "Western Europe", 0.6, 1.6),
    ("ESP", "231", "Spain", "Western Europe", "Southern Europe", 0.35, 0.2),
    ("BEL", "223", "Belgium", "Western Europe", "Western Europe", 0.3, 0.7),
    ("IRL", "236", "Ireland", "Western Europe", "Northern Europe", 0.08, 0.15),
    ("AUT", "217", "Austria", "Western Europe", "Western Europe", 0.06, 0.1),
    ("SWE", "212", "Sweden", "Western Europe", "Northern Europe", 0.1, 0.1),
    ("DNK", "214", "Denmark", "Western Europe", "Northern Europe", 0.07, 0.07),
    ("NOR", "213", "Norway", "Western Europe", "Northern Europe", 0.04, 0.03),
    ("FIN", "211", "Finland", "Western Europe", "Northern Europe", 0.04, 0.04),
    ("PRT", "216", "Portugal", "Western Europe", "Southern Europe", 0.05, 0.03),
    ("GRC", "233", "Greece", "Western Europe", "Southern Europe", 0.05, 0.01),
    ("TUR", "234", "Türkiye", "Western Europe", "Western Asia", 0.3, 0.05),
    ("LUX", "219", "Luxembourg", "Western Europe", "Western Europe", 0.01, 0.01),
    ("MLT", "293", "Malta", "Western Europe", "Southern Europe", 0.01, 0.005),
    ("ISL", "235", "Iceland", "Western Europe", "Northern Europe", 0.005, 0.005),
    ("RUS", "331", "Russian Federation", "Eastern Europe", "Eastern Europe", 0.5, 0.1),
    ("POL", "317", "Poland", "Eastern Europe", "Eastern Europe", 0.3, 0.05),
    ("CZE", "314", "Czechia", "Eastern Europe", "Eastern Europe", 0.2, 0.05),
    ("HUN", "316", "Hungary", "Eastern Europe", "Eastern Europe", 0.1, 0.05),
    ("ROU", "318", "Romania", "Eastern Europe", "Eastern Europe", 0.05, 0.01),
    ("SVK", "315", "Slovakia", "Eastern Europe", "Eastern Europe", 0.03, 0.01),
    ("BGR", "313", "Bulgaria", "Eastern Europe", "Eastern Europe", 0.02, 0.005),
    ("UKR", "334", "Ukraine", "Eastern Europe", "Eastern Europe", 0.03, 0.005),
    ("KAZ", "326", "Kazakhstan", "Asia", "Central Asia", 0.12, 0.02),
    ("UZB", "335", "Uzbekistan", "Asia", "Central Asia", 0.03, 0.002),
    ("LTU", "253", "Lithuania", "Eastern Europe", "Northern Europe", 0.02, 0.005),
    ("EST", "251", "Estonia", "Eastern Europe", "Northern Europe", 0.01, 0.005),
    ("LVA", "252", "Latvia", "Eastern Europe", "Northern Europe", 0.01, 0.005),
    ("SVN", "243", "Slovenia", "Eastern Europe", "Southern Europe", 0.02, 0.01),
    ("HRV", "242", "Croatia", "Eastern Europe", "Southern Europe", 0.01, 0.002),
    ("GEO", "325", "Georgia", "Eastern Europe", "Western Asia", 0.01, 0.002),
    ("MEX", "426", "Mexico", "Latin America", "Latin America and the Caribbean", 0.5, 0.05),
    ("BRA", "413", "Brazil", "Latin America", "Latin America and the Caribbean", 0.4, 0.15),
    ("CHL", "414", "Chile", "Latin America", "Latin America and the Caribbean", 0.2, 0.2),
    ("ARG", "411", "Argentina", "Latin America", "Latin America and the Caribbean", 0.08, 0.05),
    ("COL", "415", "Colombia", "Latin America", "Latin America and the Caribbean", 0.08, 0.01),
    ("PER", "431", "Peru", "Latin America", "Latin America and the Caribbean", 0.06, 0.02),
    ("PAN", "428", "Panama", "Latin America", "Latin America and the Caribbean", 0.1, 0.01),
    ("ECU", "419", "Ecuador", "Latin America", "Latin America and the Caribbean", 0.03, 0.05),
    ("URY", "432", "Uruguay", "Latin America", "Latin America and the Caribbean", 0.02, 0.02),
    ("CRI", "416", "Costa Rica", "Latin America", "Latin America and the Caribbean", 0.02, 0.05),
    (
        "DOM",
        "418",
        "Dominican Republic",
        "Latin America",
        "Latin America and the Caribbean",
        0.02,
        0.005,
    ),
    ("GTM", "423", "Guatemala", "Latin America", "Latin America and the Caribbean", 0.02, 0.005),
    ("ZAF", "744", "South Africa", "Africa", "Sub-Saharan Africa", 0.2, 0.1),
    ("NGA", "793", "Nigeria", "Africa", "Sub-Saharan Africa", 0.12, 0.01),
    ("EGY", "715", "Egypt", "Africa", "Northern Africa", 0.08, 0.005),
    ("KEN", "791", "Kenya", "Africa", "Sub-Saharan Africa", 0.05, 0.005),
    ("MAR", "712", "Morocco", "Africa", "Northern Africa", 0.03, 0.005),
    ("GHA", "790", "Ghana", "Africa", "Sub-Saharan Africa", 0.04, 0.005),
    ("ETH", "717", "Ethiopia", "Africa", "Sub-Saharan Africa", 0.02, 0.002),
    ("TZA", "796", "Tanzania, United Republic of", "Africa", "Sub-Saharan Africa", 0.03, 0.005),
    ("DZA", "711", "Algeria", "Africa", "Northern Africa", 0.02, 0.002),
    ("TUN", "713", "Tunisia", "Africa", "Northern Africa", 0.01, 0.002),
    ("AGO", "743", "Angola", "Africa", "Sub-Saharan Africa", 0.02, 0.002),
    ("MUS", "792", "Mauritius", "Africa", "Sub-Saharan Africa", 0.02, 0.002),
    ("UGA", "797", "Uganda", "Africa", "Sub-Saharan Africa", 0.01, 0.002),
    ("SEN", "725", "Senegal", "Africa", "Sub-Saharan Africa", 0.01, 0.002),
    ("CIV", "729", "Côte d'Ivoire", "Africa", "Sub-Saharan Africa", 0.01, 0.002),
    ("AUS", "891", "Australia", "Oceania", "Australia and New Zealand", 0.9, 0.5),
    ("NZL", "895", "New Zealand", "Oceania", "Australia and New Zealand", 0.1, 0.1),
    ("FJI", "894", "Fiji", "Oceania", "Melanesia", 0.01, 0.002),
    ("PNG", "897", "Papua New Guinea", "Oceania", "Melanesia", 0.01, 0.02),
)

PARTNERS: tuple[Partner, ...] = tuple(Partner(*row) for row in _TABLE)
ISO3: tuple[str, ...] = tuple(p.iso3 for p in PARTNERS)
INDEX: dict[str, int] = {code: i for i, code in enumerate(ISO3)}

# Goods leave for the Mainland mostly by road and river; for Macao by the bridge and by
# river; elsewhere by air and sea (rail and road through the Mainland count as land).
_LAND_ROUTES: dict[str, float] = {"VNM": 0.04, "LAO": 0.1, "MNG": 0.2, "KAZ": 0.1, "RUS": 0.03}


def weights(flow_group: str) -> np.ndarray:
    """Base-year partner shares for ``exports`` or ``imports``, summing to 1."""
    column = "exports" if flow_group == "exports" else "imports"
    w = np.array([getattr(p, column) for p in PARTNERS], dtype=np.float64)
    return w / w.sum()


def mode_profile() -> np.ndarray:
    """Partner × mode (air, land, sea, river, other) propensities, rows summing to 1."""
    profile = np.tile(np.array([0.66, 0.0, 0.32, 0.0, 0.02]), (len(PARTNERS), 1))
    for iso3, land in _LAND_ROUTES.items():
        profile[INDEX[iso3]] = [0.6, land, 0.38 - land, 0.0, 0.02]
    profile[INDEX[MAINLAND]] = [0.12, 0.72, 0.085, 0.07, 0.005]
    profile[INDEX[MACAO]] = [0.03, 0.62, 0.04, 0.3, 0.01]
    return profile / profile.sum(axis=1, keepdims=True)


def index_of(codes: list[str]) -> np.ndarray:
    return np.array([INDEX[c] for c in codes], dtype=np.int64)


# What each economy trades with Hong Kong more (or less) than its overall share suggests,
# by commodity segment: AI servers and chips to Taiwan and Malaysia, gold to Switzerland…
SPECIALITIES: dict[str, dict[str, dict[str, float]]] = {
    "exports": {
        "CHN": {"clothing": 0.4, "toys": 0.4, "footwear": 0.4, "travel_goods": 0.5},
        "TWN": {"ic": 2.5, "semis": 2.0, "computer_parts": 2.5, "computers": 1.5},
        "MYS": {"computers": 3.0, "ic": 1.5, "computer_parts": 2.0},
        "THA": {"computers": 2.5, "computer_parts": 2.0},
        "SGP": {"ic": 1.5, "gold": 2.0},
        "VNM": {"ic": 2.0, "semis": 2.0, "elec_comp": 2.0, "phones": 1.5},
        "IND": {"phones": 2.0, "network": 1.5, "ic": 1.2},
        "KOR": {"ic": 1.5},
        "USA": {
            "phones": 1.5,
            "computers": 1.3,
            "toys": 3.0,
            "jewellery": 2.0,
            "watches": 1.5,
            "clothing": 2.0,
            "ic": 0.5,
        },
        "ARE": {"phones": 2.0, "gold": 3.0, "jewellery": 2.0},
        "CHE": {"gold": 5.0, "watches": 4.0, "jewellery": 3.0},
        "JPN": {"food": 1.5, "watches": 1.5, "jewellery": 1.5},
        "MAC": {"food": 6.0, "beverages_tobacco": 6.0, "watches": 3.0, "jewellery": 3.0},
    },
    "imports": {
        "CHN": {"clothing": 2.0, "toys": 2.0, "phones": 1.5, "food": 1.2, "ic": 0.6},
        "TWN": {"ic": 3.0, "semis": 2.0, "computer_parts": 2.0},
        "KOR": {"ic": 3.0, "fuels": 3.0},
        "SGP": {"ic": 2.0, "fuels": 5.0, "gold": 1.5},
        "MYS": {"ic": 2.0, "fuels": 2.0},
        "PHL": {"ic": 2.5},
        "JPN": {"ic": 1.3, "machinery": 2.0, "food": 2.0, "vehicles": 3.0},
        "USA": {"ic": 1.5, "food": 2.0},
        "CHE": {"gold": 6.0, "watches": 6.0},
        "AUS": {"food": 2.0, "gold": 2.0},
        "FRA": {"beverages_tobacco": 4.0, "jewellery": 3.0, "travel_goods": 4.0},
        "ITA": {"travel_goods": 4.0, "clothing": 2.0, "jewellery": 2.0},
        "BEL": {"precious_stones": 8.0},
        "IND": {"precious_stones": 4.0},
    },
}


def affinity(flow_group: str) -> np.ndarray:
    """Segment × partner weights: base-year partner shares times their specialities."""
    table = np.tile(weights(flow_group), (len(SEGMENTS), 1))
    for iso3, by_segment in SPECIALITIES[flow_group].items():
        for segment, factor in by_segment.items():
            table[SEGMENT_INDEX[segment], INDEX[iso3]] *= factor
    return table
