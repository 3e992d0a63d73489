"""Holdings' access policy: who sees portfolios, positions, prices and FX, who records transactions, prices and
rates, and who imports files. Services and selectors ask `HOLDINGS`; management commands (and, later, the price
provider task) act as `ledgerline.policy.SYSTEM`, which may read, record prices and rates, and import them.
Importing transactions needs `record_transaction` as well as `import`, which the system does not have."""

from __future__ import annotations

from typing import ClassVar

from ledgerline import roles
from ledgerline.policy import Actor, Policy, is_person


def can_view_holdings(user: Actor | None) -> bool:
    """Finance staff, auditors and superusers see every portfolio, position, price and rate."""
    return is_person(user) and roles.can_view_valuations(user)


def can_record(user: Actor | None) -> bool:
    """Finance staff and superusers record transactions, prices and rates, and import them."""
    return is_person(user) and roles.is_finance(user)


class HoldingsPolicy(Policy):
    """Holdings have no site: a portfolio is seen whole by who sees holdings at all. No admin screens yet."""

    app_label = "holdings"
    rules: ClassVar = {
        "view_holdings": lambda user, site_id: can_view_holdings(user),
        "record_transaction": lambda user, site_id: can_record(user),
        "record_prices": lambda user, site_id: can_record(user),
        "import": lambda user, site_id: can_record(user),
    }
    system_actions = frozenset({"view_holdings", "record_prices", "import"})
    messages: ClassVar = {
        "view_holdings": "Only finance staff and auditors see holdings.",
        "record_transaction": "Only finance staff may record transactions.",
        "record_prices": "Only finance staff may record prices and FX rates.",
        "import": "Only finance staff may import holdings files.",
    }


HOLDINGS: HoldingsPolicy = HoldingsPolicy()
