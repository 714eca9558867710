"""Render drafts from user-editable templates in a Jinja2 sandbox.

A template is text written by a user, so it is treated as untrusted:

* it runs in an `ImmutableSandboxedEnvironment` (no underscore attributes, no mutation) that is
  narrowed further: only a short list of harmless methods of str/dict/tuple, a short list of
  filters, no globals but a small `range`;
* `{% macro %}`, `{% call %}`, `{% include %}`, `{% import %}`, `{% extends %}`, `{% set %}`
  blocks and recursive or deeply nested loops are refused;
* strings, numbers and output are capped in size and rendering in time;
* the context holds plain values only (see `context.template_vars`).

Any failure of a template to parse or render is a `TemplateProblem` with a one-line message
naming the template and the line.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import time
import traceback
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from contextvars import ContextVar
from datetime import date
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, meta, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.environment import Template
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context, LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment

from followup.drafting.context import (
    TEMPLATE_VARIABLES,
    Draft,
    DraftContext,
    TemplateSource,
    template_vars,
)
from followup.drafting.defaults import CALL_SCRIPT, DEFAULT_TEMPLATES
from followup.planner.types import ASSERTIVE, CHECK_IN, CHECK_IN_KINDS, KINDS, PHONE, THANK_YOU

__all__ = [
    "MAX_BODY_CHARS",
    "MAX_SOURCE_CHARS",
    "MAX_SUBJECT_CHARS",
    "TemplateProblem",
    "preview",
    "render_draft",
    "template_key",
    "validate_template",
]

MAX_SOURCE_CHARS = 20_000  # per subject or body template
MAX_STRING_CHARS = 100_000  # any string a template builds
# What a follow-up's body may hold, typed or rendered (forms, import and the services check it):
# a real follow-up is a few hundred words; the cap keeps every later check and page bounded.
MAX_BODY_CHARS = 20_000
MAX_OUTPUT_CHARS = MAX_BODY_CHARS  # a rendered subject or body
MAX_RANGE = 1_000
MAX_LOOP_DEPTH = 2
MAX_INT_BITS = 4_096
# Loop iterations one rendering may run, all loops together (validation renders each sample
# with the same budget): nested loops over long strings ran for seconds before.
MAX_LOOP_STEPS = 5_000
RENDER_SECONDS = 2.0
# Methods that build strings outside the size caps: Jinja's sandbox lets a template call
# str.format ('{:>1000000000}'.format('x') allocated a gigabyte), so they are refused outright.
_STRING_BUILDERS = frozenset({"format", "format_map"})


class TemplateProblem(ValueError):
    """A user template that does not parse or render. The message is one line naming the
    template and, where known, the line."""


# ---------------------------------------------------------------------------------------------
# The sandbox

# fmt: off
_SAFE_METHODS: tuple[tuple[type, frozenset[str]], ...] = (
    (
        str,
        frozenset(
            {
                "capitalize", "casefold", "count", "endswith", "find", "isalnum", "isalpha",
                "isdigit", "islower", "isspace", "istitle", "isupper", "lower", "lstrip",
                "partition", "removeprefix", "removesuffix", "rfind", "rpartition", "rsplit",
                "rstrip", "split", "splitlines", "startswith", "strip", "title", "upper",
            }
        ),
    ),
    (dict, frozenset({"get", "items", "keys", "values"})),
    (tuple, frozenset({"count", "index"})),
    (list, frozenset({"count", "index"})),
)
_LOOP_ATTRIBUTES = frozenset(
    {
        "index", "index0", "revindex", "revindex0", "first", "last", "length", "previtem",
        "nextitem", "depth", "depth0", "cycle", "changed",
    }
)
# fmt: on


def _too_big(what: str) -> SecurityError:
    return SecurityError(f"{what} is too large for a template")


def _check_string(value: str) -> str:
    if len(value) > MAX_STRING_CHARS:
        raise _too_big("the text")
    return value


_loop_steps: ContextVar[list[int]] = ContextVar("loop_steps")


def _loop_budget(iterable: Iterable[Any]) -> Iterator[Any]:
    """Every `{% for %}` iterates through this (see `_parse`): each step spends the budget."""
    steps = _loop_steps.get(None)
    for item in iterable:
        if steps is not None:
            steps[0] += 1
            if steps[0] > MAX_LOOP_STEPS:
                raise SecurityError(f"the loops run more than {MAX_LOOP_STEPS} times")
        yield item


def _capped_range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise _too_big(f"range() of more than {MAX_RANGE} numbers")
    return numbers


def _capped_join(value: Iterable[Any], d: str = "") -> str:
    items = [str(v) for v in value]
    if sum(map(len, items)) + len(str(d)) * max(0, len(items) - 1) > MAX_STRING_CHARS:
        raise _too_big("the joined text")
    return str(d).join(items)


def _capped_replace(value: Any, old: str, new: str, count: int | None = None) -> str:
    text, old, new = str(value), str(old), str(new)
    hits = text.count(old) if old else len(text) + 1
    if count is not None and count >= 0:
        hits = min(hits, count)
    if len(text) + hits * max(0, len(new) - len(old)) > MAX_STRING_CHARS:
        raise _too_big("the replaced text")
    return text.replace(old, new, -1 if count is None else count)


# fmt: off
_SAFE_FILTERS = (
    "abs", "capitalize", "count", "d", "default", "dictsort", "first", "float", "int", "items",
    "last", "length", "list", "lower", "map", "max", "min", "reject", "rejectattr", "reverse",
    "round", "select", "selectattr", "sort", "string", "striptags", "title", "trim", "truncate",
    "unique", "upper", "wordcount",
)
# fmt: on


class _CappedCodeGenerator(CodeGenerator):
    """Compiles `a ~ b` into a call that refuses to build huge strings."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.capped_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class _Sandbox(ImmutableSandboxedEnvironment):
    code_generator_class = _CappedCodeGenerator
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self) -> None:
        super().__init__(
            autoescape=False,  # plain text, not HTML
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
            auto_reload=False,
            cache_size=0,
        )
        self.globals.clear()
        self.globals["range"] = _capped_range
        self.filters = {name: self.filters[name] for name in _SAFE_FILTERS}
        self.filters["join"] = _capped_join
        self.filters["replace"] = _capped_replace
        self.filters["_loop_budget"] = _loop_budget

    def wrap_str_format(self, value: Any) -> None:
        """Jinja hands out a sandboxed str.format before asking is_safe_attribute; refusing
        here sends `.format` and `['format']` to the refusal below."""
        return None

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if attr in _STRING_BUILDERS:
            return False
        if not super().is_safe_attribute(obj, attr, value):
            return False
        if isinstance(obj, LoopContext):
            return attr in _LOOP_ATTRIBUTES
        for kind, names in _SAFE_METHODS:
            if isinstance(obj, kind):
                return attr in names
        return False

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "%" and isinstance(left, str):
            raise SecurityError("string formatting with % is not available in templates")
        both_ints = isinstance(left, int) and isinstance(right, int)
        if (
            operator == "**"
            and both_ints
            and right > 0
            and abs(left).bit_length() * right > MAX_INT_BITS
        ):
            raise _too_big("the number")
        if operator == "*":
            if both_ints and abs(left).bit_length() + abs(right).bit_length() > MAX_INT_BITS:
                raise _too_big("the number")
            for seq, times in ((left, right), (right, left)):
                if (
                    isinstance(seq, str | tuple | list)
                    and isinstance(times, int)
                    and len(seq) * times > MAX_STRING_CHARS
                ):
                    raise _too_big("the repeated text")
        if (
            operator == "+"
            and isinstance(left, str | tuple | list)
            and isinstance(right, str | tuple | list)
            and len(left) + len(right) > MAX_STRING_CHARS
        ):
            raise _too_big("the text")
        return super().call_binop(context, operator, left, right)

    def capped_concat(self, values: Iterable[Any]) -> str:
        parts = [str(v) for v in values]
        if sum(map(len, parts)) > MAX_STRING_CHARS:
            raise _too_big("the text")
        return "".join(parts)


