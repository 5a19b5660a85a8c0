"""The image recipe: read for its essentials (there is no container engine in the test run)."""

from __future__ import annotations

import fnmatch
import json
import re
from pathlib import Path

import yaml

from ollygraph import cli
from tests.helm.render import CHART_DIR

ROOT = Path(__file__).resolve().parents[2]


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    text = (ROOT / "Dockerfile").read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    result = []
    for line in joined.splitlines():
        if line.strip():
            word, _, rest = line.strip().partition(" ")
            result.append((word.upper(), " ".join(rest.split())))
    return result


def stages() -> list[list[tuple[str, str]]]:
    found: list[list[tuple[str, str]]] = []
    for instruction in instructions():
        if instruction[0] == "FROM":
            found.append([])
        if found:
            found[-1].append(instruction)
    return found


def args_defaults() -> dict[str, str]:
    return dict(a.split("=", 1) for op, a in instructions() if op == "ARG" and "=" in a)


def test_multi_stage_on_python_311_slim():
    bases = [args.split()[0] for op, args in instructions() if op == "FROM"]
    defaults = args_defaults()
    resolved = [re.sub(r"\$\{(\w+)\}", lambda m: defaults[m.group(1)], b) for b in bases]
    assert len(resolved) >= 2
    assert set(resolved) == {"python:3.11-slim"}
    build, final = stages()[0], stages()[-1]
    assert any("pip install ." in args for op, args in build if op == "RUN")
    assert any(op == "COPY" and args.startswith("--from=") for op, args in final)


def test_final_stage_runs_as_the_unprivileged_user_the_chart_expects():
    final = stages()[-1]
    users = [args for op, args in final if op == "USER"]
    assert users, "the final stage sets no USER"
    uid = users[-1].split(":")[0]
    assert uid.isdigit() and int(uid) == 10001  # numeric, so runAsNonRoot can verify it
    values = yaml.safe_load((CHART_DIR / "values.yaml").read_text())
    assert values["podSecurityContext"]["runAsUser"] == int(uid)
    assert values["securityContext"]["runAsUser"] == int(uid)


def test_entrypoint_is_the_ollygraph_command_and_the_default_is_the_gateway():
    final = dict(stages()[-1])
    assert json.loads(final["ENTRYPOINT"]) == ["ollygraph"]
    cmd = json.loads(final["CMD"])
    assert cli.build_parser().parse_args(cmd).command == "gateway"


def test_exposes_the_otlp_and_graphql_ports():
    exposed = {
        int(p.split("/")[0]) for op, args in instructions() if op == "EXPOSE" for p in args.split()
    }
    assert exposed == {4317, 4318, 8000}


def test_dockerignore_keeps_what_pip_install_needs():
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    needed = [
        "pyproject.toml",
        "README.md",
        "ollygraph/cli.py",
        "ingest/__init__.py",
        "gateway/__init__.py",
        "migrations/env.py",
    ]
    for path in needed:
        for pattern in patterns:
            assert not fnmatch.fnmatch(path, pattern), f"{pattern} excludes {path}"
            assert not path.startswith(pattern.rstrip("/") + "/"), f"{pattern} excludes {path}"
    assert ".venv" in patterns and ".git" in patterns
