"""Web pages of the register (the dashboard at `/` is named in `ledgerline.urls`)."""

from django.urls import path

from . import views

app_name = "assetreg"

urlpatterns = [
    path("assets/", views.asset_list, name="asset_list"),
    path("assets/export.csv", views.asset_export, name="asset_export"),
    path("assets/new/", views.asset_create, name="asset_create"),
    path("assets/<int:pk>/", views.asset_detail, name="asset_detail"),
    path("assets/<int:pk>/edit/", views.asset_edit, name="asset_edit"),
    path("assets/<int:pk>/status/", views.asset_transition, name="asset_transition"),
    path("assets/<int:pk>/dispose/", views.asset_dispose, name="asset_dispose"),
    path("assets/<int:pk>/label/", views.asset_label, name="asset_label"),
    path("assets/<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("assets/<int:pk>/documents/<int:document_pk>/", views.document_download, name="document_download"),
    path("assets/<int:pk>/documents/<int:document_pk>/delete/", views.document_delete, name="document_delete"),
    path("t/<str:asset_tag>", views.tag_redirect, name="tag_redirect"),
    path("sites/", views.site_list, name="site_list"),
    path("sites/<int:pk>/", views.site_detail, name="site_detail"),
    path("locations/<int:pk>/", views.location_detail, name="location_detail"),
]
