"""Web pages of the valuation engine, under /finance/."""

from django.urls import path

from . import views

app_name = "finance"

urlpatterns = [
    path("assets/<int:pk>/schedule/", views.asset_schedule, name="asset_schedule"),
    path("assets/<int:pk>/revalue/", views.asset_revalue, name="asset_revalue"),
    path("assets/<int:pk>/impair/", views.asset_impair, name="asset_impair"),
    path("assets/<int:pk>/reverse-impairment/", views.asset_reverse_impairment, name="asset_reverse_impairment"),
    path("assets/<int:pk>/improve/", views.asset_improve, name="asset_improve"),
    path("assets/<int:pk>/value-entries/<int:entry_pk>/evidence/", views.value_evidence, name="value_evidence"),
    path("runs/", views.run_list, name="run_list"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/status/", views.run_status, name="run_status"),
]
