"""Index numbers for any panel of (period, item, price, quantity) records.

::

    from entrepot.indices import price_index, contributions

    price_index(records, "fisher", chain="chained", reference=100)
    price_index(records, "geks_tornqvist", window=13, splice="mean")
    price_index(records, "fisher", chain="chained", quantity=True)      # volume index
    contributions(records, chain="chained", reference=100)             # index points

Records are laid out once as a dense periods × items panel (:mod:`.panel`), with unit
values where an item has several records in a period and items matched by id. Bilateral
formulas (:mod:`.bilateral`) are vectorised over period pairs; GEKS averages a T × T matrix
of bilateral indices computed with matrix products; Geary–Khamis and weighted TPD are
solved as small periods × periods systems (:mod:`.multilateral`); rolling windows are
spliced (:mod:`.splicing`). :func:`contributions` decomposes Fisher index changes by item.

Every user error raises :class:`entrepot.errors.InputError` with a message that names the
column, period or option and what was expected.
"""

from .contributions import contributions
from .formulas import ALIASES, FORMULAS, FormulaInfo, list_formulas
from .panel import Panel, build_panel
from .series import CHAINS, price_index, quantity_index
from .splicing import SPLICES

__all__ = [
    "ALIASES",
    "CHAINS",
    "FORMULAS",
    "SPLICES",
    "FormulaInfo",
    "Panel",
    "build_panel",
    "contributions",
    "list_formulas",
    "price_index",
    "quantity_index",
]