_ENV = _Sandbox()

_FORBIDDEN: tuple[tuple[type[nodes.Node], str], ...] = (
    (nodes.Macro, "{% macro %}"),
    (nodes.CallBlock, "{% call %}"),
    (nodes.Include, "{% include %}"),
    (nodes.Import, "{% import %}"),
    (nodes.FromImport, "{% from ... import %}"),
    (nodes.Extends, "{% extends %}"),
    (nodes.AssignBlock, "a {% set %}...{% endset %} block"),
)


def _one_line(text: object) -> str:
    return re.sub(r"\s+", " ", str(text)).strip()


def _label(key: str, part: str) -> str:
    return f"{key} template ({part})"


def _structure_problems(tree: nodes.Node, label: str, depth: int = 0) -> list[str]:
    problems: list[str] = []
    for child in tree.iter_child_nodes():
        for node_type, what in _FORBIDDEN:
            if isinstance(child, node_type):
                problems.append(f"{label}, line {child.lineno}: {what} is not allowed")
        if isinstance(child, nodes.For):
            if child.recursive:
                problems.append(f"{label}, line {child.lineno}: recursive loops are not allowed")
            if depth + 1 > MAX_LOOP_DEPTH:
                problems.append(
                    f"{label}, line {child.lineno}: loops nested more than {MAX_LOOP_DEPTH} deep are not allowed"
                )
            problems += _structure_problems(child, label, depth + 1)
        else:
            problems += _structure_problems(child, label, depth)
    return problems


