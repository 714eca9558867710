"""Drafting: render follow-up drafts from user-editable templates and check them.

Pure Python, no Django: the web app and the command build a `DraftContext` per follow-up,
call `render_draft()` and show `check_draft()`'s warnings with the draft.
"""

from followup.drafting.checker import DraftWarning, check_draft, word_count
from followup.drafting.context import (
    DEFAULT_QUESTION_BANK,
    TEMPLATE_VARIABLES,
    Draft,
    DraftContext,
    EarlierMessage,
    Question,
    TemplateSource,
    choose_topic,
    pick_topic,
    questions_for,
    template_vars,
)
from followup.drafting.defaults import CALL_SCRIPT, DEFAULT_TEMPLATES, TEMPLATE_KEYS
from followup.drafting.render import (
    MAX_BODY_CHARS,
    MAX_SUBJECT_CHARS,
    TemplateProblem,
    preview,
    render_draft,
    template_key,
    validate_template,
)

__all__ = [
    "CALL_SCRIPT",
    "MAX_BODY_CHARS",
    "MAX_SUBJECT_CHARS",
    "DEFAULT_QUESTION_BANK",
    "DEFAULT_TEMPLATES",
    "TEMPLATE_KEYS",
    "TEMPLATE_VARIABLES",
    "Draft",
    "DraftContext",
    "DraftWarning",
    "EarlierMessage",
    "Question",
    "TemplateProblem",
    "TemplateSource",
    "check_draft",
    "choose_topic",
    "pick_topic",
    "preview",
    "questions_for",
    "render_draft",
    "template_key",
    "template_vars",
    "validate_template",
    "word_count",
]
