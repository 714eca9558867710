"""Plain data a draft is rendered from, and the small text helpers that fill it.

No Django here: the drafting package is pure Python. Everything a template sees is built by
`template_vars()` from a `DraftContext` and is a plain value (str, int, bool, tuples of str,
small dicts of str), so a template can never reach an object with methods that touch a database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from followup.drafting.dictionary import is_known
from followup.lib.vocabulary import WEEKDAYS, long_date, split_name
from followup.planner.types import (
    ASSERTIVE,
    CHECK_IN,
    CHECK_IN_2,
    EMAIL,
    FINAL_CHECK_IN,
    KEEP_WARM,
    REJECTION_REPLY,
    STANDARD,
    THANK_YOU,
)

PROFILES: tuple[str, ...] = (STANDARD, ASSERTIVE)


@dataclass(frozen=True)
class Question:
    """One entry of the question bank. `topic` is a short slug such as "cv_retention"."""

    topic: str
    text: str


@dataclass(frozen=True)
class TemplateSource:
    """A user-editable template: Jinja2 source for the subject line and for the body."""

    subject: str
    body: str


@dataclass(frozen=True)
class Draft:
    """A rendered draft. The subject is always a single line."""

    subject: str
    body: str


# Built in, editable by the user (the settings page stores an edited copy).
DEFAULT_QUESTION_BANK: tuple[Question, ...] = (
    Question(
        "next_steps",
        "Is there any update on the next steps, and on the timeline for a decision?",
    ),
    Question(
        "openings",
        "Are there any upcoming openings on the team, or elsewhere in the company, that might suit my background?",
    ),
    Question(
        "cv_retention",
        "How long do you keep CVs in your database, and is there a talent pool I could join?",
    ),
    Question(
        "posting_frequency",
        "How often are new openings posted, and where is the best place to watch for them?",
    ),
    Question(
        "feedback",
        "Would you be willing to share any feedback on my interview, especially where I was weaker and what I could improve?",
    ),
)

# Which question-bank topics each kind of follow-up asks, in order.
BANK_TOPICS_BY_KIND: dict[str, tuple[str, ...]] = {
    CHECK_IN: ("next_steps",),
    CHECK_IN_2: ("next_steps",),
    # None: asking for interview feedback before they have decided is out of place, and the
    # rejection reply (which may follow) asks feedback and openings in its own words.
    FINAL_CHECK_IN: (),
    # At most three, in the guidance's order; the interview's own unasked questions belong in
    # the check-ins, never in a reply to a rejection.
    REJECTION_REPLY: ("feedback", "openings", "cv_retention"),
    KEEP_WARM: ("openings",),
}


@dataclass(frozen=True)
class EarlierMessage:
    """A message to the same person before this one (sent, or planned to go first): what a new
    draft must not repeat, and which topics are already used."""

    kind: str
    subject: str
    body: str
    on: date | None = None  # the local day it went (or goes) out
    recipient_name: str | None = None


@dataclass(frozen=True, kw_only=True)
class DraftContext:
    """Everything a draft may say. Build one per follow-up (per recipient)."""

    candidate_name: str
    role_title: str
    company_name: str
    signature: str = ""  # the candidate's sign-off block; defaults to candidate_name
    recipient_name: str | None = None
    interview_date: date | None = None
    round_name: str = ""
    discussed_topic: str | None = None  # see pick_topic(); picked from notes when None
    notes: str = ""
    unasked_questions: tuple[str, ...] = ()
    commitments: tuple[str, ...] = ()
    commitment: str | None = None  # the one commitment a `deliverable` follow-up is about
    promised_phrase: str = ""
    profile: str = STANDARD
    kind: str = THANK_YOU
    channel: str = EMAIL
    previous_subject: str | None = None
    interviewer_index: int = 0
    panel_size: int = 1
    question_bank: tuple[Question, ...] = DEFAULT_QUESTION_BANK
    careers_url: str | None = None
    company_website: str | None = None
    sent_on: date | None = None  # the local day the follow-up goes out, when known
    candidate_phone: str | None = None
    applied_on: date | None = None  # the day the application went in, when known
    # The messages to the same person before this one, oldest first (see EarlierMessage).
    earlier_messages: tuple[EarlierMessage, ...] = ()

    def __post_init__(self) -> None:
        if self.profile not in PROFILES:
            raise ValueError(f"profile must be one of {', '.join(PROFILES)}, not {self.profile!r}")
        # Accept lists from callers but keep the dataclass hashable and immutable.
        for name in ("unasked_questions", "commitments", "question_bank", "earlier_messages"):
            value = getattr(self, name)
            if not isinstance(value, tuple):
                object.__setattr__(self, name, tuple(value))
        if isinstance(self.interview_date, datetime):
            object.__setattr__(self, "interview_date", self.interview_date.date())
        object.__setattr__(self, "interviewer_index", max(0, int(self.interviewer_index)))
        object.__setattr__(self, "panel_size", max(1, int(self.panel_size)))

    @property
    def recipient_first_name(self) -> str | None:
        """The first given name ("Amina" from "Dr. Amina Odhiambo"); None when only a
        surname (after a title) or nothing is known."""
        honorific, tokens = split_name(self.recipient_name)
        if not tokens or (honorific and len(tokens) == 1):
            return None
        return tokens[0]

    @property
    def greeting_name(self) -> str | None:
        """How to address the recipient: the first name, else "Ms. Ndegwa", else None."""
        first = self.recipient_first_name
        if first:
            return first
        honorific, tokens = split_name(self.recipient_name)
        if tokens:
            return f"{honorific} {tokens[-1]}".strip()
        return None

    @property
    def name_parts(self) -> tuple[str, ...]:
        """The recipient's name words without titles, e.g. ("Amina", "Odhiambo")."""
        return tuple(split_name(self.recipient_name)[1])


