"""The layer rules of docs/architecture.md, checked on the code's import statements
(every ``import``, at module level or inside a function), so they cannot regress.

Read with :mod:`ast`, not by importing: a rule broken anywhere fails here whether or
not a test runs that code.
"""

import ast
import pathlib
from collections import defaultdict

ROOT = pathlib.Path(__file__).resolve().parents[2]
APPS = ("marketplace", "standards", "catalog", "brokering")
# Data flows one way: an app may import only the apps listed for it.
MAY_IMPORT = {
    "marketplace": {"marketplace"},
    "standards": {"marketplace", "standards"},
    "catalog": {"marketplace", "standards", "catalog"},
    "brokering": {"marketplace", "standards", "catalog", "brokering"},
}
# The demo and the scale generator import every app; they are moving above the apps
# (issue #15's demo branch) and are the only exceptions.
ABOVE_THE_APPS = (
    "marketplace.demo",
    "marketplace.scale",
    "marketplace.management.commands.seed_demo",
    "marketplace.management.commands.seed_scale",
)


def _module_name(path: pathlib.Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules() -> dict[str, pathlib.Path]:
    found = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                found[_module_name(path)] = path
    return found


MODULES = _modules()


def _imports(module: str) -> set[str]:
    """The project modules ``module`` imports (``from x import y`` counts ``x.y`` when
    ``y`` is a module, else ``x``)."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for name in names:
            while name and name not in MODULES:
                name = name.rpartition(".")[0]
            if name and name != module:
                found.add(name)
    return found


GRAPH = {module: _imports(module) for module in MODULES}


def _exempt(module: str) -> bool:
    return any(
        module == above or module.startswith(f"{above}.") for above in ABOVE_THE_APPS
    )


def test_dependencies_point_one_way():
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in GRAPH.items()
        if not _exempt(module)
        for target in targets
        if target.split(".")[0] not in MAY_IMPORT[module.split(".")[0]]
    )
    assert wrong == []


def test_marketplace_imports_no_app():
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in GRAPH.items()
        if module.startswith("marketplace") and not _exempt(module)
        for target in targets
        if not target.startswith("marketplace")
    )
    assert wrong == []


def _is_selector(module: str) -> bool:
    return module.endswith(".selectors") or ".selectors." in module


def test_selectors_import_no_services_forms_views_or_admin():
    banned = ("services", "workflow", "forms", "views", "admin", "api", "tasks")
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in GRAPH.items()
        if _is_selector(module)
        for target in targets
        if any(part in banned for part in target.split(".")[1:])
    )
    assert wrong == []


def test_the_scoring_computation_reads_no_database():
    """formula, ranking, encodings and compute are handed their inputs; only
    ``inputs`` queries."""
    pure = [
        f"brokering.scoring.{name}"
        for name in ("formula", "ranking", "encodings", "compute")
    ]
    wrong = []
    for module in pure:
        tree = ast.parse(MODULES[module].read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "django"
            ):
                wrong.append(f"{module} imports {node.module}")
        for target in GRAPH[module]:
            leaf = target.split(".")[-1]
            if leaf in ("models", "selectors", "services", "inputs", "tasks"):
                wrong.append(f"{module} imports {target}")
    assert wrong == []


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def _package_edges() -> dict[str, set[str]]:
    """A package's ``__init__`` re-exports its modules; an edge to the package from
    one of its own modules is not a cycle of code."""
    edges = defaultdict(set)
    for module, targets in GRAPH.items():
        for target in targets:
            if not module.startswith(f"{target}."):
                edges[module].add(target)
    return edges


def test_no_import_cycles():
    assert _cycles(_package_edges()) == []


def test_signals_are_connected_in_app_configs_and_only_across_apps():
    """One way of wiring: a receiver is connected in its app's ``AppConfig.ready``
    (``apps.py``), to a signal another app sends (docs/architecture.md)."""
    wrong = []
    for module, path in MODULES.items():
        app = module.split(".")[0]
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            is_connect = (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "connect"
            )
            if is_connect and module.rpartition(".")[2] != "apps":
                wrong.append(f"{module} connects a receiver outside apps.py")
        if module.endswith(".apps"):
            for target in GRAPH[module]:
                if target.endswith(".signals") and target.split(".")[0] == app:
                    wrong.append(f"{module} connects to its own app's signals")
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module in (
                    "django.db.models.signals",
                ):
                    wrong.append(f"{module} connects to model signals")
    assert wrong == []
