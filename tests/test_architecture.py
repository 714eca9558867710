"""The shape of the code: no import cycle anywhere in followup/, and the pure layers (planner,
drafting, the mail reader, the shared vocabulary) import no Django.

Imports inside functions count too: a lazy import is still a dependency, and the cycle
followup/cli.py ↔ followup/mail/cli.py was made of them. Run on its own with
`.venv/bin/python -m pytest tests/test_architecture.py`.
"""

from __future__ import annotations

import grimp
import pytest

PURE = (
    "followup.planner",
    "followup.drafting",
    "followup.mail.reader",
    "followup.lib.vocabulary",
    "followup.lib.netguard",
    "followup.lib.backoff",
    "followup.lib.faults",
    "followup.lib.zones",
)


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("followup", include_external_packages=True, cache_dir=None)


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    modules = sorted(m for m in graph.modules if m.startswith("followup"))
    edges = {
        m: sorted(i for i in graph.find_modules_directly_imported_by(m) if i.startswith("followup"))
        for m in modules
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in modules:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            if i < len(edges[node]):
                work.append((node, i + 1))
                nxt = edges[node][i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            for nxt in edges[node]:
                if nxt in on_stack:
                    low[node] = min(low[node], low[nxt])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_there_is_no_import_cycle(graph: grimp.ImportGraph) -> None:
    cycles = _cycles(graph)
    described = [" ↔ ".join(component) for component in cycles]
    assert not cycles, "import cycles:\n" + "\n".join(described)


@pytest.mark.parametrize("package", PURE)
def test_the_pure_layers_import_no_django(graph: grimp.ImportGraph, package: str) -> None:
    chain = graph.find_shortest_chains(importer=package, imported="django", as_packages=True)
    assert not chain, f"{package} reaches Django: {sorted(chain)}"