# ---------------------------------------------------------------------------------------------
# Picking a specific topic from free-text notes

_ABBREVIATIONS = frozenset(
    {"e.g", "i.e", "etc", "vs", "dr", "mr", "mrs", "ms", "prof", "approx", "incl", "no", "st", "jr"}
)
_LEAD_IN = re.compile(
    r"""^(?:
        (?:notes?|topics?|discussion|discussed|highlights?)\s*[:\-–—]\s*
      |
        (?:(?:we|they|i|he|she|you|both\ of\ us|the\ (?:panel|team|interviewers?|hiring\ manager|manager|recruiter|cto|ceo|founder|lead)|[A-Z][\w'-]+)\s+)?
        (?:also\s+|mostly\s+|briefly\s+|then\s+|really\s+|spent\ time\s+)?
        (?:discussed|discussing|talked(?:\ a\ lot)?\ about|talking\ about|spoke\ about|chatted\ about
           |asked\ (?:me\ )?about|mentioned|covered|went\ (?:over|through)|explained|described
           |walked\ me\ through|showed\ me|told\ me\ about|shared|dug\ into|got\ into|focused\ on
           |were\ curious\ about|was\ curious\ about|wanted\ to\ know\ about)
        (?:\s+that)?\s+
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# Notes about logistics, pay or the promised date make poor "what we discussed" lines.
_NOT_A_TOPIC = re.compile(
    r"\b(?:salary|salaries|compensation|pay|paid|package|benefits|notice\ period|start\ date"
    r"|get\ back|hear\ back|hear\ from|revert|next\ steps?|lasted|minutes|mins|parking|traffic"
    r"|late|running\ late|met\ with|interviewed\ by|dress\ code|reimburse\w*)\b",
    re.IGNORECASE | re.VERBOSE,
)
_PRONOUNS = {
    "they": "you",
    "them": "you",
    "their": "your",
    "theirs": "yours",
    "themselves": "yourselves",
    "they're": "you're",
    "they've": "you've",
    "they'll": "you'll",
    "they'd": "you'd",
}
# fmt: off
_LOWER_STARTERS = frozenset(
    {
        "the", "a", "an", "our", "my", "your", "his", "her", "its", "this", "that", "these",
        "those", "how", "what", "why", "when", "where", "which", "who", "whether", "we", "you",
        "he", "she", "it", "there", "some", "any", "each", "every", "all", "both", "one", "two",
        "three", "several", "many", "more", "most", "plans", "building", "moving", "scaling",
    }
)
# fmt: on
_STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only or
    other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours
    yourself yourselves i'm i've i'd i'll we're we've you're you've it's that's there's
    they're they've they'll they'd we'll you'll he's she's let's don't didn't doesn't
    isn't wasn't aren't weren't can't couldn't
    won't wouldn't shouldn't lot lots really much many well like get got going went said
    asked told talked discussed mentioned""".split()  # noqa: SIM905
)
# Words every interview has; they do not make a note "specific".
_GENERIC_WORDS = frozenset(
    """interview interviews interviewer interviewers role roles position positions job jobs
    team teams company companies work working experience candidate candidates question
    questions answer answers thanks thank time today yesterday week weeks day days chat call
    meeting conversation talk discussion opportunity people person things thing""".split()  # noqa: SIM905
)


