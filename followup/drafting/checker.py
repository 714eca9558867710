"""The draft checker: warnings shown with every draft. It never changes the text.

Spelling uses pyspellchecker's offline English dictionary, loaded once per process (it takes a
noticeable fraction of a second). Names of people and companies, the role, words from the
interview notes and the caller's `extra_words` are never flagged, and nothing is ever
auto-corrected: pyspellchecker would happily "correct" M-Pesa to mesa.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from followup.drafting.context import (
    Draft,
    DraftContext,
    EarlierMessage,
    content_words,
    resolved_topic,
)
from followup.drafting.defaults import DEFAULT_TEMPLATES
from followup.drafting.dictionary import is_known as _is_known
from followup.drafting.dictionary import spellchecker as _spellchecker
from followup.drafting.render import single_line
from followup.planner.types import (
    APPLICATION_CHECK_IN,
    CAREERS_CHECK,
    CHECK_IN,
    CHECK_IN_2,
    CHECK_IN_KINDS,
    FINAL_CHECK_IN,
    KEEP_WARM,
    PHONE,
    REJECTION_REPLY,
    THANK_YOU,
)

__all__ = [
    "CODES",
    "DraftWarning",
    "check_draft",
    "misspelled_words",
    "word_count",
]

MISSING_NAME = "missing_name"
MISSING_ROLE = "missing_role"
MISSING_DETAIL = "missing_detail"
TOO_SHORT = "too_short"
TOO_LONG = "too_long"
MISSPELLING = "misspelling"
MISSING_SUBJECT = "missing_subject"
SUBJECT_TOO_LONG = "subject_too_long"
DUPLICATE_TEXT = "duplicate_text"
REPEATED_TEXT = "repeated_text"
MISSING_SIGNATURE = "missing_signature"
CODES: tuple[str, ...] = (
    MISSING_NAME,
    MISSING_ROLE,
    MISSING_DETAIL,
    TOO_SHORT,
    TOO_LONG,
    MISSPELLING,
    MISSING_SUBJECT,
    SUBJECT_TOO_LONG,
    DUPLICATE_TEXT,
    REPEATED_TEXT,
    MISSING_SIGNATURE,
)

MIN_WORDS = 50
MAX_WORDS = 200
MAX_SUBJECT_CHARS = 78
LENGTH_CHECKED_KINDS = frozenset({THANK_YOU}) | CHECK_IN_KINDS
NOTE_TO_SELF_KINDS = frozenset({CAREERS_CHECK})
# Kinds written before any interview: there is nothing discussed to recall.
BEFORE_INTERVIEW_KINDS = frozenset({APPLICATION_CHECK_IN})


@dataclass(frozen=True)
class DraftWarning:
    code: str
    message: str


def word_count(text: str) -> int:
    """Words as a reader counts them: runs of non-space holding a letter or a digit."""
    return sum(1 for token in text.split() if any(c.isalnum() for c in token))


# ---------------------------------------------------------------------------------------------
# Spelling


@functools.lru_cache(maxsize=4_096)
def _suggestions(word: str) -> tuple[str, ...]:
    """Up to three dictionary words one edit away (distance 2 is far too slow to offer)."""
    checker = _spellchecker()
    near = {w for w in checker.edit_distance_1(word) if len(w) > 1 and _is_known(w)}
    ranked = sorted(near, key=lambda w: (-float(checker.word_usage_frequency(w) or 0.0), w))
    return tuple(ranked[:3])


# URLs and email addresses are found token by token (a token is a run of non-space
# characters), each tested with anchored patterns: a single pattern searching the whole text for
# "\S+@\S+" backtracks quadratically over a long run without "@" (100,000 characters took 39 s).
_TOKEN = re.compile(r"\S+")
_URL_START = re.compile(r"[(\[<\"'“‘]*(?:https?://|www\.)", re.IGNORECASE)
_DOMAIN = re.compile(
    r"[(\[<\"'“‘]*[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|io|co|ke|uk|dev)\b", re.IGNORECASE
)


def _blank_urls_and_emails(text: str) -> str:
    """`text` with every URL, email address and bare domain replaced by spaces (same length)."""
    pieces: list[str] = []
    last = 0
    for token in _TOKEN.finditer(text):
        word = token.group()
        if "@" in word or _URL_START.match(word) or _DOMAIN.match(word):
            pieces.append(text[last : token.start()])
            pieces.append(" " * len(word))
            last = token.end()
    pieces.append(text[last:])
    return "".join(pieces)


_WORD = re.compile(r"[^\W\d_](?:[\w'’-]*[^\W_])?")
_SENTENCE_END = ".!?:\n"


def _words_of(texts: Iterable[str]) -> set[str]:
    """Lower-case words (and the parts of hyphenated words) of names, notes and the like."""
    found: set[str] = set()
    for text in texts:
        for token in _WORD.findall(text or ""):
            word = token.replace("’", "'").lower()
            found.add(word)
            found.add(re.sub(r"'s$", "", word))
            found.update(p for p in re.split(r"[-']", word) if p)
    return found


def _at_sentence_start(text: str, position: int) -> bool:
    i = position - 1
    while i >= 0 and text[i] in " \t\"'“‘(*•-–—>":
        i -= 1
    return i < 0 or text[i] in _SENTENCE_END


def _candidate_words(text: str) -> Iterator[tuple[str, bool]]:
    text = _blank_urls_and_emails(text)
    for match in _WORD.finditer(text):
        yield match.group(), _at_sentence_start(text, match.start())


def misspelled_words(text: str, protected: Iterable[str] = ()) -> list[str]:
    """Words of `text` the dictionary does not know, in order, each once. Skips URLs, emails,
    words with digits, acronyms, CamelCase and capitalised words in mid-sentence (names)."""
    keep = {w.lower() for w in protected}
    found: list[str] = []
    for token, sentence_start in _candidate_words(text):
        word = token.replace("’", "'").strip("'-")
        if len(word) < 2 or any(c.isdigit() for c in word):
            continue
        if word.isupper() or any(c.isupper() for c in word[1:]):
            continue  # an acronym (CV, SQL) or a name like McKinsey
        if word[0].isupper() and not sentence_start:
            continue  # a proper noun in mid-sentence
        lower = word.lower()
        bare = re.sub(r"'s?$", "", lower)
        if lower in keep or bare in keep or _is_known(lower) or _is_known(bare):
            continue
        parts = [p for p in re.split(r"[-']", bare) if p]
        if len(parts) > 1 and all(p in keep or len(p) == 1 or _is_known(p) for p in parts):
            continue
        if token not in found:
            found.append(token)
    return found


# ---------------------------------------------------------------------------------------------
# The other checks

_GREETING = re.compile(
    r"^\s*(?:dear|hi|hello|hey|greetings|good (?:morning|afternoon|evening)|to)\b", re.IGNORECASE
)


def _normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def _contains_phrase(haystack: str, phrase: str) -> bool:
    phrase = _normalised(phrase)
    if not phrase:
        return False
    pattern = r"(?<!\w)" + re.escape(phrase).replace(r"\ ", r"\s+") + r"(?!\w)"
    return re.search(pattern, _normalised(haystack)) is not None


def _role_variants(role: str) -> list[str]:
    role = re.sub(r"\s+", " ", role).strip()
    variants = {
        role,
        re.sub(r"\s*\([^)]*\)", "", role).strip(),
        role.split(",")[0].strip(),
        re.split(r"\s+[-–—|/]\s+", role)[0].strip(),
    }
    return [v for v in variants if len(v) >= 2]


def _stem(word: str) -> str:
    word = re.sub(r"'s$", "", word.lower())
    if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return word


@functools.lru_cache(maxsize=1)
def _boilerplate_stems() -> frozenset[str]:
    """Words of the built-in templates' own text: they never count as an interview detail."""
    text = " ".join(f"{t.subject} {t.body}" for t in DEFAULT_TEMPLATES.values())
    text = re.sub(r"\{[{%#].*?[}%#]\}", " ", text, flags=re.DOTALL)
    return frozenset(_stem(w) for w in content_words(text))


