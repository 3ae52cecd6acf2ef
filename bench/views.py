"""The benchmark's bare view: the ceiling every page is compared with."""

from django.http import HttpResponse


def bench_ceiling(request):
    """The benchmark's ceiling: a short answer through the same middleware and server, and no work.

    Routed only when ``settings.BENCH`` is on (bench/run.py turns it on).
    """
    return HttpResponse(b"ok\n", content_type="text/plain")
