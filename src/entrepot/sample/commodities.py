"""Commodities of the sample: 8-digit items built under real HS 2022 subheadings.

Each subheading carries the SITC Rev.4 code that the UNSD HS 2022 to SITC Rev.4 conversion
gives it (a basic heading, or the 3-digit group where the conversion stops at a subgroup),
except the integrated circuits 8542.31 to 8542.39, which go to 776.4x as in the HS 2017 table
and the statistics office's own conversion (the HS 2022 table sends two of them to 764).
Quantity units are the office's. Items add 2-digit national suffixes to the subheadings.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# segment: hs6/sitc/unit ...  ("-" = no quantity is reported for the item)
_SUBHEADINGS = """
ic:
    854231/77642/THOUSAND 854232/77644/THOUSAND 854233/77646/THOUSAND 854239/77649/THOUSAND
semis:
    854110/77631/THOUSAND 854121/77632/THOUSAND 854129/77633/THOUSAND 854130/77635/NO.
    854141/77637/NO. 854142/77637/NO. 854143/77637/NO. 854149/77637/NO. 854151/77639/NO.
    854159/77639/NO. 854160/77681/NO. 854190/77688/-
elec_comp:
    853210/77861/THOUSAND 853221/77862/THOUSAND 853222/77863/THOUSAND 853223/77864/THOUSAND
    853310/77231/KG 853321/77232/KG 853329/77232/KG 853331/77233/KG 853400/772/KG
    853610/77251/KG 853620/77252/KG 853630/77253/KG 853641/77254/KG 853669/77258/KG
    853690/77259/KG 853710/77261/KG 853720/77262/KG 853810/77281/KG 853890/77282/KG
    854411/77311/KG 854419/77311/KG 854420/77312/M 854442/77316/KG 854449/77316/KG
elec_power:
    850410/77123/NO. 850421/77111/NO. 850422/77111/NO. 850440/77121/NO. 850511/77881/KG
    850519/77881/KG 850520/77881/KG 850610/77811/NO. 850630/77811/NO. 850640/77811/NO.
    850710/77812/NO. 850720/77812/NO. 850730/77812/NO. 850760/77812/NO. 850780/77812/NO.
    851110/77831/NO. 851120/77831/NO. 851130/77831/NO. 853910/77823/NO. 853921/77821/NO.
    853922/77821/NO. 854310/77871/NO. 854320/77878/NO. 854330/77878/NO.
appliances:
    841810/77521/NO. 841821/77521/NO. 841829/77521/NO. 841830/77522/NO. 850811/77551/NO.
    850819/77551/NO. 850860/77556/NO. 850940/77572/NO. 850980/77573/NO. 850990/77579/KG
    851010/77541/NO. 851020/77542/NO. 851030/77573/NO. 851610/77581/NO. 851621/77582/NO.
    851629/77582/NO.
phones:
    851711/76411/NO. 851713/76411/NO. 851714/76411/NO. 851718/76411/NO.
network:
    851761/76412/NO. 851762/76412/NO. 851769/76412/NO. 851771/76418/NO. 851779/76418/NO.
audio_video:
    851810/76421/NO. 851821/76422/NO. 851822/76422/NO. 851830/76424/NO. 851920/76331/NO.
    851930/76335/NO. 851981/76339/NO. 852110/76381/NO. 852190/76384/NO. 852550/76431/NO.
    852560/76432/NO. 852581/76484/NO. 852589/76484/NO. 852712/76221/NO. 852713/76221/NO.
    852842/761/NO. 852849/761/NO. 852852/761/NO. 852910/76493/KG 852990/76493/KG
computers:
    847130/752/NO. 847141/752/NO. 847149/752/NO. 847150/752/NO. 847160/752/NO.
    847170/752/NO. 847180/752/NO. 847190/752/NO.
computer_parts:
    844331/75194/NO. 844332/75195/NO. 844339/75196/NO. 844399/75197/KG 847010/75121/NO.
    847021/75122/NO. 847029/75122/NO. 847210/75191/NO. 847230/75193/NO. 847290/75199/NO.
    847321/75995/KG 847329/75995/KG 847330/75997/KG 847350/759/KG
