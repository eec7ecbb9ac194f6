from core import page_cache
from crisis import banner


def crisis_banner(request):
    """CRISIS_BANNER on every page: the urgent update, or None. Read from the cache (crisis.banner) with the layout's
    other parts (core.page_cache.layout_found)."""
    return {"CRISIS_BANNER": banner.current(page_cache.layout_found(request).get(banner.CACHE_KEY))}
