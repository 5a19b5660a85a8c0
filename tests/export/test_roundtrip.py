"""`ollygraph export` replays a store into another store through its OTLP receiver; the two
stores then hold the same rows, and the exported requests equal the sent ones."""

from __future__ import annotations

import pytest

from tests.conftest import free_port
from tests.export import canonical, storerows
from tests.export.conftest import Store, export


@pytest.mark.parametrize("protocol", ["grpc", "http/protobuf"])
def test_export_replays_the_store_into_another(source: Store, replica: Store, window, sql,
                                               tmp_path, protocol: str) -> None:
    start, end, _ = window
    endpoint = (replica.ingest.grpc_target if protocol == "grpc"
                else replica.ingest.http_url)
    done = export(source, "--from", str(start), "--to", str(end), "--endpoint", endpoint,
                  "--protocol", protocol, "--batch-size", "3",
                  "--state", str(tmp_path / "state.json"))
    assert "exported traces 7, logs 8, metrics 9 in" in done.stderr
    assert storerows.content(sql, replica.schema) == storerows.content(sql, source.schema)


def test_export_to_a_file_equals_what_was_sent(source: Store, window, tmp_path) -> None:
    start, end, requests = window
    out = tmp_path / "out.jsonl"
    export(source, "--from", str(start), "--to", str(end), "--out", str(out))
    lines = canonical.parse_lines(out.read_text())
    assert canonical.merged(lines) == canonical.merged(list(requests.values()))


def test_signal_filter(source: Store, window, tmp_path) -> None:
    start, end, requests = window
    out = tmp_path / "logs.jsonl"
    export(source, "--from", str(start), "--to", str(end), "--signal", "logs", "--out", str(out))
    lines = canonical.parse_lines(out.read_text())
    assert all(set(line) == {"resourceLogs"} for line in lines)
    assert canonical.merged(lines) == canonical.items(requests["logs"])


def test_bad_arguments_are_one_line(source: Store, tmp_path) -> None:
    done = export(source, "--from", "2026-01-02T00:00:00Z", "--to", "2026-01-01T00:00:00Z",
                  "--out", str(tmp_path / "x"), check=False)
    assert done.returncode == 2
    assert done.stderr.strip() == "ollygraph: export: --to must be after --from"
    done = export(source, "--from", "1h", "--signal", "spans", "--out", str(tmp_path / "x"),
                  check=False)
    assert "unknown signal spans" in done.stderr


def test_an_unreachable_receiver_is_retried_then_reported(source: Store, window,
                                                          tmp_path) -> None:
    start, end, _ = window
    done = export(source, "--from", str(start), "--to", str(end), "--signal", "logs",
                  "--endpoint", f"http://127.0.0.1:{free_port()}",
                  "--protocol", "http/protobuf", "--retry-timeout", "2",
                  "--state", str(tmp_path / "s"), check=False)
    assert done.returncode == 2
    assert "gave up retrying" in done.stderr and "run the same command again" in done.stderr
