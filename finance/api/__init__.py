"""REST API of the valuation engine: schedules, ledgers, book values, value events and posting runs."""
