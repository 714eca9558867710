"""The README's command table is the contract: `followup --help` and each group's `--help` list
exactly its commands, each with help text."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_commands() -> set[tuple[str, ...]]:
    """('mail', 'add'), ('due',) … from the first column of the README's command table."""
    text = README.read_text()
    section = text.split("## The command line", 1)[1].split("\n## ", 1)[0]
    commands = set()
    for line in section.splitlines():
        if not line.startswith("| `followup "):
            continue
        first_cell = line[1:].split(" | ", 1)[0]
        for code in re.findall(r"`(followup [^`]*)`", first_cell):
            words = []
            for word in code.split()[1:]:
                if not re.fullmatch(r"[a-z][a-z-]*", word):
                    break
                words.append(word)
            commands.add(tuple(words))
    return commands


def listed(run_cli, *group: str) -> dict[str, str]:
    """The commands a `--help` lists, with their one-line help."""
    result = run_cli(*group, "--help")
    assert result.returncode == 0, result.stderr
    block = result.stdout.split("\nCommands:\n", 1)[1]
    commands = {}
    for line in block.splitlines():
        match = re.match(r"  (\S+)\s+(.*)", line)
        if match:
            commands[match[1]] = match[2]
    return commands


def test_help_and_the_readme_list_the_same_commands(run_cli):
    documented = readme_commands()
    groups = sorted({words[0] for words in documented if len(words) > 1})
    top = listed(run_cli)
    assert set(top) == {words[0] for words in documented}, "followup --help vs README"
    shown = {(name,) for name in top if name not in groups}
    for name in groups:
        subcommands = listed(run_cli, name)
        shown |= {(name, sub) for sub in subcommands}
        for sub, help_text in subcommands.items():
            assert len(help_text) > 10, f"followup {name} {sub} has no help text"
    for name, help_text in top.items():
        assert len(help_text) > 10, f"followup {name} has no help text"
    assert shown == documented, (
        f"only in --help: {sorted(shown - documented)}; only in README: {sorted(documented - shown)}"
    )
