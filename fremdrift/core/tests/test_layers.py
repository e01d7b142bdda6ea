"""The apps stand in layers (docs/architecture.md): a module imports only from its own app and
from apps of lower layers, never in a cycle, and at the top of the module. This test reads every
import of a `fremdrift` module (tests and migrations left out) and fails on a module cycle, on
an import against the layer order that is not a documented exception, and on a project import
inside a function that is not on the short allow-list below."""

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]  # the fremdrift package

# Bottom to top. An app may import from its own modules and from the apps of lower layers.
LAYERS = [
    ["core"],
    ["accounts", "codelists"],
    ["audit"],
    # The administrators' pages of the code lists: an organisation's own codes, each change
    # in the change history.
    ["instruments", "signin", "codeadmin"],
    ["citizens"],
    # The company register stands beside the assessments: both read the citizens in scope,
    # and the plans name both (a placement names its company).
    ["assessments", "companies"],
    ["plans"],
    ["programmes"],
    ["referrals"],
    # The citizen's own way in (self-assessment links, the citizen sign-in and own pages) stands
    # beside the group reports: both read the cases, neither knows the other.
    ["reports", "exchange", "demo", "portal"],
    # The citizen's rights: retention and erasure across every app, the subject-access export.
    ["rights"],
    # Pages that compose several apps, the API root with its tokens and FHIR, the test world.
    ["pages", "api", "testing", "jobs"],
    # The wiring: URLs, settings, the WSGI entry and the test fixtures.
    ["urls", "settings", "wsgi", "conftest", "browser_fixtures"],
]

# Imports against the layer order, each a real dependency of the domain (importer, imported).
EXCEPTIONS = {
    # The access log's pages find the citizen an administrator asks about by CPR number; the
    # log itself (models, services) stands below citizens, which write to it.
    ("fremdrift.audit.views", "fremdrift.citizens.selectors"),
}

# Project imports inside a function, each with the reason it cannot stand at the top.
INNER_ALLOWED = {
    # The demo command imports the demo's builders only when it runs, so that `manage.py`
    # does not load the demo data modules for every command.
    # Django connects a signal in `AppConfig.ready`; the receiver's module reads models, which
    # cannot be imported before the apps are loaded.
    ("fremdrift.signin.apps", "fremdrift.signin.signals"),
    # Likewise a system check is registered when its module is imported, and the check reads
    # a model.
    ("fremdrift.citizens.apps", "fremdrift.citizens.checks"),
}

LAYER_OF = {app: n for n, apps in enumerate(LAYERS) for app in apps}


def _module_name(path: Path) -> str:
    parts = ["fremdrift", *path.relative_to(ROOT).with_suffix("").parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _project_modules() -> dict[str, Path]:
    modules = {}
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT).parts
        if "tests" in relative or "migrations" in relative:
            continue
        modules[_module_name(path)] = path
    return modules


def _resolve(name: str, modules) -> str | None:
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def read_imports(modules=None):
    """(importer, imported, line, inside a function) for every import of a project module."""
    modules = modules or _project_modules()
    found = []
    for name, path in modules.items():
        tree = ast.parse(path.read_text(), str(path))
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        inner = {
            id(sub)
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            for sub in ast.walk(node)
            if sub is not node
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parents = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*parents, base] if base else parents)
                targets = [f"{base}.{alias.name}" for alias in node.names]
            else:
                continue
            for target in targets:
                if not target.startswith("fremdrift"):
                    continue
                imported = _resolve(target, modules)
                if imported and imported != name:
                    found.append((name, imported, node.lineno, id(node) in inner))
    return found


def app_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "fremdrift"


def cycles(edges) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan)."""
    graph = defaultdict(set)
    for a, b in edges:
        graph[a].add(b)
    index, low, stack, on_stack, result = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                component.append(other)
                if other == node:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    for node in sorted(set(graph) | {b for bs in graph.values() for b in bs}):
        if node not in index:
            visit(node)
    return result


def layer_violations(imports) -> list[str]:
    wrong = []
    for importer, imported, line, _inner in imports:
        source, target = app_of(importer), app_of(imported)
        if source == target or (importer, imported) in EXCEPTIONS:
            continue
        if source not in LAYER_OF or target not in LAYER_OF:
            wrong.append(f"{importer}:{line} -> {imported}: an app the layers do not name")
        elif LAYER_OF[target] >= LAYER_OF[source]:
            wrong.append(f"{importer}:{line} imports {imported}, which is not in a lower layer")
    return sorted(set(wrong))


def inner_violations(imports) -> list[str]:
    return sorted(
        {
            f"{importer}:{line} imports {imported} inside a function"
            for importer, imported, line, inner in imports
            if inner and (importer, imported) not in INNER_ALLOWED
        }
    )


@pytest.fixture(scope="module")
def imports():
    return read_imports()


def test_no_module_imports_another_in_a_cycle(imports):
    found = cycles((a, b) for a, b, _, _ in imports)
    assert not found, "Modules that import each other:\n" + "\n".join(map(str, found))


def test_every_import_goes_down_the_layers(imports):
    wrong = layer_violations(imports)
    assert not wrong, "Imports against the layers (docs/architecture.md):\n" + "\n".join(wrong)


def test_project_imports_stand_at_the_top_of_a_module(imports):
    wrong = inner_violations(imports)
    assert not wrong, "Imports inside a function:\n" + "\n".join(wrong)


def test_apps_import_each_other_in_groups_of_at_most_three(imports):
    """What the exceptions allow: no knot of apps that all reach each other."""
    apps = {(app_of(a), app_of(b)) for a, b, _, _ in imports if app_of(a) != app_of(b)}
    assert max((len(group) for group in cycles(apps)), default=1) <= 3


def test_every_app_has_a_layer():
    apps = {p.name for p in ROOT.iterdir() if (p / "apps.py").exists()}
    assert apps - set(LAYER_OF) == set()


def test_the_documented_exceptions_are_still_needed(imports):
    edges = {(a, b) for a, b, _, _ in imports}
    assert EXCEPTIONS - edges == set()
    assert set(INNER_ALLOWED) - edges == set()


def test_the_guard_catches_a_cycle_an_upward_import_and_an_inner_import(tmp_path):
    """The guard itself, on a small made-up package: it is not a test that cannot fail."""
    package = tmp_path / "fremdrift"
    for app in ("core", "citizens", "referrals"):
        (package / app).mkdir(parents=True)
        (package / app / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "core" / "a.py").write_text("from fremdrift.citizens import b\n")
    (package / "citizens" / "b.py").write_text("from fremdrift.core import a\n")
    (package / "referrals" / "c.py").write_text("def f():\n    from fremdrift.citizens import b\n")
    modules = {}
    for path in package.rglob("*.py"):
        parts = ["fremdrift", *path.relative_to(package).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    found = read_imports(modules)
    assert cycles((a, b) for a, b, _, _ in found) == [["fremdrift.citizens.b", "fremdrift.core.a"]]
    assert layer_violations(found) == [
        "fremdrift.core.a:1 imports fremdrift.citizens.b, which is not in a lower layer"
    ]
    assert inner_violations(found) == [
        "fremdrift.referrals.c:2 imports fremdrift.citizens.b inside a function"
    ]
