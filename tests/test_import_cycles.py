"""No import cycle between any two of our modules, across apps too.

import-linter's ``acyclic_siblings`` contract (``pyproject.toml``) finds cycles inside one
package; a cycle between top-level packages that no layer contract covers (``accounts`` and
``notifications``, say) it cannot see. This looks at the whole graph of the packages the
contracts name, imports inside functions included (a lazy import is still a dependency, only a
hidden one), and names one shortest cycle per tangle.
"""

import tomllib
from pathlib import Path

import grimp
from django.conf import settings


def _root_packages() -> list[str]:
    config = tomllib.loads((Path(settings.BASE_DIR) / "pyproject.toml").read_text())
    return config["tool"]["importlinter"]["root_packages"]


def _tangles(graph: grimp.ImportGraph) -> list[set[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    tangles = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, imported = work[-1]
            for other in imported:
                if other not in index:
                    index[other] = low[other] = len(index)
                    stack.append(other)
                    on_stack.add(other)
                    work.append((other, iter(sorted(graph.find_modules_directly_imported_by(other)))))
                    break
                if other in on_stack:
                    low[module] = min(low[module], index[other])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[module])
                if low[module] == index[module]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == module:
                            break
                    if len(component) > 1:
                        tangles.append(component)
    return tangles


def _shortest_cycle(graph: grimp.ImportGraph, tangle: set[str]) -> list[str]:
    cycles = []
    for module in sorted(tangle):
        for imported in sorted(graph.find_modules_directly_imported_by(module) & tangle):
            back = graph.find_shortest_chain(importer=imported, imported=module)
            if back:
                cycles.append([module, *back])
    return min(cycles, key=len)


def test_import_cycles_none_between_modules():
    graph = grimp.build_graph(*_root_packages(), cache_dir=None)

    cycles = [" -> ".join(_shortest_cycle(graph, tangle)) for tangle in _tangles(graph)]

    assert cycles == []
