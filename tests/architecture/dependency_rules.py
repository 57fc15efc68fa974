"""The dependency rule of docs/development.md, as a checker over the source tree.

It reads the imports of every module under bot/, handlers/ and jobs/ (with `ast`, importing
nothing) and reports, as sentences:

* `bot.platform` importing a feature (`bot.coffee`, `bot.tips`, `bot.privacy`, `bot.home`,
  `bot.people`), `bot.migrations`, `handlers` or `jobs`;
* a feature importing `handlers` or `jobs` (only the composition root, bot/__main__.py, may);
* a service (`service.py` or `*_service.py` in a feature) or another module that must know no
  surface (`SURFACE_FREE`: results, ports, what goes out and when) importing a Slack library,
  the Slack adapter or a feature's Slack side (`slack_*.py`, `delivery.py` of tips);
* a pure module (pure rules and views) importing anything that does I/O or calling `open`;
* an import cycle among module-level imports (imports inside functions and under
  `TYPE_CHECKING` are deliberate ways to break one and are left out).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

PACKAGES = ("bot", "handlers", "jobs")
# bot.teams is a surface (the Teams package today), kept out of platform like a feature.
FEATURES = (
    "bot.coffee",
    "bot.tips",
    "bot.privacy",
    "bot.home",
    "bot.people",
    "bot.teams",
    "bot.teamsapp",
)
#: The Teams surface and its handlers: they may use aiohttp and the Teams SDK, but nothing of
#: Slack's (its libraries, its adapter, a feature's Slack side).
TEAMS_SURFACE = ("bot.teamsapp", "handlers.teams")
COMPOSITION_ROOT = "bot.__main__"
# aiohttp: the transport whose errors a surface adapter turns into the feature's own.
SLACK_LIBRARIES = ("slack_sdk", "slack_bolt", "aiohttp")
SLACK_ADAPTER = (
    "bot.platform.slack_client",
    "bot.platform.slack_chat",
    "bot.platform.server",
    "bot.platform.bolt_app",
    "bot.platform.outbox",
    "bot.tips.delivery",
    "bot.coffee.delivery",
)
#: Modules that know no chat surface besides the services: results, ports, and the feature code
#: that decides what goes out and when (the surface's adapter sends it).
SURFACE_FREE = (
    "bot.coffee.effects",
    "bot.coffee.rounds",
    "bot.coffee.followups",
    "bot.coffee.channel",
    "bot.coffee.enrolment",
    "bot.coffee.admin_results",
    "bot.people.service",
    "bot.privacy.results",
    "bot.tips.results",
    "bot.tips.effects",
    "bot.tips.cards",
    "bot.tips.digests",
    "bot.teams",
)
#: Modules that may do no I/O: pure rules and every view (data and a translator in, blocks out).
PURE = (
    "bot.coffee.pairing",
    "bot.coffee.schedule",
    "bot.coffee.starters",
    "bot.coffee.views",
    "bot.tips.views",
    "bot.home.views",
    "bot.home.help",
    "bot.privacy.views",
    "bot.platform.acks",
    "bot.platform.slack_text",
    "bot.platform.slack_values",
    "bot.teams.manifest",
    "bot.teams.icons",
)
IO_MODULES = (
    "sqlalchemy",
    "slack_sdk",
    "slack_bolt",
    "aiohttp",
    "httpx",
    "requests",
    "urllib.request",
    "socket",
    "subprocess",
    "asyncio.subprocess",
    "shutil",
    "bot.platform.deps",
    "bot.platform.db",
    "bot.platform.slack_client",
    "bot.platform.outbox",
)


@dataclass
class Module:
    name: str
    path: Path
    imports: set[str] = field(default_factory=set)  # every import, wherever it stands
    top_level: set[str] = field(default_factory=set)  # those that run when the module loads
    calls_open: bool = False


def within(name: str, prefixes: tuple[str, ...] | str) -> bool:
    prefixes = (prefixes,) if isinstance(prefixes, str) else prefixes
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported(node: ast.Import | ast.ImportFrom, package: str, known: set[str]) -> Iterator[str]:
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield alias.name
        return
    base = node.module or ""
    if node.level:
        parent = package.split(".")[: len(package.split(".")) - node.level + 1]
        base = ".".join(parent + ([base] if base else []))
    for alias in node.names:
        full = f"{base}.{alias.name}"
        yield full if full in known else base


def _visit(module: Module, node: ast.AST, package: str, known: set[str], *, top: bool) -> None:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Import | ast.ImportFrom):
            names = set(_imported(child, package, known))
            module.imports |= names
            if top:
                module.top_level |= names
            continue
        if isinstance(child, ast.Call) and isinstance(child.func, ast.Name):
            module.calls_open |= child.func.id == "open"
        deferred = isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) or (
            isinstance(child, ast.If) and _is_type_checking(child)
        )
        _visit(module, child, package, known, top=top and not deferred)


def read_modules(root: Path) -> dict[str, Module]:
    paths = [p for pkg in PACKAGES for p in sorted((root / pkg).rglob("*.py"))]
    modules = {module_name(root, p): Module(module_name(root, p), p) for p in paths}
    known = set(modules)
    for module in modules.values():
        tree = ast.parse(module.path.read_text(), filename=str(module.path))
        is_package = module.path.name == "__init__.py"
        package = module.name if is_package else module.name.rpartition(".")[0]
        _visit(module, tree, package, known, top=True)
    return modules


def knows_no_surface(m: Module) -> bool:
    return (
        m.path.name == "service.py"
        or m.path.name.endswith("_service.py")
        or within(m.name, SURFACE_FREE)
    )


def within_teams(name: str) -> bool:
    """bot.teamsapp, and handlers/teams*.py."""
    return within(name, "bot.teamsapp") or name.startswith(TEAMS_SURFACE[1])


def is_slack(name: str) -> bool:
    """A Slack library, the Slack adapter, or a feature's Slack side (`bot.<feature>.slack_*`)."""
    last = name.rsplit(".", 1)[-1]
    return within(name, (*SLACK_LIBRARIES, *SLACK_ADAPTER)) or (
        within(name, FEATURES) and last.startswith("slack")
    )