machinery:
    841311/74211/NO. 841319/74219/NO. 841320/74271/NO. 841330/742/NO. 841410/74311/NO.
    841420/74313/NO. 841430/74315/NO. 841510/74151/NO. 841520/74155/NO. 841581/74155/NO.
    841850/74143/NO. 841861/74145/NO. 841869/74145/NO. 842111/74351/NO. 842112/74355/NO.
    842119/74359/NO. 844311/72651/NO. 844312/72655/NO. 844313/72659/NO. 847910/72348/NO.
    847920/72721/NO. 847930/72844/NO. 848110/747/NO. 848120/747/NO. 848130/747/NO.
    848180/747/NO. 848210/746/NO. 848220/746/NO. 848230/746/NO. 848610/72821/NO.
    848620/72821/NO. 848630/72821/NO. 848640/72822/NO. 850110/716/NO. 850120/71631/NO.
    850131/716/NO.
vehicles:
    870310/781/NO. 870321/781/NO. 870322/781/NO. 870380/781/NO. 870810/78431/KG
    870821/78432/KG 870822/78432/KG 870899/78439/KG 871110/78511/NO. 871120/78513/NO.
    871130/78515/NO. 871200/785/NO. 871410/78535/KG 871420/78536/KG
instruments:
    901310/87191/NO. 901320/87192/NO. 901380/87193/NO. 901831/87221/- 901832/87221/-
    901839/87221/- 901890/87229/- 902511/87455/NO. 902519/87455/NO. 902610/87431/NO.
    902620/87435/NO. 902710/87441/NO. 902720/87442/NO. 903010/87471/NO. 903020/87473/NO.
    903110/87425/NO. 903120/87425/NO. 903180/87425/NO. 903210/87461/NO. 903220/87463/NO.
optical_photo:
    900110/88419/KG 900120/88419/KG 900211/88431/NO. 900219/88432/NO. 900311/88421/NO.
    900319/88421/NO. 900410/88423/NO. 900490/88423/NO. 900630/88111/NO. 900659/88111/NO.
watches:
    910111/88531/NO. 910119/88531/NO. 910211/88541/NO. 910212/88541/NO. 910291/88549/NO.
    910310/88572/NO. 910390/88573/NO. 910511/88574/NO. 910519/88575/NO. 910811/88551/NO.
    910812/88551/NO. 911110/88591/NO. 911310/88592/KG 911430/88599/-
toys:
    950300/894/KG 950420/89433/- 950430/89435/- 950440/89437/PACK 950450/894/NO.
    950490/89439/- 950510/89445/KG 950590/89449/KG 950611/89473/PAIR 950612/89473/KG
    950619/89473/KG 950621/89474/NO.
jewellery:
    711311/89731/G 711319/89731/G 711320/89731/G 711411/89732/G 711419/89732/G
    711420/89732/G 711610/89733/KG 711620/89733/KG 711711/89721/KG 711719/89721/KG
    711790/89729/KG
precious_stones:
    710110/66711/G 710121/66712/- 710122/66713/- 710210/66721/CARAT 710231/66722/CARAT
    710239/66729/CARAT 710310/66731/- 710391/66739/- 710410/66741/G 710421/66742/G
gold:
    710811/97101/KG 710812/97101/KG 710813/97101/KG
clothing:
    610413/84421/NO. 610419/84421/NO. 610422/84422/NO. 610910/845/NO. 610990/845/NO.
    611011/845/NO. 611012/845/NO. 611020/845/NO. 611510/84623/KG 611521/84624/KG
    620311/84121/NO. 620312/84122/NO. 620342/841/NO. 620411/84221/NO. 620412/84221/NO.
    620462/842/NO. 620520/84151/NO. 620530/84159/NO. 620610/842/NO. 620620/842/NO.
    621111/84561/NO. 621112/84563/NO. 621210/84551/NO. 621220/84552/NO.
textiles:
    520811/65221/KG 520812/65221/KG 520911/65222/KG 520912/65222/KG 521011/65223/KG
    521019/65223/KG 540710/65311/KG 540720/65312/KG 551211/65321/KG 551219/65321/KG
    551511/65343/KG 551512/65342/KG 580610/65611/KG 580710/65621/KG 600110/65511/KG
    600610/65529/KG
footwear:
    640212/85121/PAIR 640219/85123/PAIR 640299/85132/PAIR 640312/85122/PAIR
    640319/85124/PAIR 640399/85148/PAIR 640411/85125/PAIR 640510/85149/PAIR
