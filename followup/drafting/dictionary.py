"""The offline English dictionary (pyspellchecker) the checker and the topic wording share.

Loaded once per process, on first use: it takes a noticeable fraction of a second.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

# Words of a job search the general dictionary lacks, and British spellings it does not know.
_DOMAIN_WORDS = """
cv cvs resume resumes linkedin voicemail voicemails onboarding offboarding roadmap roadmaps
backend frontend fullstack dataset datasets email emails emailed emailing followup
shortlist shortlisted shortlisting teammate teammates startup startups fintech saas devops
github gitlab api apis javascript typescript kubernetes postgres sql nosql ux ui workflow
workflows stakeholder stakeholders upskill upskilling reskilling hybrid onsite offsite
timeline timelines enrol enrols fulfil fulfils judgement learnt spelt whilst amongst
programme programmes payslip inbox inboxes analytics dashboard dashboards
""".split()  # noqa: SIM905

_BRITISH_ENDINGS: tuple[tuple[str, str], ...] = (
    ("isations", "izations"),
    ("isation", "ization"),
    ("ising", "izing"),
    ("ised", "ized"),
    ("ises", "izes"),
    ("iser", "izer"),
    ("isers", "izers"),
    ("ise", "ize"),
    ("ysing", "yzing"),
    ("ysed", "yzed"),
    ("yses", "yzes"),
    ("yse", "yze"),
    ("tres", "ters"),
    ("tre", "ter"),
    ("ogues", "ogs"),
    ("ogue", "og"),
    ("lled", "led"),
    ("lling", "ling"),
    ("ller", "ler"),
    ("llers", "lers"),
    ("ence", "ense"),
    ("mmes", "ms"),
    ("mme", "m"),
    ("gement", "gment"),
)

_lock = threading.Lock()
_spellchecker_instance: Any = None


def spellchecker() -> Any:
    """The shared pyspellchecker instance, built on first use (slow: load it once)."""
    global _spellchecker_instance
    if _spellchecker_instance is None:
        with _lock:
            if _spellchecker_instance is None:
                from spellchecker import SpellChecker

                checker = SpellChecker(language="en", distance=1, case_sensitive=False)
                checker.word_frequency.load_words(_DOMAIN_WORDS)
                _spellchecker_instance = checker
    return _spellchecker_instance


def _british_variants(word: str) -> list[str]:
    variants = [word[: -len(gb)] + us for gb, us in _BRITISH_ENDINGS if word.endswith(gb)]
    if "our" in word:
        variants.append(word.replace("our", "or"))
    return variants


@functools.lru_cache(maxsize=65_536)
def is_known(word: str) -> bool:
    checker = spellchecker()
    if checker.known([word]):
        return True
    return bool(any(checker.known([v]) for v in _british_variants(word)))