def violations(root: Path) -> list[str]:
    modules = read_modules(root)
    found: list[str] = []
    for m in modules.values():
        for name in sorted(m.imports):
            if within(m.name, "bot.platform") and within(
                name, (*FEATURES, "bot.migrations", "handlers", "jobs")
            ):
                found.append(f"{m.name} (platform) imports {name}")
            if within(m.name, FEATURES) and within(name, ("handlers", "jobs")):
                found.append(f"{m.name} (a feature) imports {name}")
            if (
                within(m.name, ("bot", "handlers", "jobs"))
                and m.name != COMPOSITION_ROOT
                and not within(m.name, ("handlers", "jobs"))
                and not within(m.name, FEATURES)
                and not within(m.name, "bot.platform")
                and within(name, ("handlers", "jobs"))
            ):
                found.append(f"{m.name} imports {name}: only {COMPOSITION_ROOT} may")
            if knows_no_surface(m) and is_slack(name):
                found.append(f"{m.name} (a service) imports {name}")
            if within_teams(m.name) and is_slack(name) and name != "aiohttp":
                found.append(f"{m.name} (the Teams surface) imports {name}")
            if within(m.name, PURE) and within(name, IO_MODULES):
                found.append(f"{m.name} (pure) imports {name}, which does I/O")
        if within(m.name, PURE) and m.calls_open:
            found.append(f"{m.name} (pure) calls open()")
        found += [
            f"{m.name} (a job) imports {n}"
            for n in sorted(m.imports)
            if within(m.name, "jobs") and within(n, "handlers")
        ]
    found += [f"import cycle: {' → '.join(c)}" for c in cycles(modules)]
    return found


def cycles(modules: dict[str, Module]) -> list[list[str]]:
    """Strongly connected components of the module-level import graph, as cycles."""
    graph = {
        name: sorted(
            {dep for dep in m.top_level if dep in modules and dep != name}
            | {
                # `import a.b.c` also runs a/__init__ and a/b/__init__.
                ".".join(dep.split(".")[:k])
                for dep in m.top_level
                for k in range(1, dep.count(".") + 1)
                if ".".join(dep.split(".")[:k]) in modules
                and not within(name, ".".join(dep.split(".")[:k]))
            }
        )
        for name, m in modules.items()
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def strong(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    return found
