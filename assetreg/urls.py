"""Web pages of the register."""

urlpatterns: list = []