_TAG = re.compile(r"\{%.*?%\}", re.DOTALL)


def _keep_line_ends(source: str) -> str:
    """`trim_blocks`, but only for block tags on a line of their own.

    Jinja's `trim_blocks` drops the newline after every block tag, so a line of text ending in
    `{% endif %}` would run into the next line. Here such a tag gets Jinja's `+%}` marker
    (keep the newline); a tag alone on its line still leaves no blank line behind.
    """
    out: list[str] = []
    last = 0
    for match in _TAG.finditer(source):
        tag = match.group()
        line_start = source.rfind("\n", 0, match.start()) + 1
        ends_line = source.startswith("\n", match.end()) or source.startswith("\r\n", match.end())
        out.append(source[last : match.start()])
        if ends_line and not tag.endswith(("-%}", "+%}")):
            text_on_line = _TAG.sub("", source[line_start : match.end()])
            if "%}" not in text_on_line and text_on_line.strip():
                tag = tag[:-2] + "+%}"
        out.append(tag)
        last = match.end()
    out.append(source[last:])
    return "".join(out)


def _parse(source: str, label: str) -> nodes.Template:
    if not isinstance(source, str):
        raise TemplateProblem(f"{label}: the template must be text")
    if len(source) > MAX_SOURCE_CHARS:
        raise TemplateProblem(f"{label}: the template is longer than {MAX_SOURCE_CHARS} characters")
    try:
        tree = _ENV.parse(_keep_line_ends(source), name=label, filename=label)
    except TemplateSyntaxError as exc:
        raise TemplateProblem(
            f"{label}, line {exc.lineno}: {_one_line(exc.message or exc)}"
        ) from None
    problems = _structure_problems(tree, label)
    problems += [
        f"{label}, line {node.lineno}: .{node.attr}() is not available in templates; "
        "join text with ~ instead"
        for node in tree.find_all(nodes.Getattr)
        if node.attr in _STRING_BUILDERS
    ]
    if problems:
        raise TemplateProblem(problems[0])
    for loop in tree.find_all(nodes.For):
        loop.iter = nodes.Filter(loop.iter, "_loop_budget", [], [], None, None, lineno=loop.lineno)
    return tree


@functools.lru_cache(maxsize=256)
def _load(source: str, label: str) -> Template:
    tree = _parse(source, label)
    try:
        code = _ENV.compile(tree, name=label, filename=label)
    except TemplateSyntaxError as exc:  # e.g. assigning to a reserved name
        raise TemplateProblem(
            f"{label}, line {exc.lineno}: {_one_line(exc.message or exc)}"
        ) from None
    return _ENV.template_class.from_code(_ENV, code, _ENV.make_globals(None))


def _template_line(exc: BaseException, label: str) -> int | None:
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == label:
            line = frame.lineno
    return line


def _render(template: Template, label: str, variables: Mapping[str, Any]) -> str:
    deadline = time.monotonic() + RENDER_SECONDS
    out: list[str] = []
    size = 0
    budget = _loop_steps.set([0])
    try:
        chunks: Iterator[str] = template.generate(dict(variables))
        for chunk in chunks:
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS:
                raise _too_big("the rendered text")
            if time.monotonic() > deadline:
                raise SecurityError("rendering took too long")
            out.append(chunk)
    except Exception as exc:  # a user template may fail in any way: report, never crash
        line = _template_line(exc, label)
        where = f"{label}, line {line}" if line else label
        message = _one_line(str(exc)) or type(exc).__name__
        raise TemplateProblem(f"{where}: {message}") from None
    finally:
        _loop_steps.reset(budget)
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Tidying what a template produced

