"""The Applications pages: the searchable list, adding an application before any interview,
editing it, archiving, deleting with Undo. Thin shells over core/services/applications.py:
the forms check shapes, the services check meaning (InvalidInput goes next to the field it
names), every change is a POST that redirects (it all works without JavaScript)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from followup.core import services
from followup.core.errors import InvalidInput, NotFound
from followup.core.models import Application
from followup.core.services.applications import START_STAGES
from followup.core.services.trash import TRASH_DAYS
from followup.front.forms import AccessibleForm, add_service_error
from followup.front.request import AuthenticatedRequest

PAGE_SIZE = 50  # rows a page of the list shows; "Show more" brings the next ones
# The session key of the last delete, for the Undo button the list shows after it.
UNDO_KEY = "followup_undo_application"

START_STAGE_CHOICES = [(s, Application.Status(s).label) for s in START_STAGES]


class ApplicationForm(AccessibleForm):
    """An application's fields, named as the service names them (so its errors land here)."""

    company = forms.CharField(
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "list": "company-options"}),
    )
    role = forms.CharField(label="Role", max_length=200, required=False)
    stage = forms.ChoiceField(choices=START_STAGE_CHOICES, initial=Application.Status.APPLIED)
    applied = forms.CharField(
        label="Applied on",
        required=False,
        help_text="Left empty: today, when you have applied.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    url = forms.CharField(label="Job advert (link)", required=False, max_length=300)
    location = forms.CharField(required=False, max_length=300)
    salary = forms.CharField(label="Salary range", required=False, max_length=300)
    source = forms.CharField(
        label="Where you found it",
        required=False,
        max_length=300,
        help_text="A job board, a referral, a recruiter.",
    )
    cv = forms.CharField(label="CV version sent", required=False, max_length=300)
    cover_letter = forms.CharField(label="Cover letter version", required=False, max_length=300)
    role_type = forms.ChoiceField(
        choices=Application.ROLE_TYPES,
        initial="standard",
        help_text="Sales roles follow up sooner (the assertive profile).",
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    job_description = forms.CharField(
        label="Job description",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Paste the advert's text: postings disappear.",
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The companies already known, suggested as one types (as on Record an interview).
        self.fields["company"].widget.attrs.update(
            {
                "hx-get": reverse("company-options"),
                "hx-trigger": "input changed delay:200ms, focus once",
                "hx-target": "#company-options",
                "hx-swap": "innerHTML",
            }
        )
        if editing:
            stage = self.fields["stage"]
            assert isinstance(stage, forms.ChoiceField)
            stage.choices = Application.Status.choices


class SearchForm(forms.Form):
    q = forms.CharField(label="Search", required=False)
    status = forms.ChoiceField(
        label="Stage", required=False, choices=[("", "Any stage"), *Application.Status.choices]
    )
    archived = forms.BooleanField(label="Include archived", required=False)


def _application(request: AuthenticatedRequest, application_id: int) -> Application:
    try:
        return services.get_application(request.user, application_id)
    except NotFound:
        raise Http404("No such application") from None


def _page(request: AuthenticatedRequest) -> int:
    text = str(request.GET.get("page", "1"))[:6]
    return int(text) if text.isascii() and text.isdigit() and int(text) > 0 else 1


# ---------------------------------------------------------------------------------------------
# The list


@login_required
@require_GET
def application_list(request: AuthenticatedRequest) -> HttpResponse:
    """`/applications/?q=&status=&archived=&page=N`: a page of rows (a fragment for htmx's
    "Show more", a whole page otherwise), never more than PAGE_SIZE at a time."""
    search = SearchForm(request.GET)
    criteria = search.cleaned_data if search.is_valid() else {}
    page = _page(request)
    rows: list[dict[str, Any]] = []
    has_more = False
    try:
        rows = services.application_page(
            request.user,
            status=criteria.get("status") or None,
            search=criteria.get("q") or "",
            include_archived=bool(criteria.get("archived")),
            offset=(page - 1) * PAGE_SIZE,
            limit=PAGE_SIZE + 1,  # one more tells whether there is a next page
        )
        has_more = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE]
        for row in rows:
            row["status_label"] = Application.Status(row["status"]).label
    except InvalidInput as exc:
        search.add_error("q" if exc.field == "search" else "status", exc.message)
    kept: dict[str, str] = {
        key: str(request.GET[key])[:200]
        for key in ("q", "status", "archived")
        if request.GET.get(key)
    }
    context = {
        "nav": "applications",
        "search": search,
        "rows": rows,
        "has_more": has_more,
        "next_page": f"?{urlencode({**kept, 'page': str(page + 1)})}",
        "filtered": bool(kept),
        "undo": None if request.htmx else request.session.pop(UNDO_KEY, None),
    }
    if request.htmx:
        response = render(request, "front/applications/_rows.html", context)
    else:
        response = render(request, "front/applications/list.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


# ---------------------------------------------------------------------------------------------
# Add and edit


def _changes(form: ApplicationForm) -> dict[str, object]:
    return {name: form.cleaned_data.get(name, "") for name in form.fields}


@login_required
def application_new(request: AuthenticatedRequest) -> HttpResponse:
    if request.method == "POST":
        form = ApplicationForm(request.POST)
        if form.is_valid():
            data = _changes(form)
            try:
                application = services.add_application(
                    request.user,
                    services.ApplicationInput(**data),  # type: ignore[arg-type]
                )
            except InvalidInput as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, f"Application added: {application}.")
                return redirect("application", application.pk)
        status = 400
    else:
        form = ApplicationForm()
        status = 200
    return render(
        request,
        "front/applications/form.html",
        {"nav": "applications", "form": form, "app": None},
        status=status,
    )


@login_required
def application_edit(request: AuthenticatedRequest, application_id: int) -> HttpResponse:
    app = _application(request, application_id)
    if request.method == "POST":
        form = ApplicationForm(request.POST, editing=True)
        if form.is_valid():
            try:
                services.edit_application(request.user, app.pk, _changes(form))
            except InvalidInput as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, "Application saved. The plan follows the changes.")
                return redirect("application", app.pk)
        status = 400
    else:
        form = ApplicationForm(editing=True, initial=_initial(app))
        status = 200
    return render(
        request,
        "front/applications/form.html",
        {"nav": "applications", "form": form, "app": app},
        status=status,
    )


def _initial(app: Application) -> dict[str, object]:
    return {
        "company": app.company.name,
        "role": app.role_title,
        "stage": app.status,
        "applied": app.applied_on.isoformat() if app.applied_on else "",
        "url": app.job_url,
        "location": app.location,
        "salary": app.salary,
        "source": app.source,
        "cv": app.cv_version,
        "cover_letter": app.cover_letter_version,
        "role_type": app.role_type,
        "notes": app.notes,
        "job_description": app.job_description,
    }


# ---------------------------------------------------------------------------------------------
# Archive, delete, undo


@login_required
@require_POST
def application_archive(request: AuthenticatedRequest, application_id: int) -> HttpResponse:
    app = _application(request, application_id)
    services.archive_application(request.user, app.pk)
    messages.success(
        request,
        "Archived: off the Pipeline and Today, its follow-ups on hold until you unarchive it.",
    )
    return redirect("application", app.pk)


@login_required
@require_POST
def application_unarchive(request: AuthenticatedRequest, application_id: int) -> HttpResponse:
    app = _application(request, application_id)
    services.unarchive_application(request.user, app.pk)
    messages.success(request, "Back from the archive: its plan is running again.")
    return redirect("application", app.pk)


@login_required
def application_delete(request: AuthenticatedRequest, application_id: int) -> HttpResponse:
    """GET: the confirmation page; POST: delete, then the list with an Undo button."""
    app = _application(request, application_id)
    if request.method != "POST":
        counts = {
            "interviews": app.interviews.count(),
            "follow_ups": app.follow_ups.count(),
        }
        return render(
            request,
            "front/applications/delete.html",
            {"nav": "applications", "app": app, "counts": counts, "trash_days": TRASH_DAYS},
        )
    label = str(app)
    stamp = services.delete_application(request.user, app.pk)
    request.session[UNDO_KEY] = {"id": app.pk, "stamp": stamp.isoformat(), "label": label}
    return redirect("applications")


@login_required
@require_POST
def application_restore(request: AuthenticatedRequest, application_id: int) -> HttpResponse:
    """Undo a delete: the stamp from the Undo form names the very deletion undone."""
    stamp: datetime | None = None
    text = str(request.POST.get("stamp", ""))[:64]
    if text:
        try:
            stamp = datetime.fromisoformat(text)
        except ValueError:
            raise Http404("No such deletion") from None
    try:
        application = services.restore_application(request.user, application_id, stamp)
    except NotFound:
        raise Http404("No such deletion") from None
    except InvalidInput as exc:
        messages.error(request, exc.message)
        return redirect("applications")
    messages.success(request, f"Restored: {application}, with its interviews and follow-ups.")
    return redirect(reverse("application", args=[application.pk]))
