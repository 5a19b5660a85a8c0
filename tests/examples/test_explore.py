"""examples/explore.ipynb runs cell by cell in a real kernel (nbclient) against real ingest
and gateway processes holding `ollygraph demo` data, and its tables agree with the same
figures read with plain GraphQL; the README's client example runs on the same data."""

from __future__ import annotations

import collections
import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.gateway.conftest import Stack

ROOT = Path(__file__).parents[2]
NOTEBOOK = ROOT / "examples" / "explore.ipynb"

# appended to the notebook: its results as JSON on stdout
REPORT = """
import json
print(json.dumps({
    "latency": latency.reset_index().to_dict("records"),
    "usage": usage.reset_index().to_dict("records"),
    "tokens": tokens.pivot_table(index="label.gen_ai.request.model",
                                 columns="label.gen_ai.token.type", values="sum",
                                 aggfunc="sum").to_dict("index"),
    "workflow": workflow["name"].tolist(),
    "failed": failed["status.code"].tolist(),
}, default=str))
"""


def test_the_committed_notebook_is_clean():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code and all(cell.outputs == [] and cell.execution_count is None for cell in code)


def expected(stack: Stack) -> dict:
    """The figures the notebook shows, read with GraphQL and counted in plain Python."""
    spans = stack.gql("""{ spans(filter: {timeRange: {last: "24h"}}, first: 100) {
        nodes { kind status { code } attributes(keys: ["http.method", "http.route"])
                genAi { requestModel inputTokens outputTokens cost } } } }""")["spans"]["nodes"]
    requests, errors = collections.Counter(), collections.Counter()
    usage: dict[str, dict] = {}
    for span in spans:
        if span["kind"] == "SERVER" and "http.route" in span["attributes"]:
            key = (span["attributes"]["http.route"], span["attributes"]["http.method"])
            requests[key] += 1
            errors[key] += span["status"]["code"] == "ERROR"
        gen_ai = span["genAi"]
        if gen_ai and gen_ai["requestModel"]:
            row = usage.setdefault(gen_ai["requestModel"], collections.Counter())
            row.update(calls=1, input_tokens=int(gen_ai["inputTokens"]),
                       output_tokens=int(gen_ai["outputTokens"]))
            row["cost_usd"] += gen_ai["cost"]
    return {"requests": requests, "errors": errors, "usage": usage}


def test_the_notebook_runs_on_demo_data(demo_stack: Stack, monkeypatch: pytest.MonkeyPatch,
                                        tmp_path: Path):
    monkeypatch.setenv("OLLYGRAPH_URL", demo_stack.url + "/graphql")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(REPORT))
    # a failing cell raises CellExecutionError with its traceback
    NotebookClient(notebook, timeout=60, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()

    outputs = [output for cell in notebook.cells for output in cell.get("outputs", [])]
    assert not [output for output in outputs if output.output_type == "error"]
    assert any("image/png" in output.get("data", {}) for output in outputs)
    report = json.loads(notebook.cells[-1].outputs[0].text)
    want = expected(demo_stack)

    assert {(row["attr.http.route"], row["attr.http.method"]): row["requests"]
            for row in report["latency"]} == want["requests"]
    assert {(row["attr.http.route"], row["attr.http.method"]): row["errors"]
            for row in report["latency"]} == want["errors"]
    assert sum(want["errors"].values()) == 1
    assert all(0 < row["p50_ms"] <= row["p95_ms"] for row in report["latency"])
    usage = {row["attr.gen_ai.request.model"]: row for row in report["usage"]}
    assert set(usage) == set(want["usage"]) == {"gpt-4o", "gpt-4o-mini"}
    for model, row in want["usage"].items():
        assert (usage[model]["calls"], usage[model]["input_tokens"],
                usage[model]["output_tokens"]) == (row["calls"], row["input_tokens"],
                                                   row["output_tokens"])
        assert usage[model]["cost_usd"] == pytest.approx(row["cost_usd"])
        # the token-usage histogram counts the same tokens as the spans
        assert report["tokens"][model] == {"input": row["input_tokens"],
                                           "output": row["output_tokens"]}
    assert report["workflow"] == ["support.workflow", "node classify", "chat gpt-4o-mini",
                                  "node answer", "chat gpt-4o", "execute_tool search_docs"]
    assert report["failed"] == ["ERROR", "UNSET"]


def test_the_readme_client_example_runs(demo_stack: Stack):
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## From a notebook", 1)[1]
    example = section.split("```python", 1)[1].split("```", 1)[0]
    names: dict = {}
    exec(example.replace("http://localhost:8000/graphql", demo_stack.url + "/graphql"), names)
    usage = names["usage"]
    assert sorted(usage.index) == ["gpt-4o", "gpt-4o-mini"]
    assert usage["attr.gen_ai.usage.input_tokens"].dtype == "Int64"
    assert (usage["attr.gen_ai.usage.cost"] > 0).all()
    assert names["spans"]["traceId"].nunique() == 1
    assert sorted(s["name"] for s in names["services"]["services"]) == [
        "order-worker", "payments", "storefront", "support-agent", "web-shop"]
