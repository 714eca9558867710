"""CSV export opens safely in a spreadsheet and still imports back exactly."""

import csv
import io

from followup.core import portability

FORMULAS = {
    "company": '=HYPERLINK("http://evil.example","Click")',
    "role": "@SUM(A1:A9)",
    "notes": "+cmd|' /C calc'!A0",
    "promised": "-2+3+cmd|' /C calc'!A0",
}


def _cells(text):
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def test_no_exported_cell_starts_like_a_formula(owner, record_interview):
    record_interview(**FORMULAS, unasked=["'quoted already"])
    cells = _cells(portability.export_text(owner, "csv"))
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'" + FORMULAS["company"] in cells


def test_a_neutralised_export_imports_back_exactly(owner, record_interview, django_user_model):
    record_interview(**FORMULAS, unasked=["'quoted already"])
    exported = portability.export_text(owner, "csv")
    other = django_user_model.objects.create(username="other")
    portability.import_text(other, exported)
    from followup.core.models import Application, Interview

    application = Application.objects.select_related("company").get(owner=other)
    assert (application.company.name, application.role_title) == (
        FORMULAS["company"],
        FORMULAS["role"],
    )
    interview = Interview.objects.get(owner=other)
    assert (interview.notes, interview.promised_phrase) == (FORMULAS["notes"], FORMULAS["promised"])
    assert interview.unasked_list() == ["'quoted already"]


# ---------------------------------------------------------------------------------------------
# Import checks what it stores, with one line naming the record and the field

import json  # noqa: E402

import pytest  # noqa: E402

from followup.core.errors import InvalidInput  # noqa: E402


@pytest.fixture
def exported(owner, record_interview):
    record_interview()
    return portability.export_data(owner)


def _counts(user):
    from followup.core.models import Application, Contact, FollowUp, Interview

    return [
        m.objects.filter(owner=user).count() for m in (Application, Contact, Interview, FollowUp)
    ]


def _import_into_someone_else(data, django_user_model):
    other = django_user_model.objects.create(username="other")
    before = _counts(other)
    with pytest.raises(InvalidInput) as caught:
        portability.import_text(other, data if isinstance(data, str) else json.dumps(data))
    assert _counts(other) == before, "a refused import must change nothing"
    return f"{caught.value.field}: {caught.value.message}"


@pytest.mark.parametrize(
    ("record", "field", "value", "named"),
    [
        ("application", "job_url", "javascript:alert(1)", "application 1: job_url"),
        ("application", "status", "hired-twice", "application 1: status"),
        ("application", "role_type", "astronaut", "application 1: role_type"),
        (
            "contact",
            "name",
            "Wanjiku\r\nBcc: evil@evil.example",
            "contact 1: name: must be one line",
        ),
        ("contact", "email", "not-an-address", "contact 1: email"),
        ("interview", "time_zone", "Mars/Olympus", "interview 1: time_zone"),
        ("company", "country", "XX", "company 1: country"),
        ("follow_up", "subject", "Thanks\nBcc: x@y.example", "follow_up 1: subject"),
        ("interview", "notes", "nul \x00 here", "interview 1: notes: contains a NUL"),
        ("event", "data", {"note": "nul \x00 here"}, "event 1: data: contains a NUL"),
    ],
)
def test_a_bad_value_is_refused_by_record_and_field(
    exported, django_user_model, record, field, value, named
):
    exported[record][0][field] = value
    assert named in _import_into_someone_else(exported, django_user_model)


def test_a_template_that_would_hang_the_next_command_is_refused(exported, django_user_model):
    exported["template"] = [
        {"id": 1, "kind": "thank_you", "subject": "Hi", "body": "{{ '{:>999999999}'.format('x') }}"}
    ]
    assert "template 1: " in _import_into_someone_else(exported, django_user_model)


@pytest.mark.parametrize("bad_id", [[1], "1", True, None, 0])
def test_ids_must_be_whole_numbers(exported, django_user_model, bad_id):
    exported["application"][0]["id"] = bad_id
    assert "no id" in _import_into_someone_else(exported, django_user_model)


def test_a_reference_given_as_a_list_is_refused(exported, django_user_model):
    exported["interview"][0]["application"] = [1]
    assert "interview 1: application" in _import_into_someone_else(exported, django_user_model)


def test_deep_nesting_is_refused_in_one_line(django_user_model):
    text = '{"format": "followup-export", "x": ' + "[" * 100_000 + "]" * 100_000 + "}"
    assert "file: " in _import_into_someone_else(text, django_user_model)


def test_a_csv_field_over_the_csv_limit_is_refused_in_one_line(owner, django_user_model):
    text = portability.export_text(owner, "csv") + "company,2," + "x" * 200_000 + "\n"
    assert "line " in _import_into_someone_else(text, django_user_model)
