"""REST API routes of the register."""

urlpatterns: list = []