def _split_sentences(line: str) -> list[str]:
    """Split on ., ! or ? followed by a space, but not after "e.g." or "Dr."."""
    pieces: list[str] = []
    start = 0
    for match in re.finditer(r"[.!?]+\s+|;\s*", line):
        before = line[start : match.start()].rsplit(" ", 1)[-1].lower().rstrip(".")
        if match.group().startswith(".") and before in _ABBREVIATIONS:
            continue
        pieces.append(line[start : match.end()])
        start = match.end()
    pieces.append(line[start:])
    return pieces


def _swap_pronouns(text: str) -> str:
    """Notes say "they" for the company; a message to them says "you"."""

    def swap(match: re.Match[str]) -> str:
        word = match.group(0)
        repl = _PRONOUNS.get(word.lower().replace("’", "'"), word)
        return repl.capitalize() if word[0].isupper() else repl

    return re.sub(r"\b[Tt]he(?:y|m|ir|irs|mselves)\b(?:['’](?:re|ve|ll|d)\b)?", swap, text)


def _tidy_topic(piece: str) -> str:
    text = re.sub(r"\s+", " ", piece).strip()
    text = text.strip(" \t\"'“”‘’()[]").rstrip(".;:,!").strip()
    for _ in range(3):
        shorter = _LEAD_IN.sub("", text, count=1).strip()
        if shorter == text:
            break
        text = shorter
    text = _swap_pronouns(text)
    words = text.split(" ")
    if len(words) > 16:
        # Keep the first clause when a long sentence has one, else the first 16 words.
        clause = re.split(r",\s+|\s+[-–—]\s+|:\s+", text, maxsplit=1)[0]
        text = clause if 3 <= len(clause.split(" ")) <= 16 else " ".join(words[:16])
        text = text.rstrip(".;:,!-–— ")
    if text:
        first = text.split(" ", 1)[0]
        lowered = first.lower().replace("’", "'")
        if first == "I" or lowered.startswith("i'"):
            pass
        elif (
            lowered in _LOWER_STARTERS
            or lowered in _GENERIC_WORDS
            or lowered in _STOPWORDS
            or (first[1:].islower() and first.lower().endswith("ing"))
        ):
            text = text[0].lower() + text[1:]
    return text


def content_words(text: str) -> list[str]:
    """The words that make a note specific: no stop words, no words every interview has."""
    found: list[str] = []
    for raw in re.findall(r"[\w][\w'’.+#-]*[\w+#]|[\w]", text):
        word = raw.replace("’", "'")
        lowered = word.lower()
        if lowered.endswith("'s"):
            lowered = lowered[:-2]
        if lowered in _STOPWORDS or lowered in _GENERIC_WORDS:
            continue
        if len(lowered) >= 4 or any(c.isdigit() for c in word) or word.isupper() and len(word) >= 2:
            found.append(lowered)
    return found


def topic_candidates(notes: str) -> list[str]:
    """Concrete phrases from free-text notes, in the order they were written."""
    good: list[str] = []
    questions: list[str] = []
    seen: set[str] = set()
    for line in (notes or "").splitlines():
        line = re.sub(r"^\s*(?:[-*•·–—>]+|\d+[.)]|\[[ xX]?\])\s*", "", line)
        for sentence in _split_sentences(line):
            raw = sentence.strip()
            if not raw or _NOT_A_TOPIC.search(raw):
                continue
            topic = _tidy_topic(raw)
            if len(topic.split()) < 2 or not content_words(topic):
                continue
            key = topic.lower()
            if key in seen:
                continue
            seen.add(key)
            (questions if raw.rstrip().endswith("?") else good).append(topic.rstrip("?"))
    return good or questions


def pick_topic(notes: str, index: int = 0) -> str | None:
    """A specific thing discussed, taken from the notes; a different one for each `index`
    (interviewer) while there are enough. None when the notes hold nothing usable."""
    candidates = topic_candidates(notes)
    if not candidates:
        return None
    return candidates[max(0, index) % len(candidates)]


def _mentions(text: str, topic: str) -> bool:
    return re.sub(r"\s+", " ", topic).strip().casefold() in re.sub(r"\s+", " ", text).casefold()