_LINE_BREAKS = re.compile(r"[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def single_line(text: str) -> str:
    """A header-safe subject: line breaks and control characters become spaces."""
    text = _LINE_BREAKS.sub(" ", text)
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Cf") else c for c in text)
    return re.sub(r"\s+", " ", text).strip()


# As long as a subject may be (FollowUp.subject holds 300): mail clients show far less anyway.
MAX_SUBJECT_CHARS = 300


def shorten_subject(text: str, limit: int = MAX_SUBJECT_CHARS) -> str:
    """`text` cut at a word boundary to at most `limit` characters, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-") + "…"


def _tidy_body(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n") + "\n"


def _reply_subject(previous: str) -> str:
    previous = single_line(previous)
    if re.match(r"^re\s*:", previous, re.IGNORECASE):
        return previous
    return f"Re: {previous}"


# ---------------------------------------------------------------------------------------------
# Public API


def template_key(kind: str, ctx: DraftContext) -> str:
    """Which template a follow-up uses: the call script for phone, else its kind."""
    if kind not in KINDS and kind != CALL_SCRIPT:
        raise ValueError(f"unknown follow-up kind {kind!r}")
    return CALL_SCRIPT if ctx.channel == PHONE else kind


def _render_source(key: str, kind: str, source: TemplateSource, ctx: DraftContext) -> Draft:
    subject_label, body_label = _label(key, "subject"), _label(key, "body")
    subject_template = _load(source.subject, subject_label)
    body_template = _load(source.body, body_label)
    variables = template_vars(kind, ctx)
    subject = single_line(_render(subject_template, subject_label, variables))
    body = _tidy_body(_render(body_template, body_label, variables))
    if kind in CHECK_IN_KINDS and key != CALL_SCRIPT and ctx.previous_subject:
        previous = single_line(ctx.previous_subject)
        if previous:
            subject = _reply_subject(previous)
    return Draft(subject=shorten_subject(subject), body=body)


def render_draft(
    kind: str,
    ctx: DraftContext,
    templates: Mapping[str, TemplateSource] | None = None,
) -> Draft:
    """Render the draft of a follow-up of `kind` for `ctx`.

    `templates` maps a kind (or "call_script") to the user's template; a kind it lacks uses
    the built-in one. A phone follow-up gets the call script. Raises `TemplateProblem` when a
    user template fails to parse or render, ValueError for an unknown kind.
    """
    key = template_key(kind, ctx)
    source = (templates or {}).get(key) or DEFAULT_TEMPLATES[key]
    return _render_source(key, kind, source, ctx)


def preview(kind: str, source: TemplateSource, ctx: DraftContext) -> Draft:
    """Render `source` as the template of `kind` (or "call_script") for the settings editor,
    whatever the channel. Raises `TemplateProblem` like `render_draft`."""
    if kind not in KINDS and kind != CALL_SCRIPT:
        raise ValueError(f"unknown follow-up kind {kind!r}")
    follow_up_kind = ctx.kind if kind == CALL_SCRIPT else kind
    return _render_source(kind, follow_up_kind, source, ctx)


def _sample_contexts(kind: str) -> list[tuple[str, DraftContext]]:
    full = DraftContext(
        candidate_name="Wanjiru Kamau",
        role_title="Data Analyst",
        company_name="Safaricom",
        recipient_name="Amina Odhiambo",
        interview_date=date(2025, 12, 9),
        round_name="Technical round",
        notes="Discussed the migration of their data warehouse to BigQuery.",
        unasked_questions=("What does a typical week look like for the team?",),
        commitments=("I'll send my portfolio by Friday",),
        promised_phrase="we'll get back to you by Friday",
        careers_url="https://example.com/careers",
        interviewer_index=1,
        panel_size=2,
        kind=kind,
    )
    bare = DraftContext(
        candidate_name="Wanjiru Kamau",
        role_title="Data Analyst",
        company_name="Safaricom",
        question_bank=(),
        kind=kind,
    )
    return [
        ("", full),
        (" (assertive profile)", dataclasses.replace(full, profile=ASSERTIVE)),
        (" (with no recipient, notes or questions)", bare),
    ]


def _unknown_names(tree: nodes.Template, label: str) -> list[str]:
    known = set(TEMPLATE_VARIABLES) | set(_ENV.globals)
    problems = []
    for name in sorted(meta.find_undeclared_variables(tree) - known):
        line = next(
            (n.lineno for n in tree.find_all(nodes.Name) if n.name == name and n.ctx == "load"),
            None,
        )
        where = f"{label}, line {line}" if line else label
        problems.append(f"{where}: unknown name {name!r}")
    return problems


def validate_template(source: TemplateSource, kind: str = THANK_YOU) -> list[str]:
    """Problems with a user template, one line each; empty when it is fine. Checks the syntax,
    what the sandbox refuses, unknown names, and renders it with sample data."""
    if kind not in KINDS and kind != CALL_SCRIPT:
        raise ValueError(f"unknown follow-up kind {kind!r}")
    problems: list[str] = []
    for part, text in (("subject", source.subject), ("body", source.body)):
        label = _label(kind, part)
        if part == "subject" and not str(text or "").strip():
            problems.append(f"{label}: the subject is empty")
            continue
        try:
            tree = _parse(text, label)
        except TemplateProblem as exc:
            problems.append(str(exc))
            continue
        problems += _unknown_names(tree, label)
    if problems:
        return problems
    follow_up_kind = CHECK_IN if kind == CALL_SCRIPT else kind
    for note, ctx in _sample_contexts(follow_up_kind):
        try:
            _render_source(kind, follow_up_kind, source, ctx)
        except TemplateProblem as exc:
            message = f"{exc}{note}"
            if message not in problems:
                problems.append(message)
    return problems
