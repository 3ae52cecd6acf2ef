"""The Django admin's sign-in, throttled like allauth's.

Failures are counted in the default cache (Redis in production, so every gunicorn worker
sees the same counts) per client address and per username. Over either limit the page
answers 429 without checking the password, until the window has passed.
"""

import hashlib

from django.contrib import admin
from django.core.cache import cache
from django.shortcuts import render

# (failures, seconds): per address a busy office may share; per username much fewer.
LIMITS = {"ip": (20, 15 * 60), "username": (5, 15 * 60)}


def _cache_key(scope: str, value: str) -> str:
    digest = hashlib.sha256(value.encode()).hexdigest()
    return f"admin-login-failures:{scope}:{digest}"


def _keys(request) -> dict[str, str]:
    return {
        "ip": _cache_key("ip", request.META.get("REMOTE_ADDR", "")),
        "username": _cache_key("username", request.POST.get("username", "").strip().lower()),
    }


def _throttled(keys: dict[str, str]) -> bool:
    return any((cache.get(key) or 0) >= LIMITS[scope][0] for scope, key in keys.items())


def _count_failure(keys: dict[str, str]) -> None:
    for scope, key in keys.items():
        cache.add(key, 0, timeout=LIMITS[scope][1])
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=LIMITS[scope][1])


def admin_login(request, extra_context=None):
    if request.method != "POST":
        return admin.site.login(request, extra_context)
    keys = _keys(request)
    if _throttled(keys):
        return render(request, "account/admin_login_throttled.html", status=429)
    response = admin.site.login(request, extra_context)
    if response.status_code == 302 and request.user.is_authenticated:
        cache.delete(keys["username"])
    else:
        _count_failure(keys)
    return response
