"""Template filters of the valuation pages."""