travel_goods:
    420211/83121/NO. 420212/83122/NO. 420219/83129/NO. 420221/83111/NO. 420222/83112/NO.
    420229/83119/NO.
furniture_lighting:
    940110/82111/NO. 940120/82112/NO. 940131/82114/NO. 940161/82116/NO. 940310/82131/KG
    940320/82139/KG 940330/82151/NO. 940360/82159/NO. 940410/82121/KG 940421/82123/NO.
    940429/82125/NO. 940511/81311/KG 940519/81311/KG 940542/81315/KG
plastics:
    390110/57111/KG 390120/57112/KG 390210/57511/KG 390220/57512/KG 390311/57211/KG
    390319/57219/KG 390410/57311/KG 390421/57312/KG 390710/57411/KG 390721/57419/KG
    392010/58221/KG 392020/58222/KG 392111/58291/KG 392112/58291/KG
plastic_articles:
    392310/89319/- 392321/89311/KG 392329/89311/- 392390/89319/- 392410/89332/KG
    392490/89332/KG 392610/89394/- 392630/89395/- 392640/89399/NO. 392690/89399/KG
chemicals:
    300410/54213/KG 300420/54219/KG 300431/54223/- 300490/54293/- 320810/53342/KG
    320820/53342/KG 321511/53321/KG 321519/53329/KG 330300/553/- 330410/553/NO. 330420/553/-
    330499/553/- 340231/55421/KG 340239/55421/KG
food:
    020210/01121/KG 020220/01121/KG 020230/01122/KG 020311/01221/KG 020312/01221/KG
    020711/01231/KG 020712/01232/KG 020714/01235/KG 030311/03421/KG 030312/03421/KG
    030611/03619/KG 030612/03619/KG 030617/03611/KG 030711/03631/KG 030712/03631/KG
    040210/02221/KG 040221/02222/KG 080211/05774/KG 080212/05774/KG 080510/05711/KG
    080521/05712/KG 080610/05751/KG 080620/05752/KG 081010/05794/KG 081020/05794/KG
    081090/05798/KG 190110/09893/KG 190190/09894/KG 210610/09899/KG 210690/09899/KG
beverages_tobacco:
    220210/11102/L 220291/11102/L 220299/11102/L 220410/11215/L 220421/11217/L
    220422/11217/L 220820/11242/L 220830/11241/L 240210/122/KG 240220/122/THOUSAND
metals:
    710610/68114/KG 710691/68113/KG 721011/67421/KG 721012/67421/KG 731811/69421/KG
    731812/69421/KG 731815/69421/KG 732611/69965/- 732619/69965/- 732690/69969/KG
    740311/68212/KG 740811/68241/KG 760110/68411/KG 760611/68423/KG 761610/694/KG
    830210/69913/KG
paper_printed:
    480210/64121/KG 480220/64122/KG 480240/64124/KG 481013/64132/KG 481014/64132/KG
    481910/64211/KG 481920/64212/KG 490110/89215/KG 490191/89216/KG 490199/89219/KG
    491110/89286/KG 491191/89287/KG
misc_manufactures:
    852321/89842/NO. 852329/89842/NO. 852341/89844/NO. 852351/89846/NO. 960310/89972/NO.
    960321/89972/NO. 960810/89521/NO. 960820/89521/NO. 961310/89933/NO. 961320/89933/NO.
    961511/89989/KG 961519/89989/KG
fuels:
    271012/334/KL 271019/334/KL 271020/334/KL 271111/343/TONNE 271112/342/TONNE
    271113/342/TONNE
"""


@dataclass(frozen=True)
class Segment:
    """A group of items that trade, move and are priced alike."""

    key: str
    exports: float
    """Share of total exports in the base year, per cent."""
    imports: float
    """Share of imports in the base year, per cent."""
    domestic: float
    """Propensity to appear in domestic exports (1 = average)."""
    density: float
    """Typical unit value per kilogram, HK$."""
    kg_per_piece: float
    """Typical net weight of one piece (unit NO., PAIR, SET; a thousandth of THOUSAND)."""
    modes: tuple[float, float, float, float, float]
    """Bias towards air, land, sea, river, other relative to the partner's usual routes."""