def choose_topic(
    notes: str, kind: str, index: int = 0, earlier: tuple[EarlierMessage, ...] = ()
) -> str | None:
    """The topic a message recalls. A thank-you takes the `index`-th (one per interviewer); a
    later message takes one no earlier message to this person used, else one only their
    thank-you used: a note line appears in at most the thank-you and one later message."""
    candidates = topic_candidates(notes)
    if not candidates:
        return None
    if kind == THANK_YOU:
        return candidates[max(0, index) % len(candidates)]
    texts = [(m.kind, f"{m.subject}\n{m.body}") for m in earlier]
    unused = [t for t in candidates if not any(_mentions(text, t) for _, text in texts)]
    if unused:
        return unused[0]
    only_thanked = [
        t for t in candidates if not any(_mentions(text, t) for k, text in texts if k != THANK_YOU)
    ]
    return only_thanked[0] if only_thanked else None


# A topic that is a clause ("the team is moving to Kotlin") reads after "about" with "how".
_CLAUSE_VERBS = frozenset(
    """is are was were has have had will would can could should may might must do does did
    wants want needs need plans plan uses use runs run builds build hopes hope ships ship
    sells sell serves serve works work""".split()  # noqa: SIM905
)
_CLAUSE_SUBJECTS = frozenset({"we", "you", "i", "he", "she", "it", "they", "there"})
_DETERMINERS = frozenset({"the", "a", "an", "our", "your", "their", "my", "this", "that"})
_QUESTION_WORDS = frozenset({"how", "what", "why", "when", "where", "whether", "which", "who"})


def woven_topic(topic: str, notes: str = "", names: tuple[str, ...] = ()) -> str:
    """The topic as it reads after "about" in mid-sentence: its first letter lower-cased unless
    it starts a name or an acronym ("route planning for the Kisumu fleet", "M-Pesa
    reconciliation", "Safaricom's 5G roll-out"), and a clause turned into "how …"."""
    text = re.sub(r"\s+", " ", topic or "").strip().rstrip(".;:,!?")
    if not text:
        return ""
    first, _, rest = text.partition(" ")
    bare = re.sub(r"['’]s$", "", first).strip("\"'“”‘’(")
    keep = {w.casefold() for name in names for w in name.split()}
    is_name_like = (
        first == "I"
        or first.startswith("I'")
        or first.startswith("I’")
        or (len(bare) >= 2 and bare.isupper())
        or any(c.isupper() for c in bare[1:])
        or any(c.isdigit() for c in bare)
        or bare.casefold() in keep
        # Written with a capital in mid-sentence elsewhere in the notes: a name.
        or re.search(r"[a-z,;]\s+" + re.escape(bare) + r"\b", notes) is not None
    )
    if first[:1].isupper() and not is_name_like:
        lowered_elsewhere = re.search(r"\b" + re.escape(bare.lower()) + r"\b", notes) is not None
        if lowered_elsewhere or is_known(bare.lower()):
            text = first[0].lower() + first[1:] + (" " + rest if rest else "")
    words = text.split(" ")
    starts = words[0].casefold()
    looks_like_clause = len(words) > 2 and (
        starts in _CLAUSE_SUBJECTS
        or words[1].casefold() in _CLAUSE_VERBS
        or (starts in _DETERMINERS and len(words) > 3 and words[2].casefold() in _CLAUSE_VERBS)
    )
    if looks_like_clause and starts not in _QUESTION_WORDS:
        text = f"how {text}"
    return text


