"""The checker's work grows linearly with the text: a megabyte of any shape is checked well
within a hard CPU limit (a quadratic pattern took 39 s over 100 kB, so 1 MB would take hours).
Nothing is timed here: the child process is killed by the kernel if it runs past the limit."""

import resource
import subprocess
import sys
import textwrap

import pytest

CHILD = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {tests!r})
    from followup.drafting import Draft, check_draft
    from test_checker import ctx_for
    body = {body}
    check_draft(Draft("Thank you", body), ctx_for())
    print("checked", len(body))
    """
)

SHAPES = {
    "no spaces": '"x" * 1_000_000',
    "no spaces with an @ at the end": '"x" * 1_000_000 + "@"',
    "dotted": '"a." * 500_000',
    "at signs": '"a@" * 500_000',
    "underscores": '"a" + "_" * 1_000_000',
}


def _limit_cpu() -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (60, 60))


@pytest.mark.parametrize("shape", SHAPES)
def test_a_megabyte_body_is_checked_within_a_hard_cpu_limit(shape):
    from pathlib import Path

    code = CHILD.format(tests=str(Path(__file__).parent), body=SHAPES[shape])
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, preexec_fn=_limit_cpu
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("checked")
