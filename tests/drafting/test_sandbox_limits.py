"""A user template cannot make a preview or its validation use unbounded memory or time."""

import pytest

from followup.drafting import render
from followup.drafting.context import TemplateSource


def problems(body):
    return render.validate_template(TemplateSource("Thank you", body))


@pytest.mark.parametrize(
    "body",
    [
        "{{ '{:>1000000000}'.format('x')|length }}",
        "{{ '{x}'.format_map({'x': 1}) }}",
        "{{ 'x'['format']('y') }}",
    ],
)
def test_string_formatting_is_refused_with_what_to_use_instead(body):
    assert problems(body)
    assert any("not available" in p or "unsafe" in p for p in problems(body))


def test_format_is_named_on_its_line():
    assert problems("Hello\n{{ '{}'.format(role_title) }}") == [
        "thank_you template (body), line 2: .format() is not available in templates; "
        "join text with ~ instead"
    ]


def test_nested_loops_over_long_text_stop_at_the_loop_budget():
    body = "{% for a in range(1000) %}{% for c in (notes * 100)|list %}{% endfor %}{% endfor %}"
    assert any(f"more than {render.MAX_LOOP_STEPS} times" in p for p in problems(body))


def test_loops_within_the_budget_still_render():
    body = "Hi {{ recipient_first_name }},{% for q in unasked_questions %}\n- {{ q }}{% endfor %}"
    assert problems(body) == []