_NUMBER_WORDS = ("", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def time_since(start: date | None, end: date | None) -> str:
    """ "about four months" from the interview to the day a message goes out; "" if unknown."""
    if start is None or end is None or end <= start:
        return ""
    days = (end - start).days
    if days < 10:
        return "a few days"
    if days < 45:
        weeks = round(days / 7)
        return "a couple of weeks" if weeks <= 2 else f"about {_NUMBER_WORDS[min(weeks, 6)]} weeks"
    months = round(days / 30.44)
    if months < 12:
        return f"about {_NUMBER_WORDS[months] if months < 10 else str(months)} months"
    return "about a year" if months < 18 else "well over a year"


def _asked_before(question: str, earlier: tuple[EarlierMessage, ...]) -> bool:
    return any(_mentions(m.body, question) for m in earlier)


# ---------------------------------------------------------------------------------------------
# The values a template sees

_ROUND_WORDS = re.compile(
    r"\b(?:interview|round|call|chat|screen|screening|panel|meeting|conversation|session|"
    r"assessment|presentation|onsite|on-site)\b",
    re.IGNORECASE,
)
_DELIVERABLE = re.compile(
    r"""^(?:i['’]?ll|i\ will|i\ am\ going\ to|i['’]m\ going\ to|will|to|promised\ to|going\ to)?\s*
        (?:send|share|email|e-mail|forward|provide|submit|get|deliver|prepare|put\ together)\s+
        (?:you\s+|them\s+|over\s+|across\s+|along\s+|through\s+)*
        (?P<item>.+?)
        (?:\s+(?:by|on|before|until|tomorrow|today|tonight|this|next|early|end|within|in\ \d|in\ a|asap|later|soon)\b.*)?$""",
    re.IGNORECASE | re.VERBOSE,
)


def _date_text(day: date | None) -> str:
    if day is None:
        return ""
    return long_date(day)


def _round_phrase(round_name: str) -> str:
    name = re.sub(r"\s+", " ", round_name or "").strip()
    if not name:
        return "interview"
    if len(name) > 1 and not name[1].isupper():
        name = name[0].lower() + name[1:]
    if not _ROUND_WORDS.search(name):
        name = f"{name} interview"
    return name


def _as_question(text: str) -> str:
    text = re.sub(r"\s+", " ", text or "").strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    if text[-1] not in ".?!":
        text += "?"
    return text


def deliverable_item(commitment: str) -> str:
    """ "my portfolio" from "I'll send my portfolio by Tuesday"; the text itself otherwise."""
    text = re.sub(r"\s+", " ", commitment or "").strip().rstrip(".!")
    match = _DELIVERABLE.match(text)
    item = match.group("item").strip() if match else text
    item = _swap_pronouns(item)
    if item and not (len(item) > 1 and item[1].isupper()):
        item = item[0].lower() + item[1:]
    return item


def questions_for(kind: str, ctx: DraftContext) -> tuple[str, ...]:
    """The questions a follow-up of `kind` asks: question-bank entries for the kind, then the
    candidate's own unasked questions (a couple per check-in, spread over the ladder)."""
    bank = {q.topic: q.text for q in ctx.question_bank if q.text.strip()}
    asked = [bank[t] for t in BANK_TOPICS_BY_KIND.get(kind, ()) if t in bank]
    unasked = [q for q in ctx.unasked_questions if q.strip()]
    if kind == CHECK_IN:
        asked += unasked[:2]
    elif kind == CHECK_IN_2:
        asked += unasked[2:4] or unasked[:1]
    out: list[str] = []
    for q in asked:
        q = _as_question(q)
        # A question this person was already asked would only repeat the earlier message.
        if q and q not in out and not _asked_before(q, ctx.earlier_messages):
            out.append(q)
    return tuple(out)


# The names templates can use, with what they hold (shown in the settings editor).
TEMPLATE_VARIABLES: dict[str, str] = {
    "kind": "the kind of follow-up, e.g. thank_you, check_in",
    "channel": "email, phone, linkedin or website",
    "profile": "standard or assertive",
    "assertive": "true when the profile is assertive (more direct, proposes a call)",
    "candidate_name": "your name",
    "signature": "your sign-off block (your name if none is set)",
    "candidate_phone": "your phone number, or empty",
    "recipient_name": "the recipient's full name, or empty",
    "recipient_first_name": "the recipient's first name, or empty",
    "greeting_name": "how to address the recipient (first name, or title and surname), or empty",
    "greeting": 'a ready greeting line, e.g. "Dear Amina," or "Hello,"',
    "role_title": "the role you interviewed for",
    "company_name": "the company",
    "interview_date": "the interview date as YYYY-MM-DD, or empty",
    "interview_date_text": 'the interview date in words, e.g. "Tuesday 9 December", or empty',
    "interview_weekday": 'e.g. "Tuesday", or empty',
    "same_day": "true when the follow-up goes out on the interview's own day",
    "round_name": "the round name as typed",
    "round_phrase": 'the round for a sentence, e.g. "technical interview" (default "interview")',
    "discussed_topic": "one specific thing discussed, from the notes (differs per interviewer)",
    "notes": "your interview notes",
    "unasked_questions": "your questions left unasked (a list)",
    "questions_to_ask": "the questions this kind of follow-up asks (question bank + unasked)",
    "question_bank": "the whole question bank: a list of {topic, text}",
    "bank": "question-bank texts by topic, e.g. bank.cv_retention",
    "commitments": "what you promised to send (a list)",
    "commitment": "the promise this deliverable is about",
    "deliverable_item": 'what you are sending, e.g. "my portfolio"',
    "promised_phrase": "what they said about when you would hear back",
    "previous_subject": "the subject of the message this one follows up, or empty",
    "interviewer_index": "0 for the first interviewer of a panel, 1 for the next, ...",
    "interviewer_number": "1 for the first interviewer of a panel, 2 for the next, ...",
    "panel_size": "how many interviewers there were",
    "is_panel": "true when there was more than one interviewer",
    "careers_url": "the company's careers page, or empty",
    "company_website": "the company's website, or empty",
    "applied_date_text": 'the day you applied, in words, e.g. "Monday 1 December", or empty',
    "note_number": "1 for the first message of this kind to this person, 2 for the next, ...",
    "time_since": 'how long since the interview, e.g. "about four months", or empty',
}

TemplateValue = str | int | bool | tuple[str, ...] | tuple[dict[str, str], ...] | dict[str, str]


def template_vars(kind: str, ctx: DraftContext) -> dict[str, TemplateValue]:
    """The plain values a template is rendered with. Nothing here has methods that reach
    anything but its own text."""
    topic = resolved_topic(ctx)
    greeting_name = ctx.greeting_name or ""
    commitment = ctx.commitment
    if commitment is None and ctx.commitments:
        commitment = ctx.commitments[0] if len(ctx.commitments) == 1 else ""
    if commitment:
        item = deliverable_item(commitment)
    elif ctx.commitments:
        items = [deliverable_item(c) for c in ctx.commitments]
        item = ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else items[0]
    else:
        item = "the material I promised"
    bank = {q.topic: q.text for q in DEFAULT_QUESTION_BANK}
    bank.update({q.topic: q.text for q in ctx.question_bank if q.topic and q.text.strip()})
    return {
        "kind": kind,
        "channel": ctx.channel,
        "profile": ctx.profile,
        "assertive": ctx.profile == ASSERTIVE,
        "candidate_name": ctx.candidate_name,
        "signature": (ctx.signature or ctx.candidate_name).strip(),
        "candidate_phone": ctx.candidate_phone or "",
        "recipient_name": (ctx.recipient_name or "").strip(),
        "recipient_first_name": ctx.recipient_first_name or "",
        "greeting_name": greeting_name,
        "greeting": f"Dear {greeting_name}," if greeting_name else "Hello,",
        "role_title": ctx.role_title.strip(),
        "company_name": ctx.company_name.strip(),
        "interview_date": ctx.interview_date.isoformat() if ctx.interview_date else "",
        "interview_date_text": _date_text(ctx.interview_date),
        "interview_weekday": WEEKDAYS[ctx.interview_date.weekday()] if ctx.interview_date else "",
        "same_day": bool(ctx.interview_date and ctx.sent_on == ctx.interview_date),
        "round_name": ctx.round_name,
        "round_phrase": _round_phrase(ctx.round_name),
        "discussed_topic": woven_topic(topic or "", ctx.notes, _names(ctx)),
        "notes": ctx.notes,
        "unasked_questions": tuple(_as_question(q) for q in ctx.unasked_questions if q.strip()),
        "questions_to_ask": questions_for(kind, ctx),
        "question_bank": tuple({"topic": q.topic, "text": q.text} for q in ctx.question_bank),
        "bank": bank,
        "commitments": ctx.commitments,
        "commitment": commitment or "",
        "deliverable_item": item,
        "promised_phrase": ctx.promised_phrase.strip(),
        "previous_subject": (ctx.previous_subject or "").strip(),
        "interviewer_index": ctx.interviewer_index,
        "interviewer_number": ctx.interviewer_index + 1,
        "panel_size": ctx.panel_size,
        "is_panel": ctx.panel_size > 1,
        "careers_url": (ctx.careers_url or "").strip(),
        "company_website": (ctx.company_website or "").strip(),
        "applied_date_text": _date_text(ctx.applied_on),
        "note_number": 1 + sum(1 for m in ctx.earlier_messages if m.kind == kind),
        "time_since": time_since(ctx.interview_date, ctx.sent_on),
    }


def resolved_topic(ctx: DraftContext) -> str | None:
    """The topic this draft recalls: the one given, else one chosen from the notes."""
    if ctx.discussed_topic is not None:
        return ctx.discussed_topic
    return choose_topic(ctx.notes, ctx.kind, ctx.interviewer_index, ctx.earlier_messages)


def _names(ctx: DraftContext) -> tuple[str, ...]:
    return (ctx.company_name, ctx.recipient_name or "", ctx.candidate_name)
