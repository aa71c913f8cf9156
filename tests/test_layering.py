"""The layering rules of STYLE.md, enforced: a change that breaks one fails here, naming the file.

- ``common/`` is the shared kernel: it imports no domain package (only itself, the legal
  reference data and the settings).
- Controllers and web pages parse, call a service and return: no query and no delete of their own.
- Packages depend in one declared direction (``RANK``): no package imports one of its own rank
  or above, so there is no import cycle between packages.
- Settings come from the one ``Settings`` object: only ``settings.py`` reads the environment.
- The CLI's entry point does not load the web stack (``transfers --help`` stays fast).
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "transfers"
KERNEL_MAY_IMPORT = (
    "transfers.common",
    "transfers.infra",
    "transfers.reference",
    "transfers.settings",
)


def _imports(path: Path, *, runtime_only: bool = False) -> list[tuple[int, str]]:
    """Every module a file imports, with its line (function-level imports included);
    ``runtime_only`` leaves out those under ``if TYPE_CHECKING:`` (they name types only)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    typing_only: set[int] = set()
    if runtime_only:
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                typing_only.update(id(n) for n in ast.walk(node))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "transfers":
                found.extend((node.lineno, f"transfers.{alias.name}") for alias in node.names)
            else:
                found.append((node.lineno, node.module))
    return found


