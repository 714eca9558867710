"""First use on the web: the set-up page (name, signature, time zone, country) and the
middleware that takes a new user there from Today.

Saving checks the answers as `followup profile set` does (followup.core.services.profile) and
shows an error next to its field; "Skip for now" only records that it was seen. Either way the
set-up is not shown again (Settings keeps every field).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from followup.core.errors import InvalidInput
from followup.core.queries import get_profile
from followup.core.services import profile as profile_service
from followup.front.forms import (
    AccessibleForm,
    add_service_error,
    country_choices,
    time_zone_names,
)
from followup.front.request import AuthenticatedRequest
from followup.lib.zones import zone_countries

__all__ = ["FirstRunMiddleware", "SetUpForm", "set_up"]


class SetUpForm(AccessibleForm):
    full_name = forms.CharField(
        label="Your name",
        max_length=profile_service.NAME_MAX,
        required=False,
        help_text="As the people you write to will read it.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    signature = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Ends every draft. Empty: your name.",
    )
    time_zone = forms.CharField(
        label="Your time zone",
        max_length=64,
        required=False,
        help_text="Follow-ups are due in your working hours, in this zone.",
        widget=forms.TextInput(
            attrs={
                "list": "tz-options",
                "autocomplete": "off",
                "spellcheck": "false",
                "data-suggest-zone": "",
            }
        ),
    )
    country = forms.ChoiceField(
        label="Your country",
        required=False,
        help_text="Its public holidays are not business days.",
        widget=forms.Select(attrs={"data-suggest-country": ""}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        country = self.fields["country"]
        assert isinstance(country, forms.ChoiceField)  # declared above; narrows for .choices
        country.choices = [("", "Choose…"), *country_choices()]


def _safe_next(request: HttpRequest) -> str:
    target = str(request.POST.get("next") or request.GET.get("next") or "")
    if (
        target.startswith("/")
        and not target.startswith("//")
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    ):
        return target
    return reverse("today")


@login_required
def set_up(request: AuthenticatedRequest) -> HttpResponse:
    profile = get_profile(request.user)
    next_url = _safe_next(request)
    status = 200
    if request.method == "POST":
        form = SetUpForm(request.POST)
        if request.POST.get("action") == "skip":
            profile_service.skip_set_up(request.user)
            return redirect(next_url)
        if form.is_valid():
            try:
                profile_service.complete_set_up(request.user, form.cleaned_data)
            except InvalidInput as exc:
                add_service_error(form, exc)
            else:
                return redirect(next_url)
        status = 400
    else:
        form = SetUpForm(
            initial=profile_service.set_up_suggestions(profile, hosted=bool(settings.HOSTED))
        )
    # Zone → country for the browser's suggestion, from the same zone.tab as the server's.
    zone_country = {
        zone: code for zone, code in zone_countries().items() if code in _supported_countries()
    }
    return render(
        request,
        "front/set_up.html",
        {
            "form": form,
            "next_url": next_url,
            "time_zones": time_zone_names(),
            "zone_country": zone_country,
        },
        status=status,
    )


def _supported_countries() -> set[str]:
    return {code for code, _ in country_choices()}


class FirstRunMiddleware:
    """A signed-in user who was never set up (no name, never skipped) opening Today is shown
    the set-up first. Only Today, where sign-in lands: a link into any other page still opens
    it, and htmx fragments are never redirected."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        match = request.resolver_match
        if (
            request.method != "GET"
            or match is None
            or match.url_name != "today"
            or request.GET
            or request.headers.get("HX-Request")
            or not request.user.is_authenticated
        ):
            return None
        if profile_service.needs_set_up(get_profile(request.user)):
            return redirect(reverse("set-up"))
        return None
