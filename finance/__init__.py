"""Finance: the valuation engine (depreciation, revaluation, impairment, disposal) over an append-only ledger."""