def _queries(path: Path) -> list[tuple[int, str]]:
    """Statement builders and audited deletes called by name (``select(...)``), and any call on
    a session (``db_session.execute(...)``, ``session.get(...)``) other than ending the
    transaction, which is the request boundary's job."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in BUILDERS:
            out.append((node.lineno, func.id))
        elif (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and "session" in func.value.id
            and func.attr not in BOUNDARY
        ):
            out.append((node.lineno, f"{func.value.id}.{func.attr}"))
    return out


def test_common_imports_no_domain_package() -> None:
    wrong = [
        f"{path.relative_to(SRC)}:{line} imports {module}"
        for path in sorted((SRC / "common").glob("*.py"))
        for line, module in _imports(path)
        if module.startswith("transfers") and not module.startswith(KERNEL_MAY_IMPORT)
    ]
    assert wrong == []


BUILDERS = {"select", "insert", "update", "text", "delete_audited", "create_audited"}
BOUNDARY = {"commit", "rollback"}


#: The web workspace's read service: the one web module that queries (pages call it).
WEB_SERVICES = {"reads.py"}


def _controllers() -> list[Path]:
    """Every handler file: each package's controller and every module of the web workspace
    but its read service."""
    web = [p for p in sorted((SRC / "web").glob("*.py")) if p.name not in WEB_SERVICES]
    return sorted(SRC.glob("*/controller.py")) + web


def test_controllers_run_no_queries_and_delete_through_services() -> None:
    assert _controllers(), "no controllers found: the layout changed, update this test"
    wrong: list[str] = []
    for path in _controllers():
        wrong.extend(
            f"{path.relative_to(SRC)}:{line} calls {name}()" for line, name in _queries(path)
        )
    assert wrong == []


def _environment_reads(path: Path) -> list[int]:
    """Lines reading ``os.environ`` (``.get``, ``[...]`` as a value, ``in``) or ``getenv``.
    Setting a variable for a child process (``os.environ.setdefault``) is not a read."""
    tree = ast.parse(path.read_text(encoding="utf-8"))

    def is_environ(node: ast.AST) -> bool:
        return isinstance(node, ast.Attribute) and node.attr == "environ"

    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "getenv" or (
                node.func.attr == "get" and is_environ(node.func.value)
            ):
                lines.append(node.lineno)
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
            if is_environ(node.value):
                lines.append(node.lineno)
        elif (isinstance(node, ast.Compare) and any(is_environ(c) for c in node.comparators)) or (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("dict", "getenv")
            and any(is_environ(a) for a in node.args)
        ):
            lines.append(node.lineno)
    return lines


def test_only_settings_reads_the_environment() -> None:
    wrong = [
        f"{path.relative_to(SRC)}:{line} reads the environment"
        for path in sorted(SRC.rglob("*.py"))
        if path != SRC / "settings.py"
        for line in _environment_reads(path)
    ]
    assert wrong == []


@pytest.mark.parametrize("heavy", ["litestar", "sqlalchemy", "rich", "transfers.app"])
def test_cli_entry_point_does_not_import_the_web_stack(heavy: str) -> None:
    code = (
        "import sys, transfers.cli; "
        f"print(any(m == {heavy!r} or m.startswith({heavy!r} + '.') for m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"


#: The direction of dependencies between the packages (and top-level modules) of ``transfers``:
#: each may import only those of a lower rank. A new package must be given its place here.
RANK: dict[str, int] = {
    # the law, the settings: depend on nothing
    "reference": 0,
    "settings": 0,
    # the speed devices, behind one door (they know the database engine, nothing of the domain)
    "infra": 0,
    # the shared kernel, the pure rules engine, the tables, the connection
    "common": 1,
    "rules": 1,
    "models": 1,
    "db": 1,
    "migrate": 1,
    # the audit trail and the register's read model
    "audit": 2,
    "register": 2,
    "auth": 3,
    # domain services
    "compliance": 4,
    "vendor": 4,
    "organisation": 4,
    "assessment": 4,
    "user": 4,
    "document": 5,
    "transfer": 5,
    "agreement": 6,
    "intake": 6,
    "importer": 7,
    "notice": 7,
    "dpf": 7,
    "demo": 7,
    "reminder": 8,
    "openapi": 8,
    # our customers and what we tell them (uses the notices' what-if and the reminders' mail)
    "customer": 9,
    "job": 10,
    # the edges: liveness and readiness, the web workspace, the command line, the app
    "health": 2,
    "web": 11,
    "cli": 11,
    "app": 12,
}


def _package_of(path: Path) -> str:
    parts = path.relative_to(SRC).parts
    return parts[0].removesuffix(".py")


def test_packages_depend_in_the_declared_direction() -> None:
    files = [p for p in sorted(SRC.rglob("*.py")) if p != SRC / "__init__.py"]
    unranked = sorted({_package_of(p) for p in files} - RANK.keys())
    assert unranked == [], "give each new package its rank in RANK"
    wrong: list[str] = []
    for path in files:
        mine = _package_of(path)
        for line, module in _imports(path, runtime_only=True):
            parts = module.split(".")
            if parts[0] != "transfers" or len(parts) < 2 or parts[1] == mine:
                continue
            theirs = parts[1]
            if RANK.get(theirs, -1) >= RANK[mine]:
                wrong.append(f"{path.relative_to(SRC)}:{line} ({mine}) imports {theirs}")
    assert wrong == []


#: Where the database engine itself may be touched: the door for speed devices, the engine's
#: construction, and the edges that create and dispose engines.
_ENGINE_ALLOWED = ("infra", "db", "app", "cli", "migrate", "health", "job")
#: Session listeners that are domain rules, not speed devices: the sub-processor list is
#: refreshed inside the transaction that changed the chain (it commits with it or not at all).
_LISTENERS_ALLOWED = {"document/versions.py"}
_DEVICES = (
    (r"^import gc\b|\bgc\.(disable|enable|freeze|collect)\(", "cyclic GC control (infra.gc)"),
    (r"\bos\.fork\(", "forking (infra.forked)"),
    (r"\.get_bind\(|\.sync_engine\b|\bbind\.engine\b", "the session's engine (infra.state)"),
    (r"\bcreate_async_engine\b", "a second engine (infra.fetch)"),
    (r"\bEngineState\b|\bWeakKeyDictionary\b", "per-engine state (infra.state, infra.cache)"),
    (r"listens_for\(Session\b", "a global session listener (infra.marks)"),
)


def test_speed_devices_live_behind_one_door() -> None:
    """No domain module picks a connection, holds per-engine state, pauses the collector, forks
    or listens to every session: those live in ``transfers.infra`` (issue 21), so a read in a
    domain service is a plain query and can be changed without learning the devices."""
    wrong: list[str] = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if _package_of(path) in _ENGINE_ALLOWED:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for pattern, what in _DEVICES:
                if re.search(pattern, line) and not (
                    "listener" in what and rel in _LISTENERS_ALLOWED
                ):
                    wrong.append(f"{rel}:{number}: {what}")
    assert wrong == []