def _detail_words(ctx: DraftContext) -> list[str]:
    """The specific words of the notes (topic first), minus names, role, company, boilerplate."""
    ordinary = _words_of([ctx.role_title, ctx.company_name, ctx.recipient_name or ""])
    ordinary |= _words_of([ctx.candidate_name])
    boilerplate = _boilerplate_stems()
    words: list[str] = []
    for word in content_words(ctx.discussed_topic or "") + content_words(ctx.notes):
        stem = _stem(word)
        if word in ordinary or stem in boilerplate or stem in words:
            continue
        words.append(stem)
    return words


def _without_greeting(body: str) -> str:
    lines = body.strip().splitlines()
    if lines and (_GREETING.match(lines[0]) or lines[0].rstrip().endswith(",")):
        lines = lines[1:]
    return _normalised("\n".join(lines))


def _mentions_name(body: str, ctx: DraftContext) -> bool:
    parts = [p for p in ctx.name_parts if len(p.strip(".")) >= 2]
    if ctx.recipient_name and _contains_phrase(body, ctx.recipient_name):
        return True
    return any(_contains_phrase(body, p) for p in parts)


def check_draft(
    draft: Draft,
    ctx: DraftContext,
    *,
    other_drafts: Sequence[Draft] = (),
    extra_words: Iterable[str] = (),
) -> list[DraftWarning]:
    """Warnings for a draft, in a stable order (see CODES). `other_drafts` are the drafts going
    to the rest of a panel (the draft itself, if included, is skipped by identity);
    `extra_words` are names and terms never to flag as misspellings."""
    warnings: list[DraftWarning] = []
    subject = draft.subject or ""
    body = draft.body or ""
    kind = ctx.kind
    addressed = kind not in NOTE_TO_SELF_KINDS
    what = "call script" if ctx.channel == PHONE else "draft"

    # missing_name
    if addressed:
        if not ctx.name_parts:
            warnings.append(
                DraftWarning(
                    MISSING_NAME,
                    f"No recipient: the {what} is addressed to nobody in particular. Add the "
                    "person's name (the interviewer, or the recruiter) so it reads as personal.",
                )
            )
        elif not _mentions_name(body, ctx):
            warnings.append(
                DraftWarning(
                    MISSING_NAME,
                    f"The {what} never uses the recipient's name ({ctx.recipient_name}).",
                )
            )

    # missing_role
    role = ctx.role_title.strip()
    if role and not any(_contains_phrase(body, v) for v in _role_variants(role)):
        warnings.append(DraftWarning(MISSING_ROLE, f"The {what} does not name the role ({role})."))

    # missing_detail
    if addressed and kind not in BEFORE_INTERVIEW_KINDS:
        details = _detail_words(ctx)
        if not details:
            warnings.append(
                DraftWarning(
                    MISSING_DETAIL,
                    "No interview notes to draw on: add what you discussed so the "
                    f"{what} can recall something specific.",
                )
            )
        else:
            body_stems = {_stem(w) for w in content_words(body)}
            if not any(d in body_stems for d in details):
                topic = resolved_topic(ctx)
                hint = f' (for example "{topic}")' if topic else ""
                message = f"The {what} recalls nothing specific from the interview{hint}."
                if topic is None and ctx.earlier_messages:
                    message = (
                        f"The {what} recalls nothing specific: each topic from your notes is "
                        "already in an earlier message to this person. Add something new (an "
                        f"opening you saw, news from {ctx.company_name})."
                    )
                warnings.append(DraftWarning(MISSING_DETAIL, message))

    # too_short / too_long
    if kind in LENGTH_CHECKED_KINDS and ctx.channel != PHONE:
        words = word_count(body)
        label = "thank-you note" if kind == THANK_YOU else "check-in"
        if words < MIN_WORDS:
            warnings.append(
                DraftWarning(
                    TOO_SHORT,
                    f"The {label} is {words} words; aim for {MIN_WORDS}-{MAX_WORDS}.",
                )
            )
        elif words > MAX_WORDS:
            warnings.append(
                DraftWarning(
                    TOO_LONG,
                    f"The {label} is {words} words; keep it under {MAX_WORDS}.",
                )
            )

    # misspelling
    protected = _words_of(
        [
            ctx.candidate_name,
            ctx.signature,
            ctx.recipient_name or "",
            ctx.company_name,
            ctx.role_title,
            ctx.round_name,
            ctx.notes,
            ctx.discussed_topic or "",
            ctx.previous_subject or "",
            ctx.promised_phrase,
            *extra_words,
        ]
    )
    wrong = misspelled_words(f"{subject}\n{body}", protected)
    if wrong:
        shown = []
        for word in wrong[:10]:
            ideas = _suggestions(word.lower().replace("’", "'"))
            shown.append(f"{word} ({' or '.join(ideas)}?)" if ideas else word)
        more = f" and {len(wrong) - 10} more" if len(wrong) > 10 else ""
        warnings.append(
            DraftWarning(MISSPELLING, f"Possible misspellings: {', '.join(shown)}{more}.")
        )

    # missing_subject / subject_too_long
    flat_subject = single_line(subject)
    if not flat_subject:
        warnings.append(DraftWarning(MISSING_SUBJECT, f"The {what} has no subject."))
    elif len(flat_subject) > MAX_SUBJECT_CHARS:
        warnings.append(
            DraftWarning(
                SUBJECT_TOO_LONG,
                f"The subject is {len(flat_subject)} characters; keep it within "
                f"{MAX_SUBJECT_CHARS} so it is not cut off.",
            )
        )

    # repeated_text: the same words as an earlier message to this person
    if addressed:
        repeat = _repeated_message(body, ctx.earlier_messages)
        if repeat is not None:
            earlier, sentence = repeat
            what_repeats = "word for word" if sentence is None else f'"{sentence}"'
            warnings.append(
                DraftWarning(
                    REPEATED_TEXT,
                    f"This {what} repeats {_describe(earlier)} {what_repeats}: say something "
                    "new (another topic, the time since, an opening you saw).",
                )
            )

    # missing_signature: never signed with a login name, so nothing signs it until it is set
    if addressed and not (ctx.signature.strip() or ctx.candidate_name.strip()):
        warnings.append(
            DraftWarning(
                MISSING_SIGNATURE,
                f"The {what} is not signed: set your name and signature in Settings "
                "(or `followup profile set --name … --signature …`).",
            )
        )
    elif addressed and not ctx.candidate_name.strip():
        warnings.append(
            DraftWarning(
                MISSING_SIGNATURE,
                "Your name is not set: set it in Settings (or `followup profile set --name …`).",
            )
        )

    # duplicate_text
    mine = _without_greeting(body)
    if mine and any(
        o is not draft and _without_greeting(o.body or "") == mine for o in other_drafts
    ):
        warnings.append(
            DraftWarning(
                DUPLICATE_TEXT,
                "Another interviewer gets the same text: personalise each note "
                "(a different detail from your conversation with each person).",
            )
        )
    return warnings


