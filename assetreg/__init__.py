"""The asset register: sites, locations, categories and assets (buildings, vehicles, equipment)."""
