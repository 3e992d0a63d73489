"""REST API routes of the valuation engine (included under `/api/v1/` in the `api` namespace)."""

from rest_framework.routers import SimpleRouter

from .views import AssetValuationViewSet, BookValueViewSet, DepreciationRunViewSet

router = SimpleRouter(use_regex_path=False)
# Only detail actions: /assets/{id}/schedule/, ledger/, book-value/, revalue/, impair/, reverse-impairment/, improve/.
router.register("assets", AssetValuationViewSet, basename="asset-valuation")
router.register("book-values", BookValueViewSet, basename="book-value")
router.register("depreciation-runs", DepreciationRunViewSet, basename="depreciation-run")

urlpatterns = router.urls