_AIR = (1.6, 1.0, 0.4, 1.0, 1.0)
_AIR_ONLY = (2.5, 1.0, 0.05, 0.5, 3.0)
_BOTH = (1.0, 1.0, 1.0, 1.0, 1.0)
_SEA = (0.4, 1.0, 2.5, 1.0, 1.0)
_BULK = (0.1, 1.0, 4.0, 1.5, 0.5)

SEGMENTS: tuple[Segment, ...] = (
    Segment("ic", 24.0, 26.0, 0.3, 20_000, 0.002, _AIR),
    Segment("semis", 4.0, 4.5, 0.3, 4_000, 0.002, _AIR),
    Segment("elec_comp", 5.0, 5.0, 0.5, 600, 0.001, _BOTH),
    Segment("elec_power", 3.0, 3.0, 0.5, 150, 0.5, _BOTH),
    Segment("appliances", 1.5, 1.2, 0.3, 80, 4.0, _SEA),
    Segment("phones", 11.0, 10.0, 0.1, 8_000, 0.35, _AIR),
    Segment("network", 4.0, 3.0, 0.2, 2_500, 1.5, _AIR),
    Segment("audio_video", 3.0, 3.0, 0.3, 800, 1.5, _BOTH),
    Segment("computers", 9.0, 7.0, 0.1, 2_000, 6.0, _AIR),
    Segment("computer_parts", 5.0, 5.0, 0.3, 1_500, 0.5, _AIR),
    Segment("machinery", 3.5, 4.0, 0.5, 200, 20.0, _SEA),
    Segment("vehicles", 0.8, 1.2, 0.1, 150, 300.0, _BULK),
    Segment("instruments", 3.0, 3.0, 0.5, 900, 3.0, _AIR),
    Segment("optical_photo", 1.0, 1.0, 0.5, 1_500, 0.3, _AIR),
    Segment("watches", 1.5, 1.5, 1.0, 15_000, 0.08, _AIR),
    Segment("toys", 1.5, 1.2, 0.5, 60, 0.5, _SEA),
    Segment("jewellery", 2.0, 1.5, 3.0, 300_000, 0.01, _AIR_ONLY),
    Segment("precious_stones", 2.5, 3.0, 1.0, 10_000_000, 0.0002, _AIR_ONLY),
    Segment("gold", 1.5, 3.0, 4.0, 480_000, 1.0, _AIR_ONLY),
    Segment("clothing", 1.5, 2.0, 2.0, 150, 0.3, _BOTH),
    Segment("textiles", 0.8, 1.0, 1.0, 60, 0.5, _SEA),
    Segment("footwear", 0.4, 0.5, 0.5, 120, 0.8, _SEA),
    Segment("travel_goods", 0.4, 0.6, 0.5, 250, 0.8, _BOTH),
    Segment("furniture_lighting", 0.5, 0.6, 0.3, 40, 8.0, _SEA),
    Segment("plastics", 1.2, 1.5, 3.0, 12, 1.0, _BULK),
    Segment("plastic_articles", 0.6, 0.5, 1.0, 40, 0.2, _SEA),
    Segment("chemicals", 1.5, 2.5, 3.0, 200, 0.2, _BOTH),
    Segment("food", 1.2, 4.0, 3.0, 40, 1.0, _SEA),
    Segment("beverages_tobacco", 0.4, 1.0, 2.0, 80, 1.0, _SEA),
    Segment("metals", 1.0, 1.5, 1.5, 30, 1.0, _BULK),
    Segment("paper_printed", 0.4, 0.5, 2.0, 15, 1.0, _BULK),
    Segment("misc_manufactures", 1.0, 0.8, 1.0, 200, 0.05, _BOTH),
    Segment("fuels", 0.1, 2.5, 0.2, 6, 1.0, _BULK),
)
SEGMENT_INDEX: dict[str, int] = {s.key: i for i, s in enumerate(SEGMENTS)}