# Sentences this long that reappear word for word are a repeat; shorter ones ("Thank you
# again for your time.") are what every polite note says.
REPEAT_MIN_WORDS = 8
_SIGN_OFF_LINE = re.compile(
    r"^\s*(?:best|kind|warm)?\s*(?:regards|wishes|thanks|thank you)\b", re.I
)


def _sentences(body: str) -> list[str]:
    lines = body.strip().splitlines()
    if lines and (_GREETING.match(lines[0]) or lines[0].rstrip().endswith(",")):
        lines = lines[1:]
    text = " ".join(line.strip(" -•*") for line in lines if not _SIGN_OFF_LINE.match(line))
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]


def _repeated_message(
    body: str, earlier: Sequence[EarlierMessage]
) -> tuple[EarlierMessage, str | None] | None:
    """The first earlier message this body repeats: whole (None) or by a sentence."""
    mine = _without_greeting(body)
    if not mine:
        return None
    for message in earlier:
        if _without_greeting(message.body) == mine:
            return message, None
    for sentence in _sentences(body):
        if word_count(sentence) < REPEAT_MIN_WORDS:
            continue
        for message in earlier:
            if _contains_phrase(message.body, sentence):
                return message, sentence
    return None


_MESSAGE_NAMES = {
    THANK_YOU: "thank-you",
    CHECK_IN: "check-in",
    CHECK_IN_2: "check-in",
    FINAL_CHECK_IN: "last check-in",
    REJECTION_REPLY: "reply",
    KEEP_WARM: "note",
}


def _describe(message: EarlierMessage) -> str:
    """ "your note of 3 Feb to Wanjiku", "your check-in of 15 Dec to Grace"."""
    label = _MESSAGE_NAMES.get(message.kind, "message")
    when = f" of {message.on.day} {message.on:%b}" if message.on else ""
    first = (message.recipient_name or "").split()
    to = f" to {first[0]}" if first else ""
    return f"your {label}{when}{to}"
