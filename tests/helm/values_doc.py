"""The values reference of docs/deploy.md, generated from the `# --` comments of values.yaml.

    python -m tests.helm.values_doc           # print the table
    python -m tests.helm.values_doc --write   # rewrite it in docs/deploy.md

A `# -- text` comment (continued by the `#` lines right after it) documents the key on the
next line; a documented key that holds a mapping is one row, its children included.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any, NamedTuple

import yaml

ROOT = Path(__file__).resolve().parents[2]
VALUES = ROOT / "helm" / "ollygraph" / "values.yaml"
DEPLOY_DOC = ROOT / "docs" / "deploy.md"
START, END = "<!-- values-table:start -->", "<!-- values-table:end -->"

_KEY = re.compile(r"^(\s*)([A-Za-z0-9_.\-/]+):(\s|$)")


class Row(NamedTuple):
    key: str
    default: Any
    description: str


def documented_keys(text: str) -> dict[str, str]:
    """dotted key -> description, for every key preceded by a `# --` comment."""
    found: dict[str, str] = {}
    stack: list[tuple[int, str]] = []
    pending: list[str] | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("# --"):
            pending = [stripped[4:].strip()]
            continue
        if stripped.startswith("#"):
            if pending is not None:
                pending.append(stripped[1:].strip())
            continue
        match = _KEY.match(line)
        if not match:
            if stripped and not stripped.startswith("- "):
                pending = None
            continue
        indent, key = len(match.group(1)), match.group(2)
        while stack and stack[-1][0] >= indent:
            stack.pop()
        stack.append((indent, key))
        if pending is not None:
            found[".".join(k for _, k in stack)] = " ".join(p for p in pending if p)
        pending = None
    return found


def _lookup(values: dict[str, Any], dotted: str) -> Any:
    node: Any = values
    for part in dotted.split("."):
        node = node[part]
    return node


def leaves(values: Any, prefix: str = "") -> list[str]:
    """Dotted paths of every scalar, list or empty mapping."""
    if isinstance(values, dict) and values:
        return [leaf for key, value in values.items() for leaf in leaves(value, f"{prefix}{key}.")]
    return [prefix.rstrip(".")]


def rows() -> list[Row]:
    text = VALUES.read_text()
    values = yaml.safe_load(text)
    return [
        Row(key, _lookup(values, key), description)
        for key, description in documented_keys(text).items()
    ]


def undocumented() -> list[str]:
    """Leaves of values.yaml that neither they nor an ancestor document."""
    documented = set(documented_keys(VALUES.read_text()))
    missing = []
    for leaf in leaves(yaml.safe_load(VALUES.read_text())):
        parts = leaf.split(".")
        if not any(".".join(parts[:i]) in documented for i in range(1, len(parts) + 1)):
            missing.append(leaf)
    return missing


def table() -> str:
    lines = ["| Key | Default | Description |", "|---|---|---|"]
    for row in rows():
        default = json.dumps(row.default, separators=(", ", ": "))
        description = row.description.replace("|", "\\|")
        lines.append(f"| `{row.key}` | `{default}` | {description} |")
    return "\n".join(lines)


def document_with_table(document: str) -> str:
    before, _, rest = document.partition(START)
    _, _, after = rest.partition(END)
    return f"{before}{START}\n{table()}\n{END}{after}"


def main(argv: list[str]) -> int:
    if "--write" in argv:
        DEPLOY_DOC.write_text(document_with_table(DEPLOY_DOC.read_text()))
        print(f"wrote the values table into {DEPLOY_DOC.relative_to(ROOT)}")
    else:
        print(table())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
