"""Views: thin shells over followup.core.services.

Each view starts with an owner-scoped getter (`_application`, `_follow_up`) that answers 404 for
a missing id and for another user's id alike. Bad input never gives a 500: service errors
(InvalidInput) go next to the field they name, and the form keeps what was typed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from followup import drafting
from followup.core import invitation_import, services
from followup.core.errors import InvalidInput, NotFound
from followup.core.models import Application, FollowUp, MessageTemplate, Profile
from followup.core.owner import Owner
from followup.front import auth, forms, queries
from followup.front import profile as profile_service
from followup.front.request import AuthenticatedRequest, HtmxHttpRequest
from followup.lib.vocabulary import zone_or_utc
from followup.mail import accounts, compose
from followup.mail.models import MailAccount
from followup.notify import services as notify
from followup.planner import types as p

# ---------------------------------------------------------------------------------------------
# Helpers


def _application(request: AuthenticatedRequest, application_id: int) -> Application:
    try:
        return services.get_application(request.user, application_id)
    except NotFound:
        raise Http404("No such application") from None


def _follow_up(request: AuthenticatedRequest, follow_up_id: int) -> FollowUp:
    try:
        return services.get_follow_up(request.user, follow_up_id)
    except NotFound:
        raise Http404("No such follow-up") from None


def _id_or_404(value: object) -> int:
    """An id from a query string or form: plain ASCII digits only ("²".isdigit() is true)."""
    text = str(value)
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise Http404("No such id")
    return int(text)


def _is_htmx(request: HtmxHttpRequest) -> bool:
    """A request htmx made: django-htmx's middleware (settings.MIDDLEWARE) read its headers."""
    return bool(request.htmx)


def _varies_with_htmx(response: HttpResponse) -> HttpResponse:
    """The same URL answers a fragment to htmx and a whole page to a browser: caches must
    keep them apart (django-htmx's advice)."""
    patch_vary_headers(response, ("HX-Request",))
    return response


def _page_number(request: HttpRequest) -> str:
    return str(request.GET.get("page", "1"))[:10]