SEGMENT_NAMES: dict[str, str] = {
    "ic": "Integrated circuits",
    "semis": "Semiconductor devices",
    "elec_comp": "Electronic components",
    "elec_power": "Electric power equipment",
    "appliances": "Household appliances",
    "phones": "Telephone sets",
    "network": "Network equipment",
    "audio_video": "Audio and video equipment",
    "computers": "Computers",
    "computer_parts": "Computer parts and office machines",
    "machinery": "Industrial machinery",
    "vehicles": "Vehicles and parts",
    "instruments": "Instruments",
    "optical_photo": "Optical and photographic goods",
    "watches": "Watches and clocks",
    "toys": "Toys and games",
    "jewellery": "Jewellery",
    "precious_stones": "Precious stones",
    "gold": "Gold",
    "clothing": "Clothing",
    "textiles": "Textiles",
    "footwear": "Footwear",
    "travel_goods": "Travel goods and handbags",
    "furniture_lighting": "Furniture and lighting",
    "plastics": "Plastics in primary forms",
    "plastic_articles": "Plastic articles",
    "chemicals": "Chemicals",
    "food": "Food",
    "beverages_tobacco": "Beverages and tobacco",
    "metals": "Metals",
    "paper_printed": "Paper and printed matter",
    "misc_manufactures": "Miscellaneous manufactures",
    "fuels": "Fuels",
}
"""What the sample calls each segment's items (with the item's HS subheading and suffix)."""


def item_names(items: Items) -> list[str]:
    """A name for each item: its segment, HS subheading and national suffix, as in
    "Integrated circuits, HS 8542.31, item 10"."""
    return [
        f"{SEGMENT_NAMES[SEGMENTS[int(seg)].key]}, HS {code[:4]}.{code[4:6]}, item {code[6:]}"
        for code, seg in zip(items.code, items.segment, strict=True)
    ]


# Headings whose value per kilogram is far from their segment's.
_DENSITY: dict[str, float] = {"7117": 400, "7116": 20_000, "7106": 6_000}

# Net weight of one unit, kg; None: per piece, from the segment.
_KG_PER_UNIT: dict[str, float | None] = {
    "KG": 1.0,
    "G": 0.001,
    "TONNE": 1000.0,
    "KL": 850.0,
    "L": 1.0,
    "M": 0.1,
    "CARAT": 0.0002,
    "NO.": None,
    "PAIR": None,
    "PACK": None,
    "THOUSAND": None,
}


WEIGHT_UNITS: tuple[str, ...] = ("KG", "G", "TONNE", "CARAT")
"""Units that are themselves weights: net weight follows the quantity exactly."""


@dataclass(frozen=True)
class Subheading:
    hs6: str
    sitc: str
    unit: str | None
    segment: int


def subheadings() -> tuple[Subheading, ...]:
    """The HS 2022 subheadings the sample trades in, with their SITC code and unit."""
    rows: list[Subheading] = []
    segment = -1
    for token in _SUBHEADINGS.split():
        if token.endswith(":"):
            segment = SEGMENT_INDEX[token[:-1]]
            continue
        hs6, sitc, unit = token.split("/")
        rows.append(Subheading(hs6, sitc, None if unit == "-" else unit, segment))
    return tuple(rows)


# National suffixes in the order items are added to a subheading: tens first, as the
# office numbers them, then the finer ones.
_SUFFIXES: tuple[str, ...] = tuple(
    [f"{d}0" for d in range(1, 10)]
    + [f"{d}{u}" for d in range(1, 10) for u in range(1, 10)]
    + [f"0{u}" for u in range(1, 10)]
)
MAX_ITEMS_PER_SUBHEADING = len(_SUFFIXES)


@dataclass(frozen=True)
class Items:
    """The 8-digit items, one entry per item, as parallel arrays."""

    code: np.ndarray  # str, 8 digits
    sitc: np.ndarray  # str
    unit: np.ndarray  # object: str or None
    segment: np.ndarray  # int64 index into SEGMENTS
    exports: np.ndarray  # base-year weight in exports (sums to 1 over items)
    imports: np.ndarray  # base-year weight in imports (sums to 1 over items)
    domestic: np.ndarray  # bool: also produced in Hong Kong (domestic exports)
    unit_value: np.ndarray  # HK$ per unit of quantity (per kg when there is no unit)
    kg_per_unit: np.ndarray  # net weight per unit of quantity (1 when there is no unit)
    born: np.ndarray  # month index of first trade (new items), or a very small number
    ended: np.ndarray  # month index after the last trade (discontinued), or a very large one

    def __len__(self) -> int:
        return len(self.code)


