"""The careers page a careers check opens: set it from the Application page or a check's page.

A thin shell over `core.services.careers`; POST-redirect-GET, and without JavaScript a bad
address comes back on a page of its own with the message next to the field.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from followup.core.errors import InvalidInput, NotFound
from followup.core.models import Application
from followup.core.services.careers import URL_MAX, set_careers_url
from followup.core.services.owned import get_application
from followup.front.request import AuthenticatedRequest
from followup.front.views import _safe_next


class CareersUrlForm(forms.Form):
    # A plain text field: the service checks the address, so the web and the CLI agree.
    careers_url = forms.CharField(
        label="Careers page address", required=False, max_length=URL_MAX, strip=True
    )


def _application(request: AuthenticatedRequest, application_id: int) -> Application:
    try:
        return get_application(request.user, application_id)
    except NotFound:
        raise Http404("No such application") from None


@login_required
@require_POST
def careers_url(request: AuthenticatedRequest, application_id: int) -> HttpResponse:
    application = _application(request, application_id)
    fallback = reverse("application", args=[application.pk]) + "#careers-page"
    next_url = _safe_next(request, fallback)
    form = CareersUrlForm(request.POST)
    if form.is_valid():
        try:
            company = set_careers_url(
                request.user, application.pk, form.cleaned_data["careers_url"]
            )
        except InvalidInput as exc:
            form.add_error("careers_url", exc.message)
        else:
            messages.success(
                request,
                f"{company.name}'s careers page saved: the careers checks open it."
                if company.careers_url
                else f"{company.name}'s careers page cleared.",
            )
            return redirect(next_url)
    return render(
        request,
        "front/careers_url.html",
        {"application": application, "careers_form": form, "next_url": next_url},
        status=400,
    )