def _safe_next(request: HttpRequest, fallback: str) -> str:
    """`next` when it is a path on this site; else `fallback`. Only a path: redirect() would
    take a bare word for a view name to look up."""
    target = str(request.POST.get("next") or request.GET.get("next") or "")
    if (
        target.startswith("/")
        and not target.startswith("//")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return fallback


def _profile(request: AuthenticatedRequest) -> Profile:
    return services.get_profile(request.user)


# ---------------------------------------------------------------------------------------------
# Sign-in


def login_view(request: HttpRequest) -> HttpResponse:
    """`/login/?token=...` exchanges the one-time token printed by `followup serve` for a session
    of the local user, then redirects to a URL without the token."""
    token = request.GET.get(auth.TOKEN_PARAM, "")
    destination = _safe_next(request, reverse("today"))
    if token and not settings.HOSTED:
        if auth.consume_token(token):
            login(
                request,
                services.get_local_user(),
                backend=auth.LOCAL_SIGN_IN_BACKEND,
            )
            return redirect(destination)
        if request.user.is_authenticated:
            return redirect(destination)
        return render(request, "front/login.html", {"token_refused": True}, status=403)
    if request.user.is_authenticated:
        return redirect(destination)
    form = None
    if settings.HOSTED:
        form = AuthenticationForm(request, data=request.POST or None)
        if request.method == "POST" and form.is_valid():
            login(request, form.get_user())
            return redirect(destination)
    return render(request, "front/login.html", {"form": form})


def login_locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """django-axes' answer once a user name has too many failed sign-ins (AXES_LOCKOUT_CALLABLE):
    the sign-in page again, the message beside the form, 429 Too Many Requests."""
    # An unbound form (only the name typed kept): validating it again would count one more
    # failed attempt.
    form = AuthenticationForm(request, initial={"username": request.POST.get("username", "")})
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    locked_out = (
        "Too many failed sign-ins for this user name: sign-in is paused for "
        f"{minutes} minutes. Try again later, or ask the person who runs this site."
    )
    return render(request, "front/login.html", {"form": form, "locked_out": locked_out}, status=429)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return render(request, "front/login.html", {"signed_out": True})


# ---------------------------------------------------------------------------------------------
# Today


@login_required
@require_GET
def today(request: AuthenticatedRequest) -> HttpResponse:
    """Today; `?more=<section>&page=N` the section's next rows (a fragment for htmx, a page
    without JavaScript); `?show=<section>` the whole section, in pages of 50."""
    profile = _profile(request)
    more = request.GET.get("more", "")
    if more in queries.TODAY_SECTIONS:
        rows = queries.section_queryset(request.user, profile.time_zone, more)
        page = Paginator(rows, queries.TODAY_LIMIT).get_page(_page_number(request))
        context = {
            "nav": "today",
            "title": queries.SECTION_TITLES[more],
            "page": page,
            "more": more,
            "place": "today",
            "shown_more": _shown_more(page),
            # Rows loaded into Today act and come back there.
            "next_url": reverse("today") if _is_htmx(request) else request.get_full_path(),
        }
        template = "front/_more_rows.html" if _is_htmx(request) else "front/today_section.html"
        return _varies_with_htmx(render(request, template, context))
    show = request.GET.get("show", "")
    if show in queries.TODAY_SECTIONS:
        paginator = Paginator(queries.section_queryset(request.user, profile.time_zone, show), 50)
        return render(
            request,
            "front/today_section.html",
            {
                "nav": "today",
                "title": queries.SECTION_TITLES[show],
                "page": paginator.get_page(_page_number(request)),
                "show": show,
                "place": "today",
                "next_url": request.get_full_path(),
            },
        )
    return render(
        request,
        "front/today.html",
        {
            "nav": "today",
            "page": queries.today_page(request.user, profile.time_zone),
            "place": "today",
            "profile": profile,
            "next_url": request.get_full_path(),
            "more_size": queries.TODAY_LIMIT,
        },
    )


def _shown_more(page: Any) -> int:
    """How many rows the next "Show N more" brings: a page's worth, or what is left."""
    if not page.has_next():
        return 0
    return int(min(page.paginator.per_page, page.paginator.count - page.end_index()))


# ---------------------------------------------------------------------------------------------
# Acting on a follow-up: mark sent / done / skip / snooze / replied / approve


ACTIONS: dict[str, tuple[Callable[[Owner, int], FollowUp], str]] = {
    "sent": (services.mark_sent, "Marked sent."),
    "done": (services.mark_done, "Marked done."),
    "skip": (services.skip, "Skipped."),
    "replied": (services.record_reply, "Reply recorded: the check-ins stop."),
    # Approving also fixes when it goes out: at the due time, inside the recipient's working
    # hours.
    "approve": (services.approve, "Approved."),
}
SNOOZES = {"snooze-1": 1, "snooze-3": 3, "snooze-7": 7}


@login_required
@require_POST
def act(request: AuthenticatedRequest, follow_up_id: int) -> HttpResponse:
    fu = _follow_up(request, follow_up_id)
    action = request.POST.get("action", "")
    note, error = "", ""
    try:
        if action in SNOOZES:
            fu = services.snooze(request.user, fu.pk, SNOOZES[action])
            note = f"Snoozed to {_local(fu)}."
        elif action in ACTIONS:
            function, note = ACTIONS[action]
            fu = function(request.user, fu.pk)
            if fu.kind == p.CAREERS_CHECK:
                note += _next_careers_check(request, fu)
        else:
            raise InvalidInput("action", f"unknown action {action!r}")
    except InvalidInput as exc:
        error = exc.message
    fallback = reverse("application", args=[fu.application_id])
    if _is_htmx(request):
        if action == "replied" and not error:
            # The whole plan changed: reload the page rather than one row.
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        fu = _follow_up(request, fu.pk)
        context = {
            "fu": fu,
            "note": note,
            "error": error,
            "place": request.POST.get("place", "today"),
            "next_url": _safe_next(request, fallback),
        }
        return render(request, "front/_follow_up_row.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"{fu.get_kind_display()}: {note}")
    return redirect(_safe_next(request, fallback))


def _next_careers_check(request: AuthenticatedRequest, closed: FollowUp) -> str:
    """ " The next check: Tue 6 Jan, 09:00 EAT." — closing one brought it onto the plan."""
    following = (
        FollowUp.objects.filter(
            owner=request.user,
            application_id=closed.application_id,
            kind=p.CAREERS_CHECK,
            status__in=FollowUp.OPEN,
        )
        .order_by("due")
        .first()
    )
    return f" The next check: {_local(following)}." if following else " That was the last check."


def _local(fu: FollowUp) -> str:
    from followup.front.templatetags.front_tags import local_due

    return str(local_due(fu))


# ---------------------------------------------------------------------------------------------
# Record an interview


@login_required
def record_interview(request: AuthenticatedRequest) -> HttpResponse:
    application = None
    application_id = request.POST.get("application") or request.GET.get("application")
    if application_id:
        application = _application(request, _id_or_404(application_id))
    profile = _profile(request)
    if request.method == "POST":
        form = forms.InterviewForm(request.POST, application=application)
        if form.is_valid():
            try:
                recorded = services.record_interview(request.user, form.to_input())
            except (InvalidInput, NotFound) as exc:
                forms.add_service_error(form, InvalidInput(exc.field, exc.message))
            else:
                count = len(recorded.follow_ups)
                messages.success(
                    request,
                    f"Interview recorded. {count} follow-up{'s' if count != 1 else ''} planned.",
                )
                return redirect(reverse("application", args=[recorded.application.pk]) + "#plan")
    else:
        form = _blank_interview_form(profile, application)
    return render(
        request,
        "front/record_interview.html",
        _record_context(
            form,
            profile,
            application,
            forms.InvitationUploadForm(),
            request.POST if request.method == "POST" else None,
        ),
    )


def _blank_interview_form(profile: Profile, application: Application | None) -> forms.InterviewForm:
    now = timezone.now().astimezone(zone_or_utc(profile.time_zone))
    return forms.InterviewForm(
        application=application,
        initial={
            "tz": profile.time_zone,
            "start": now.replace(minute=0, second=0, microsecond=0).strftime("%Y-%m-%dT%H:%M"),
            "duration": 60,
            "keep_warm": True,
        },
    )


def _record_context(
    form: forms.InterviewForm,
    profile: Profile,
    application: Application | None,
    import_form: forms.InvitationUploadForm,
    data: Any = None,
) -> dict[str, Any]:
    return {
        "nav": "record",
        "form": form,
        "import_form": import_form,
        "application": application,
        "profile": profile,
        "time_zones": forms.time_zone_names(),
        "preview": _promise_line(data if data is not None else form.initial, profile, application),
    }


def _promise_line(data: Any, profile: Profile, application: Application | None) -> str:
    """The promised phrase resolved as the form stands; '' when the form is too incomplete."""
    from followup.planner import preview_promise
    from followup.planner.calendar import UnknownCountry, UnknownZone

    phrase = str(data.get("promised", ""))[:300]
    tz = str(data.get("tz", "")).strip() or profile.time_zone
    country = str(data.get("country", "")).strip().upper()
    if not country and application is not None:
        country = application.company.country
    country = country or profile.country
    role_type = str(data.get("role_type", "")) or (
        application.role_type if application else "standard"
    )
    if role_type not in dict(Application.ROLE_TYPES):
        role_type = "standard"
    start_text = str(data.get("start", "")).strip().replace("T", " ")
    try:
        start = datetime.fromisoformat(start_text)
    except ValueError:
        return "Enter when the interview started to see the check-in date."
    try:
        minutes = int(data.get("duration") or 60)
    except (TypeError, ValueError):
        minutes = 60
    if not 1 <= minutes <= 24 * 60:
        minutes = 60
    from datetime import timedelta

    try:
        return preview_promise(
            phrase, start + timedelta(minutes=minutes), tz, country, role_type=role_type
        )
    except UnknownZone:
        return f"Unknown time zone {tz!r}: pick one from the list, like Africa/Nairobi."
    except UnknownCountry:
        return f"No public-holiday calendar for {country!r}."
    except (ValueError, OverflowError):
        return "Enter when the interview started to see the check-in date."


@login_required
@require_GET
def promise_preview(request: AuthenticatedRequest) -> HttpResponse:
    application = None
    application_id = request.GET.get("application", "")
    if application_id:
        application = _application(request, _id_or_404(application_id))
    line = _promise_line(request.GET, _profile(request), application)
    return render(request, "front/_promise_preview.html", {"preview": line})


@login_required
@require_GET
def interviewer_row(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "front/widgets/_person_row.html", {"name": "interviewers", "value": ""})


@login_required
@require_GET
def company_options(request: AuthenticatedRequest) -> HttpResponse:
    query = request.GET.get("q") or request.GET.get("company") or ""
    companies = queries.company_suggestions(request.user, query[:200])
    return render(request, "front/_company_options.html", {"companies": companies})


@login_required
@require_GET
def contact_options(request: AuthenticatedRequest) -> HttpResponse:
    query = request.GET.get("q") or request.GET.get("recruiter") or ""
    if not query:
        values = [v for v in request.GET.getlist("interviewers") if v.strip()]
        query = values[-1] if values else ""
    contacts = queries.contact_suggestions(request.user, query[:200])
    return render(request, "front/_contact_options.html", {"contacts": contacts})


# ---------------------------------------------------------------------------------------------
# Application


@login_required
@require_GET
def application(request: AuthenticatedRequest, application_id: int) -> HttpResponse:
    app = _application(request, application_id)
    return render(
        request,
        "front/application.html",
        {
            "nav": "pipeline",
            "place": "application",  # what the follow-up rows show and offer
            "app": app,
            "data": queries.application_page(request.user, app),
            "outcome_form": forms.OutcomeForm(),
            "tz": _profile(request).time_zone,
            "next_url": request.get_full_path(),
        },
    )


@login_required
@require_POST
def set_outcome(request: AuthenticatedRequest, application_id: int) -> HttpResponse:
    app = _application(request, application_id)
    form = forms.OutcomeForm(request.POST)
    if form.is_valid():
        outcome = form.cleaned_data["outcome"]
        try:
            services.set_outcome(request.user, app.pk, outcome)
        except InvalidInput as exc:
            forms.add_service_error(form, exc)
        else:
            label = dict(forms.OUTCOME_CHOICES)[outcome].lower()
            messages.success(request, f"Outcome set: {label}. The plan below has changed to match.")
            return redirect(reverse("application", args=[app.pk]) + "#plan")
    data = queries.application_page(request.user, app)
    return render(
        request,
        "front/application.html",
        {
            "nav": "pipeline",
            "place": "application",  # what the follow-up rows show and offer
            "app": app,
            "data": data,
            "outcome_form": form,
            "tz": _profile(request).time_zone,
            "next_url": reverse("application", args=[app.pk]),
        },
        status=400,
    )


# ---------------------------------------------------------------------------------------------
# Pipeline


@login_required
@require_GET
def pipeline(request: AuthenticatedRequest) -> HttpResponse:
    """The board; `?more=<status>&page=N` a column's next cards (a fragment for htmx, a page
    without JavaScript); `?status=<status>` the whole column, in pages of 50. Each keeps the
    search and filters (`q`, `field`, `stage`: queries.PipelineFilter)."""
    filters = queries.PipelineFilter.from_query(request.GET)
    more = request.GET.get("more", "")
    if more in Application.Status.values:
        cards = queries.applications_with_status(request.user, more, filters)
        page = Paginator(cards, queries.PIPELINE_LIMIT).get_page(_page_number(request))
        context = {
            "nav": "pipeline",
            "page": page,
            "status_label": Application.Status(more).label,
            "more": more,
            "shown_more": _shown_more(page),
            "filters": filters,
            "move_suffix": _move_suffix(request, filters),
        }
        template = "front/_more_cards.html" if _is_htmx(request) else "front/pipeline_status.html"
        return _varies_with_htmx(render(request, template, context))
    status = request.GET.get("status", "")
    if status in Application.Status.values:
        paginator = Paginator(queries.applications_with_status(request.user, status, filters), 50)
        page = paginator.get_page(_page_number(request))
        return render(
            request,
            "front/pipeline_status.html",
            {
                "nav": "pipeline",
                "page": page,
                "status_label": Application.Status(status).label,
                "status": status,
                "filters": filters,
                "move_suffix": _move_suffix(request, filters),
            },
        )
    return _varies_with_htmx(
        render(
            request,
            "front/pipeline.html",
            {
                "nav": "pipeline",
                "columns": queries.pipeline(request.user, filters=filters),
                "filters": filters,
                "search_fields": queries.SEARCH_FIELDS,
                "move_suffix": _move_suffix(request, filters),
            },
        )
    )


def _move_suffix(request: HttpRequest, filters: queries.PipelineFilter) -> str:
    """What a card's "Move to…" link adds so the move comes back to the board as filtered."""
    if not filters.query:
        return ""
    return "?" + urlencode({"next": f"{reverse('pipeline')}?{filters.query}"})


# ---------------------------------------------------------------------------------------------
# Draft


def _mailto(fu: FollowUp, subject: str, body: str) -> str:
    to = fu.recipient.email if fu.recipient and fu.recipient.email else ""
    body = "\r\n".join(body.splitlines())  # RFC 6068: line breaks in a mailto body are CRLF
    return f"mailto:{quote(to, safe='@')}?subject={quote(subject, safe='')}&body={quote(body, safe='')}"


def _draft_context(
    request: AuthenticatedRequest, fu: FollowUp, form: forms.DraftForm, warnings: list[Any]
) -> dict[str, Any]:
    subject = form["subject"].value() or ""
    body = form["body"].value() or ""
    return {
        "nav": "today",
        "fu": fu,
        "form": form,
        "warnings": warnings,
        "editable": fu.status in FollowUp.OPEN,
        "is_email": fu.channel == p.EMAIL,
        "mailto": _mailto(fu, subject, body),
        "word_count": drafting.word_count(body),
        "has_mail_account": accounts.get_account(request.user) is not None,
    }


NO_ACCOUNT_NOTE = (
    "There is no mail account to send it from yet: open it in your mail app (or download the "
    ".eml) and mark it sent, or add your account in Settings → Mail."
)


def _warnings_for(
    request: AuthenticatedRequest, fu: FollowUp, subject: str, body: str
) -> list[Any]:
    """The checker's warnings for the text as typed (nothing is saved)."""
    fu.subject, fu.body = subject, body
    return services.draft_warnings(request.user, fu)


@login_required
def draft(request: AuthenticatedRequest, follow_up_id: int) -> HttpResponse:
    fu = _follow_up(request, follow_up_id)
    if request.method == "POST":
        form = forms.DraftForm(request.POST)
        action = request.POST.get("action", "save")
        if form.is_valid():
            subject, body = form.cleaned_data["subject"], form.cleaned_data["body"]
            try:
                fu = services.edit_draft(request.user, fu.pk, subject, body)
                if action in ("approve", "send-now"):
                    fu = services.approve(request.user, fu.pk, send_now=action == "send-now")
                    if accounts.get_account(request.user) is None:
                        # Approving honestly: nothing can be sent without an account.
                        messages.warning(request, f"Approved. {NO_ACCOUNT_NOTE}")
                    else:
                        messages.success(
                            request,
                            "Approved. It goes out within a minute."
                            if action == "send-now"
                            else "Approved. followup sends it when it is due, inside their "
                            "working hours.",
                        )
                else:
                    messages.success(request, "Draft saved.")
            except InvalidInput as exc:
                forms.add_service_error(form, exc)
            else:
                return redirect("draft", follow_up_id=fu.pk)
        warnings = _warnings_for(
            request,
            _follow_up(request, fu.pk),
            form["subject"].value() or "",
            form["body"].value() or "",
        )
        return render(
            request, "front/draft.html", _draft_context(request, fu, form, warnings), status=400
        )
    form = forms.DraftForm(initial={"subject": fu.subject, "body": fu.body})
    warnings = services.draft_warnings(request.user, fu)
    return render(request, "front/draft.html", _draft_context(request, fu, form, warnings))


@login_required
@require_POST
def draft_check(request: AuthenticatedRequest, follow_up_id: int) -> HttpResponse:
    fu = _follow_up(request, follow_up_id)
    subject = request.POST.get("subject", "")[:1000]
    body = request.POST.get("body", "")[:100_000]
    warnings = _warnings_for(request, fu, subject, body)
    return render(
        request,
        "front/_warnings.html",
        {
            "warnings": warnings,
            "word_count": drafting.word_count(body),
            "is_email": fu.channel == p.EMAIL,
            "oob": True,
        },
    )


@login_required
@require_GET
def draft_eml(request: AuthenticatedRequest, follow_up_id: int) -> HttpResponse:
    """The draft as an .eml file to open in a mail app. Header values with line breaks are refused."""
    fu = _follow_up(request, follow_up_id)
    if fu.channel != p.EMAIL:
        raise Http404("Only email follow-ups can be downloaded")
    profile = _profile(request)
    try:
        data = compose.draft_file(fu, compose.Person(profile.email or "", profile.full_name or ""))
    except compose.ComposeError as exc:
        return HttpResponseBadRequest(
            f"This draft cannot be written as an email: {exc}. Fix it before downloading.",
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(data, content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="followup-{fu.pk}-{fu.kind}.eml"'
    return response


# ---------------------------------------------------------------------------------------------
# Settings


@login_required
def settings_page(request: AuthenticatedRequest) -> HttpResponse:
    profile = _profile(request)
    if request.method == "POST":
        form = forms.ProfileForm(request.POST)
        if form.is_valid():
            try:
                services.save_profile(request.user, form.cleaned_data)
            except InvalidInput as exc:
                forms.add_service_error(form, exc)
            else:
                messages.success(request, "Settings saved.")
                return redirect("settings")
        status = 400
    else:
        form = forms.ProfileForm(
            initial={name: getattr(profile, name) for name in services.PROFILE_FIELDS}
        )
        status = 200
    custom = set(MessageTemplate.objects.filter(owner=request.user).values_list("kind", flat=True))
    templates = [
        {"kind": kind, "label": _kind_label(kind), "custom": kind in custom}
        for kind in drafting.TEMPLATE_KEYS
    ]
    return render(
        request,
        "front/settings.html",
        {
            "nav": "settings",
            "form": form,
            "templates": templates,
            "custom_bank": bool(profile.question_bank),
            "time_zones": forms.time_zone_names(),
        },
        status=status,
    )


def _kind_label(kind: str) -> str:
    from followup.front.templatetags.front_tags import kind_label

    return str(kind_label(kind))


def _template_kind(kind: str) -> str:
    if kind not in drafting.TEMPLATE_KEYS:
        raise Http404("No such template")
    return kind


def _render_preview(
    request: AuthenticatedRequest, kind: str, subject: str, body: str
) -> dict[str, Any]:
    source = drafting.TemplateSource(subject=subject, body=body)
    problems = drafting.validate_template(source, kind)
    rendered = None
    if not problems:
        try:
            rendered = drafting.preview(
                kind, source, profile_service.sample_context(request.user, kind)
            )
        except drafting.TemplateProblem as exc:
            problems = [str(exc)]
    return {"problems": problems, "rendered": rendered}


@login_required
def template_editor(request: AuthenticatedRequest, kind: str) -> HttpResponse:
    kind = _template_kind(kind)
    if request.method == "POST":
        if request.POST.get("action") == "reset":
            changed = profile_service.reset_template(request.user, kind)
            messages.success(
                request, f"Back to the built-in template; {changed} open draft(s) rewritten."
            )
            return redirect("template", kind=kind)
        form = forms.TemplateForm(request.POST, kind=kind)
        if form.is_valid():
            try:
                changed = profile_service.save_template(
                    request.user, kind, form.cleaned_data["subject"], form.cleaned_data["body"]
                )
            except InvalidInput as exc:
                forms.add_service_error(form, exc)
            else:
                messages.success(request, f"Template saved; {changed} open draft(s) rewritten.")
                return redirect("template", kind=kind)
        status = 400
        source = drafting.TemplateSource(
            subject=form["subject"].value() or "", body=form["body"].value() or ""
        )
        custom = True
    else:
        source, custom = profile_service.template_source(request.user, kind)
        form = forms.TemplateForm(
            initial={"subject": source.subject, "body": source.body}, kind=kind
        )
        status = 200
    return render(
        request,
        "front/template_editor.html",
        {
            "nav": "settings",
            "kind": kind,
            "label": _kind_label(kind),
            "form": form,
            "custom": custom,
            "variables": sorted(drafting.TEMPLATE_VARIABLES.items()),
            **_render_preview(request, kind, source.subject, source.body),
        },
        status=status,
    )


@login_required
@require_POST
def template_preview(request: AuthenticatedRequest, kind: str) -> HttpResponse:
    kind = _template_kind(kind)
    subject = request.POST.get("subject", "")[:20_000]
    body = request.POST.get("body", "")[:20_000]
    return render(
        request, "front/_template_preview.html", _render_preview(request, kind, subject, body)
    )


@login_required
def question_bank(request: AuthenticatedRequest) -> HttpResponse:
    profile = _profile(request)
    if request.method == "POST":
        form = forms.QuestionBankForm(request.POST)
        if form.is_valid():
            try:
                profile_service.save_question_bank(request.user, form.cleaned_data)
            except InvalidInput as exc:
                forms.add_service_error(form, exc)
            else:
                messages.success(request, "Question bank saved. New drafts ask these questions.")
                return redirect("question-bank")
        status = 400
        texts = {k: form[k].value() or "" for k in forms.QUESTION_TOPICS}
    else:
        texts = profile_service.question_texts(profile)
        form = forms.QuestionBankForm(initial=texts)
        status = 200
    return render(
        request,
        "front/question_bank.html",
        {"nav": "settings", "form": form, **_bank_preview(request, texts)},
        status=status,
    )


def _bank_preview(request: AuthenticatedRequest, texts: dict[str, str]) -> dict[str, Any]:
    bank = tuple(
        drafting.Question(topic=q.topic, text=(texts.get(q.topic) or "").strip() or q.text)
        for q in drafting.DEFAULT_QUESTION_BANK
    )
    source, _ = profile_service.template_source(request.user, p.REJECTION_REPLY)
    ctx = profile_service.sample_context(request.user, p.REJECTION_REPLY, question_bank=bank)
    try:
        rendered = drafting.preview(p.REJECTION_REPLY, source, ctx)
        problems: list[str] = []
    except drafting.TemplateProblem as exc:
        rendered, problems = None, [str(exc)]
    return {"rendered": rendered, "problems": problems, "preview_label": "Rejection reply"}


@login_required
@require_POST
def question_bank_preview(request: AuthenticatedRequest) -> HttpResponse:
    texts = {topic: request.POST.get(topic, "")[:500] for topic in forms.QUESTION_TOPICS}
    return render(request, "front/_template_preview.html", _bank_preview(request, texts))


# ---------------------------------------------------------------------------------------------
# Settings: mail account


def _account_initial(account: MailAccount | None) -> dict[str, Any]:
    if account is None:
        return {"smtp_security": "starttls", "imap_security": "ssl", "sent_copy": "auto"}
    names = [name for name in forms.MailAccountForm.base_fields if not name.endswith("_password")]
    return {name: getattr(account, name) for name in names}


def _mail_page(
    request: AuthenticatedRequest,
    form: forms.MailAccountForm,
    account: MailAccount | None,
    checks: list[Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "front/settings_mail.html",
        {
            "nav": "settings",
            "form": form,
            "account": account,
            "checks": checks,
            "app_password_note": accounts.APP_PASSWORD_NOTE,
        },
        status=status,
    )


@login_required
def settings_mail(request: AuthenticatedRequest) -> HttpResponse:
    account = accounts.get_account(request.user)
    if request.method != "POST":
        return _mail_page(
            request, forms.MailAccountForm(initial=_account_initial(account)), account
        )
    form = forms.MailAccountForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            accounts.save_account(
                request.user,
                accounts.AccountInput(
                    from_address=data["from_address"],
                    from_name=data["from_name"],
                    smtp_host=data["smtp_host"],
                    smtp_port=data["smtp_port"],
                    smtp_security=data["smtp_security"],
                    smtp_user=data["smtp_user"],
                    # Blank keeps the stored password: the page never shows it back.
                    smtp_password=data["smtp_password"] or None,
                    imap_host=data["imap_host"],
                    imap_port=data["imap_port"],
                    imap_security=data["imap_security"],
                    imap_user=data["imap_user"],
                    imap_password=data["imap_password"] or None,
                    drafts_folder=data["drafts_folder"],
                    sent_folder=data["sent_folder"],
                    sent_copy=data["sent_copy"],
                    poll_interval_seconds=account.poll_interval_seconds if account else 120,
                ),
            )
        except InvalidInput as exc:
            forms.add_service_error(form, exc)
        else:
            messages.success(request, "Mail account saved. Test the connection below.")
            return redirect("settings-mail")
    return _mail_page(request, form, account, status=400)


@login_required
@require_POST
def settings_mail_test(request: AuthenticatedRequest) -> HttpResponse:
    account = accounts.get_account(request.user)
    if account is None:
        messages.error(request, "Save your mail account first, then test it.")
        return redirect("settings-mail")
    results = accounts.test_account(request.user, timeout=10.0)
    checks = [
        {
            "protocol": r.protocol.upper(),
            "ok": r.ok,
            "name": accounts.FAILURE_NAMES.get(r.kind, r.kind),
            "message": r.message,
        }
        for r in results
    ]
    form = forms.MailAccountForm(initial=_account_initial(account))
    return _mail_page(request, form, account, checks=checks)


# ---------------------------------------------------------------------------------------------
# Settings: notifications, digest hour, calendar feed, invitations found in mail


def _notifications_page(
    request: AuthenticatedRequest,
    channel_form: forms.ChannelForm | None = None,
    digest_form: forms.DigestForm | None = None,
    status: int = 200,
) -> HttpResponse:
    profile = _profile(request)
    if digest_form is None:
        hour = profile.digest_hour
        digest_form = forms.DigestForm(initial={"hour": "off" if hour is None else str(hour)})
    return render(
        request,
        "front/settings_notifications.html",
        {
            "nav": "settings",
            "channels": list(notify.channels(request.user)),
            "channel_form": channel_form or forms.ChannelForm(),
            "digest_form": digest_form,
            "calendar": notify.calendar_urls(request.user),
            "proposals": list(invitation_import.pending_proposals(request.user)),
            "tz": profile.time_zone,
        },
        status=status,
    )


@login_required
def settings_notifications(request: AuthenticatedRequest) -> HttpResponse:
    """GET shows the page; POST adds a push channel."""
    if request.method != "POST":
        return _notifications_page(request)
    form = forms.ChannelForm(request.POST)
    if form.is_valid():
        try:
            channel = notify.add_channel(
                request.user, form.cleaned_data["url"], form.cleaned_data["label"]
            )
        except InvalidInput as exc:
            forms.add_service_error(form, exc)
        else:
            messages.success(request, f"Channel added: {channel.label}. Send it a test below.")
            return redirect("settings-notifications")
    return _notifications_page(request, channel_form=form, status=400)


@login_required
@require_POST
def notification_channel(request: AuthenticatedRequest, channel_id: int) -> HttpResponse:
    """Test, resume or remove one of your channels (another user's answers 404)."""
    try:
        channel = notify.get_channel(request.user, channel_id)
    except NotFound:
        raise Http404("No such channel") from None
    action = request.POST.get("action", "")
    if action == "remove":
        notify.remove_channel(request.user, channel.pk)
        messages.success(request, f"Channel removed: {channel.label}.")
    elif action == "resume":
        notify.resume_channel(request.user, channel.pk)
        messages.success(request, f"Channel resumed: {channel.label}.")
    elif action == "test":
        result = notify.test_channels(request.user, channel.pk)[0]
        if result.ok:
            messages.success(request, f"Test sent to {channel.label}.")
        else:
            messages.error(request, f"Test to {channel.label} failed: {result.error}")
    else:
        return HttpResponseBadRequest("Unknown action", content_type="text/plain; charset=utf-8")
    return redirect("settings-notifications")


@login_required
@require_POST
def settings_digest(request: AuthenticatedRequest) -> HttpResponse:
    form = forms.DigestForm(request.POST)
    if form.is_valid():
        try:
            profile = notify.set_digest_hour(request.user, form.cleaned_data["hour"])
        except InvalidInput as exc:
            forms.add_service_error(form, exc)
        else:
            hour = profile.digest_hour
            messages.success(
                request,
                "Daily digest off."
                if hour is None
                else f"Daily digest at {hour:02d}:00 in your time zone.",
            )
            return redirect("settings-notifications")
    return _notifications_page(request, digest_form=form, status=400)


@login_required
@require_POST
def settings_calendar_regenerate(request: AuthenticatedRequest) -> HttpResponse:
    notify.calendar_urls(request.user, regenerate=True)
    messages.success(request, "New calendar address made; the old one no longer works.")
    return redirect("settings-notifications")


def _web_message(exc: InvalidInput | NotFound) -> str:
    """The services word some errors for the command line ("pass it (--company)")."""
    if exc.field in ("company", "role") and "--" in exc.message:
        return f"the invitation does not say the {exc.field}: type it in"
    return exc.message


@login_required
@require_POST
def invitation_proposal(request: AuthenticatedRequest, proposal_id: int) -> HttpResponse:
    """The one click on an invitation found in your mail: confirm (apply) or dismiss it."""
    try:
        proposal = invitation_import.get_proposal(request.user, proposal_id)
    except NotFound:
        raise Http404("No such invitation") from None
    if request.POST.get("action") == "dismiss":
        invitation_import.dismiss_proposal(request.user, proposal.pk)
        messages.success(request, "Invitation dismissed.")
        return redirect("settings-notifications")
    try:
        results = invitation_import.confirm_proposal(
            request.user,
            proposal.pk,
            company=request.POST.get("company", "")[:200],
            role=request.POST.get("role", "")[:200],
        )
    except (InvalidInput, NotFound) as exc:
        messages.error(request, f"Not applied: {_web_message(exc)}.")
        return redirect("settings-notifications")
    return _after_import(request, results, fallback=reverse("settings-notifications"))


def _after_import(request: AuthenticatedRequest, results: list[Any], fallback: str) -> HttpResponse:
    for result in results:
        (messages.success if result.application else messages.info)(
            request, f"Invitation: {result.message}."
        )
    application = next((r.application for r in results if r.application is not None), None)
    if application is None:
        return redirect(fallback)
    return redirect(reverse("application", args=[application.pk]) + "#plan")


@login_required
@require_POST
def import_invitation(request: AuthenticatedRequest) -> HttpResponse:
    """The .ics upload on Record an interview: records (or moves, or cancels) the interview."""
    form = forms.InvitationUploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            results = invitation_import.import_invitation(
                request.user,
                upload.read(),
                company=form.cleaned_data["company"],
                role=form.cleaned_data["role"],
            )
        except (InvalidInput, NotFound) as exc:
            forms.add_service_error(form, InvalidInput(exc.field, _web_message(exc)))
        else:
            return _after_import(request, results, fallback=reverse("record-interview"))
    profile = _profile(request)
    return render(
        request,
        "front/record_interview.html",
        _record_context(_blank_interview_form(profile, None), profile, None, form),
        status=400,
    )