def build_items(
    rng: np.random.Generator,
    n_items: int,
    life_window: tuple[int, int],
    new_share: float,
    ended_share: float,
) -> Items:
    """Draw about ``n_items`` items under the subheadings, with heavy-tailed sizes."""
    subs = subheadings()
    seg = np.array([s.segment for s in subs])
    exp_share = np.array([s.exports for s in SEGMENTS])[seg]
    imp_share = np.array([s.imports for s in SEGMENTS])[seg]
    per_segment = np.bincount(seg, minlength=len(SEGMENTS))[seg]
    # Big segments and big subheadings are split into more national items.
    size = rng.lognormal(0.0, 1.0, len(subs))
    pull = np.maximum(exp_share, imp_share) / per_segment * size
    share = pull**0.45
    count = np.minimum(_apportion(share / share.sum() * n_items), MAX_ITEMS_PER_SUBHEADING)
    # Small samples drop subheadings, but every segment keeps its largest one.
    for s in range(len(SEGMENTS)):
        members = np.nonzero(seg == s)[0]
        top = members[np.argmax(pull[members])]
        count[top] = max(count[top], 1)
    count = count.astype(np.int64)

    sub_of_item = np.repeat(np.arange(len(subs)), count)
    rank = np.arange(len(sub_of_item)) - np.repeat(np.cumsum(count) - count, count)
    suffix = np.array(_SUFFIXES)[rank]
    suffix[np.repeat(count == 1, count)] = "00"
    code = np.array([subs[i].hs6 for i in sub_of_item]) + suffix
    order = np.argsort(code, kind="stable")
    sub_of_item, code = sub_of_item[order], code[order]
    n = len(code)

    item_seg = seg[sub_of_item]
    # Sizes within a segment: subheading size times a heavy-tailed item share.
    raw = size[sub_of_item] * rng.lognormal(0.0, 1.3, n)
    exports = _within_segments(raw * rng.lognormal(0.0, 0.3, n), item_seg, "exports")
    imports = _within_segments(raw * rng.lognormal(0.0, 0.3, n), item_seg, "imports")
    domestic_p = 0.12 * np.array([s.domestic for s in SEGMENTS])[item_seg]
    domestic = rng.random(n) < np.minimum(domestic_p, 0.8)

    unit = np.array([subs[i].unit for i in sub_of_item], dtype=object)
    density = np.array([s.density for s in SEGMENTS])[item_seg]
    heading_density = np.array([_DENSITY.get(c[:4], 0.0) for c in code])
    density = np.where(heading_density > 0, heading_density, density)
    piece = np.array([s.kg_per_piece for s in SEGMENTS])[item_seg]
    kg = np.array([_kg_per_unit(u, p) for u, p in zip(unit, piece, strict=True)])
    kg *= np.where(np.isin(unit, WEIGHT_UNITS), 1.0, rng.lognormal(0.0, 0.4, n))
    unit_value = density * kg * rng.lognormal(0.0, 0.5, n)

    lo, hi = life_window
    born = np.where(rng.random(n) < new_share, rng.integers(lo, hi, n), -(10**6))
    ended = np.where(rng.random(n) < ended_share, rng.integers(lo, hi, n), 10**6)
    ended = np.where(ended <= born + 6, 10**6, ended)
    return Items(
        code=code,
        sitc=np.array([subs[i].sitc for i in sub_of_item]),
        unit=unit,
        segment=item_seg,
        exports=exports,
        imports=imports,
        domestic=domestic,
        unit_value=unit_value,
        kg_per_unit=kg,
        born=born,
        ended=ended,
    )


def _apportion(quota: np.ndarray) -> np.ndarray:
    """Whole numbers summing to round(sum(quota)): largest remainders get the rest."""
    count = np.floor(quota)
    rest = round(float(quota.sum() - count.sum()))
    count[np.argsort(-(quota - count), kind="stable")[:rest]] += 1
    return count


def _within_segments(raw: np.ndarray, seg: np.ndarray, flow_group: str) -> np.ndarray:
    """Scale raw sizes so that each segment's items sum to the segment's share."""
    share = np.array([getattr(s, flow_group) for s in SEGMENTS])
    totals = np.bincount(seg, weights=raw, minlength=len(SEGMENTS))
    w = raw / totals[seg] * share[seg]
    return w / w.sum()


def _kg_per_unit(unit: str | None, piece: float) -> float:
    if unit is None:
        return 1.0
    kg = _KG_PER_UNIT.get(unit)
    if kg is not None:
        return kg
    return piece * 1000.0 if unit == "THOUSAND" else piece
