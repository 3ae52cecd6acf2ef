"""The API tokens page: a person makes, sees and revokes their own personal API tokens.

A new token's secret is kept in the session only until the page after the redirect shows
it, once (as the calendar link is); the database keeps its hash and prefix.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .forms import ApiTokenForm
from .selectors import api_tokens_for_user
from .services import api_token_create, api_token_revoke

NEW_TOKEN_SESSION_KEY = "api_token_new"  # noqa: S105 (the session key, not a secret)


@login_required
@never_cache
def token_list(request):
    form = ApiTokenForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        token, secret = api_token_create(
            request.user, name=form.cleaned_data["name"], expires_in_days=form.cleaned_data["expires_in_days"]
        )
        request.session[NEW_TOKEN_SESSION_KEY] = [token.pk, secret]
        return redirect("api_tokens:list")
    new_pk, secret = request.session.pop(NEW_TOKEN_SESSION_KEY, None) or (None, "")
    return render(
        request,
        "api/tokens/list.html",
        {
            "form": form,
            "tokens": api_tokens_for_user(request.user),
            "new_pk": new_pk,
            "secret": secret,
            "openapi_url": request.build_absolute_uri(reverse("api:openapi")),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(api_tokens_for_user(request.user), pk=pk)
    api_token_revoke(token)
    messages.success(request, _("The token “%(name)s” is revoked: it no longer opens the API.") % {"name": token.name})
    return redirect("api_tokens:list")
