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
