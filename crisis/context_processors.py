from crisis import banner


def crisis_banner(request):
    """CRISIS_BANNER on every page: the urgent update, or None. Read from the cache (crisis.banner)."""
    return {"CRISIS_BANNER": banner.current()}
