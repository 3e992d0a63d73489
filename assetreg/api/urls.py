"""REST API routes of the register (included under `/api/v1/` in the `api` namespace)."""

from rest_framework.routers import SimpleRouter

from .views import (
    AssetDocumentViewSet,
    AssetViewSet,
    CategoryViewSet,
    LocationViewSet,
    MeterReadingViewSet,
    SiteViewSet,
)

router = SimpleRouter(use_regex_path=False)
router.register("assets", AssetViewSet, basename="asset")
router.register("assets/<int:asset_pk>/documents", AssetDocumentViewSet, basename="asset-document")
router.register("assets/<int:asset_pk>/readings", MeterReadingViewSet, basename="asset-reading")
router.register("sites", SiteViewSet, basename="site")
router.register("locations", LocationViewSet, basename="location")
router.register("categories", CategoryViewSet, basename="category")

urlpatterns = router.urls
