"""The Contacts pages, the "Log a call / meeting / message / note" form of the Application page,
and the WhatsApp link of a follow-up: thin shells over core.services.contacts and
core.services.interactions. Bad input goes next to the field the service names."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from followup.core import services
from followup.core.errors import InvalidInput, NotFound
from followup.core.models import Application, Contact, FollowUp, Interaction
from followup.core.owner import Owner
from followup.core.services import contacts as contact_service
from followup.core.services import interactions as interaction_service
from followup.front import queries
from followup.front.forms import AccessibleForm, OutcomeForm, add_service_error
from followup.front.request import AuthenticatedRequest
from followup.lib.phones import wa_digits
from followup.lib.vocabulary import zone

# ---------------------------------------------------------------------------------------------
# Forms: shapes only; the services check meaning (InvalidInput names these same fields).

CHANNEL_CHOICES = [("", "As each follow-up's rule says"), *Contact.Channel.choices]


class ContactForm(AccessibleForm):
    name = forms.CharField(max_length=200)
    email = forms.CharField(label="Email", max_length=254, required=False)
    phone = forms.CharField(
        max_length=50,
        required=False,
        help_text="With or without the country code; without one it is read as the company's "
        "country (else yours).",
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    title = forms.CharField(label="Job title", max_length=200, required=False)
    company = forms.CharField(max_length=200, required=False)
    linkedin = forms.CharField(label="LinkedIn URL", max_length=200, required=False)
    tz = forms.CharField(
        label="Time zone",
        max_length=64,
        required=False,
        help_text="Theirs, e.g. Europe/London; empty: the company's.",
        widget=forms.TextInput(attrs={"list": "tz-options"}),
    )
    channel = forms.ChoiceField(
        label="Preferred channel",
        choices=CHANNEL_CHOICES,
        required=False,
        help_text="Their follow-ups go this way (WhatsApp needs a mobile number).",
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))

    @staticmethod
    def initial_for(contact: Contact) -> dict[str, str]:
        return {
            "name": contact.name,
            "email": contact.email,
            "phone": contact.phone,
            "title": contact.title,
            "company": contact.company.name if contact.company else "",
            "linkedin": contact.linkedin_url,
            "tz": contact.time_zone,
            "channel": contact.preferred_channel,
            "notes": contact.notes,
        }


class InteractionForm(AccessibleForm):
    kind = forms.ChoiceField(
        label="What happened", choices=Interaction.Kind.choices, widget=forms.RadioSelect
    )
    contact = forms.ChoiceField(label="With", required=False)
    at = forms.CharField(
        label="When",
        required=False,
        help_text="Your time zone; empty: now.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    text = forms.CharField(
        label="What was said or agreed", max_length=10_000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, people: list[Contact], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        contact = self.fields["contact"]
        assert isinstance(contact, forms.ChoiceField)
        contact.choices = [("", "—")] + [(str(c.pk), c.name) for c in people]


def application_people(owner: Owner, application: Application, also: str = "") -> list[Contact]:
    """Whom an interaction on this application can be with: its recruiter, interviewers and
    the recipients of its follow-ups (and `also`, a contact id of the owner's, pre-filled)."""
    people = Contact.objects.filter(owner=owner).filter(
        pk__in=FollowUp.objects.filter(owner=owner, application=application)
        .exclude(recipient=None)
        .values("recipient")
    ) | Contact.objects.filter(owner=owner, interviews__application=application)
    if application.recruiter_id:
        people |= Contact.objects.filter(owner=owner, pk=application.recruiter_id)
    if also.isascii() and also.isdigit() and len(also) < 18:
        people |= Contact.objects.filter(owner=owner, pk=int(also))
    return list(people.distinct().order_by("name", "id"))


def people_on_page(owner: Owner, page: queries.ApplicationPage, also: str = "") -> list[Contact]:
    """`application_people` from what the Application page has loaded already (its recruiter,
    interviewers and follow-up recipients), without querying them again: benchmarks/bench_web.py
    had the Application page at 85x the trivial view with the query, 55x without it."""
    people: dict[int, Contact] = {c.pk: c for c in page.contacts}
    for fu in (*page.plan, *page.history):
        if fu.recipient is not None:
            people.setdefault(fu.recipient.pk, fu.recipient)
    if also.isascii() and also.isdigit() and len(also) < 18 and int(also) not in people:
        extra = Contact.objects.filter(owner=owner, pk=int(also)).first()
        if extra is not None:
            people[extra.pk] = extra
    return sorted(people.values(), key=lambda c: (c.name, c.pk))


def blank_interaction_form(
    owner: Owner,
    application: Application,
    kind: str = "",
    contact: str = "",
    page: queries.ApplicationPage | None = None,
) -> InteractionForm:
    """The log form, `?kind=call&contact=ID` filled in ("Log the call" of a phone follow-up)."""
    people = (
        people_on_page(owner, page, contact)
        if page is not None
        else application_people(owner, application, contact)
    )
    initial: dict[str, str] = {"kind": kind if kind in Interaction.Kind.values else "call"}
    if any(str(c.pk) == contact for c in people):
        initial["contact"] = contact
    return InteractionForm(initial=initial, people=people)


def whatsapp_url(phone: str, text: str) -> str:
    """wa.me opens WhatsApp on the user's own phone with the message filled in."""
    return f"https://wa.me/{wa_digits(phone)}?text={quote(text, safe='')}"


# ---------------------------------------------------------------------------------------------
# Contacts


def _contact(request: AuthenticatedRequest, contact_id: int) -> Contact:
    try:
        return contact_service.get_contact(request.user, contact_id)
    except NotFound:
        raise Http404("No such contact") from None


def _page(request: AuthenticatedRequest) -> int:
    text = str(request.GET.get("page", "1"))[:6]
    return int(text) if text.isascii() and text.isdigit() and int(text) > 0 else 1


@login_required
@require_GET
def contact_list(request: AuthenticatedRequest) -> HttpResponse:
    """Contacts by name, searched with `?q=`; "Show more" brings the next page (in place with
    htmx, a plain link without JavaScript)."""
    search = str(request.GET.get("q", ""))[: contact_service.SEARCH_MAX]
    page = contact_service.list_contacts(request.user, search, _page(request))
    more_url = "?" + urlencode({"q": page.search, "page": page.page + 1})
    context: dict[str, Any] = {"nav": "contacts", "page": page, "more_url": more_url}
    if request.htmx and request.GET.get("page"):
        fragment = render(request, "front/contacts/_rows.html", context)
        patch_vary_headers(fragment, ("HX-Request",))
        return fragment
    deleted = str(request.GET.get("deleted", ""))
    if deleted.isascii() and deleted.isdigit() and len(deleted) < 18:
        context["deleted"] = Contact.all_objects.filter(
            owner=request.user, pk=int(deleted), deleted_at__isnull=False
        ).first()
    response = render(request, "front/contacts/list.html", context)
    # The same URL answers a fragment to htmx: caches must keep them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response


def _save_contact(
    request: AuthenticatedRequest, form: ContactForm, contact: Contact | None
) -> Contact | None:
    """The service call for a valid form; None (and the error next to its field) when the
    service refuses."""
    if not form.is_valid():
        return None
    data = {name: form.cleaned_data[name] for name in contact_service.CONTACT_FIELDS}
    try:
        if contact is None:
            return contact_service.create_contact(request.user, **data)
        return contact_service.edit_contact(request.user, contact.pk, **data)
    except InvalidInput as exc:
        add_service_error(form, exc)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def contact_new(request: AuthenticatedRequest) -> HttpResponse:
    form = ContactForm(request.POST or None)
    if request.method == "POST":
        contact = _save_contact(request, form, None)
        if contact is not None:
            messages.success(request, f"{contact.name} added.")
            return redirect("contact", contact_id=contact.pk)
    context = {"nav": "contacts", "form": form, "time_zones": _time_zones()}
    status = 400 if request.method == "POST" else 200
    return render(request, "front/contacts/new.html", context, status=status)


def _time_zones() -> tuple[str, ...]:
    from followup.front.forms import time_zone_names

    return time_zone_names()


@login_required
@require_http_methods(["GET", "POST"])
def contact_detail(request: AuthenticatedRequest, contact_id: int) -> HttpResponse:
    contact = _contact(request, contact_id)
    if request.method == "POST":
        form = ContactForm(request.POST)
        saved = _save_contact(request, form, contact)
        if saved is not None:
            messages.success(request, f"{saved.name} saved; their follow-ups follow.")
            return redirect("contact", contact_id=saved.pk)
        status = 400
    else:
        form = ContactForm(initial=ContactForm.initial_for(contact))
        status = 200
    history = contact_service.contact_history(request.user, contact.pk)
    context = {
        "nav": "contacts",
        "contact": history.contact,
        "history": history,
        "form": form,
        "tz": services.get_profile(request.user).time_zone,
        "time_zones": _time_zones(),
    }
    return render(request, "front/contacts/detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def contact_delete(request: AuthenticatedRequest, contact_id: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes, and the list offers Undo."""
    contact = _contact(request, contact_id)
    if request.method == "POST":
        contact_service.delete_contact(request.user, contact.pk)
        return redirect(reverse("contacts") + f"?deleted={contact.pk}")
    return render(
        request,
        "front/contacts/confirm_delete.html",
        {
            "nav": "contacts",
            "what": contact.name,
            "cancel_url": reverse("contact", args=[contact.pk]),
            "action": reverse("contact-delete", args=[contact.pk]),
        },
    )


@login_required
@require_POST
def contact_restore(request: AuthenticatedRequest, contact_id: int) -> HttpResponse:
    try:
        contact = contact_service.restore_contact(request.user, contact_id)
    except NotFound:
        raise Http404("No such deleted contact") from None
    messages.success(request, f"{contact.name} restored.")
    return redirect("contact", contact_id=contact.pk)


# ---------------------------------------------------------------------------------------------
# Interactions on the Application page


def _application(request: AuthenticatedRequest, application_id: int) -> Application:
    try:
        return services.get_application(request.user, application_id)
    except NotFound:
        raise Http404("No such application") from None


def _logged_note(interaction: Interaction) -> str:
    label = interaction.get_kind_display()
    if interaction.counts_as_reply:
        return f"{label} logged. It counts as their reply: the check-ins stop."
    return f"{label} logged."


@login_required
@require_POST
def log_interaction(request: AuthenticatedRequest, application_id: int) -> HttpResponse:
    app = _application(request, application_id)
    people = application_people(request.user, app, str(request.POST.get("contact", "")))
    form = InteractionForm(request.POST, people=people)
    if form.is_valid():
        d = form.cleaned_data
        at = d["at"].strip()
        try:
            logged = interaction_service.log_interaction(
                request.user, app.pk, d["kind"], d["text"], d["contact"] or None, at or None
            )
        except InvalidInput as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _logged_note(logged))
            return redirect(reverse("application", args=[app.pk]) + "#interactions")
    # The Application page again, as its own view shows it, with this form's errors.
    return render(
        request,
        "front/application.html",
        {
            "nav": "pipeline",
            "place": "application",
            "app": app,
            "data": queries.application_page(request.user, app),
            "outcome_form": OutcomeForm(),
            "log_form": form,
            "tz": services.get_profile(request.user).time_zone,
            "next_url": reverse("application", args=[app.pk]),
        },
        status=400,
    )


def _interaction(request: AuthenticatedRequest, interaction_id: int) -> Interaction:
    try:
        return interaction_service.get_interaction(request.user, interaction_id)
    except NotFound:
        raise Http404("No such interaction") from None


@login_required
@require_http_methods(["GET", "POST"])
def interaction_edit(request: AuthenticatedRequest, interaction_id: int) -> HttpResponse:
    interaction = _interaction(request, interaction_id)
    app = interaction.application
    people = application_people(
        request.user,
        app,
        str(request.POST.get("contact", "") or (interaction.contact_id or "")),
    )
    back = reverse("application", args=[app.pk]) + "#interactions"
    status = 200
    if request.method == "POST":
        form = InteractionForm(request.POST, people=people)
        if form.is_valid():
            d = form.cleaned_data
            try:
                interaction_service.edit_interaction(
                    request.user,
                    interaction.pk,
                    kind=d["kind"],
                    text=d["text"],
                    contact_id=d["contact"] or "",
                    at=d["at"].strip() or None,
                )
            except InvalidInput as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, f"{interaction.get_kind_display()} saved.")
                return redirect(back)
        status = 400
    else:
        local = interaction.at.astimezone(zone(services.get_profile(request.user).time_zone))
        form = InteractionForm(
            initial={
                "kind": interaction.kind,
                "contact": str(interaction.contact_id or ""),
                "at": local.strftime("%Y-%m-%dT%H:%M"),
                "text": interaction.text,
            },
            people=people,
        )
    context = {"nav": "pipeline", "form": form, "interaction": interaction, "back": back}
    return render(request, "front/contacts/interaction_edit.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def interaction_delete(request: AuthenticatedRequest, interaction_id: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes, and the Application page offers Undo."""
    interaction = _interaction(request, interaction_id)
    back = reverse("application", args=[interaction.application_id])
    if request.method == "POST":
        interaction_service.delete_interaction(request.user, interaction.pk)
        return redirect(f"{back}?undo_interaction={interaction.pk}#interactions")
    return render(
        request,
        "front/contacts/confirm_delete.html",
        {
            "nav": "pipeline",
            "what": interaction_service.describe(interaction),
            "cancel_url": back + "#interactions",
            "action": reverse("interaction-delete", args=[interaction.pk]),
        },
    )


@login_required
@require_POST
def interaction_restore(request: AuthenticatedRequest, interaction_id: int) -> HttpResponse:
    try:
        interaction = interaction_service.restore_interaction(request.user, interaction_id)
    except NotFound:
        raise Http404("No such deleted interaction") from None
    messages.success(request, f"{interaction.get_kind_display()} restored.")
    return redirect(reverse("application", args=[interaction.application_id]) + "#interactions")


@login_required
@require_GET
def whatsapp(request: AuthenticatedRequest, follow_up_id: int) -> HttpResponse:
    """A follow-up's draft in WhatsApp on the user's phone (wa.me); they send it themselves,
    then mark it sent."""
    try:
        fu = services.get_follow_up(request.user, follow_up_id)
    except NotFound:
        raise Http404("No such follow-up") from None
    if fu.recipient is None or not fu.recipient.phone:
        raise Http404("No phone number to send it to")
    return redirect(whatsapp_url(fu.recipient.phone, fu.body))
