"""`ollygraph export --from T --to T [--signal ...] (--endpoint URL | --out FILE)`."""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SIGNALS = ("traces", "logs", "metrics")


class Refused(ValueError):
    """Arguments or state the user can fix."""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--from", dest="start", required=True,
                   help="start of the range (inclusive): RFC 3339, unix nanoseconds, or a "
                        "duration before now such as 6h")
    p.add_argument("--to", dest="end", default=None,
                   help="end of the range (exclusive), same forms (default: now)")
    p.add_argument("--signal", default=",".join(SIGNALS),
                   help="comma-separated signals to export (default: traces,logs,metrics)")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--endpoint", help="OTLP receiver: host:port for gRPC, or the base "
                        "URL (e.g. http://host:4318) for HTTP/protobuf")
    target.add_argument("--out", type=Path, help="file to write, one OTLP/JSON request per line")
    p.add_argument("--protocol", choices=("grpc", "http/protobuf"), default="grpc",
                   help="protocol of --endpoint (default grpc)")
    p.add_argument("--state", type=Path, default=None,
                   help="state file for resuming (default: FILE.state beside --out, or "
                        "ollygraph-export.state)")
    p.add_argument("--batch-size", type=int, default=1000,
                   help="items (spans, log records, points) per request (default 1000)")
    p.add_argument("--max-requests", type=int, default=None,
                   help="stop after this many requests; run again to continue")
    p.add_argument("--retry-timeout", type=float, default=300.0,
                   help="seconds to keep retrying a receiver that answers 'retry later'")


def parse_time(text: str, now_ns: int) -> int:
    """RFC 3339, unix nanoseconds, or a duration before `now_ns` -> unix nanoseconds."""
    from ollygraph import settings

    text = text.strip()
    if re.fullmatch(r"\d+", text):
        return int(text)
    if re.fullmatch(r"\d+[a-zA-Z]+", text):
        try:
            return now_ns - settings.parse_duration(text) * 1_000_000_000
        except ValueError as exc:
            raise Refused(str(exc)) from None
    match = re.fullmatch(r"(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)?", text)
    if not match:
        raise Refused(f"{text!r} is not an RFC 3339 time, unix nanoseconds or a duration")
    try:
        base = datetime.fromisoformat(match.group(1) + (match.group(3) or "Z"))
    except ValueError as exc:
        raise Refused(f"{text!r}: {exc}") from None
    if base.tzinfo is None:
        base = base.replace(tzinfo=UTC)
    fraction = int((match.group(2) or "0").ljust(9, "0"))
    return int(base.timestamp()) * 1_000_000_000 + fraction


def run(args: argparse.Namespace, cfg: Any) -> int:
    from ollygraph import db, migrate
    from ollygraph.export import run as runner
    from ollygraph.export import send

    now_ns = time.time_ns()
    start_ns = parse_time(args.start, now_ns)
    end_ns = parse_time(args.end, now_ns) if args.end else now_ns
    if end_ns <= start_ns:
        raise Refused("--to must be after --from")
    signals = tuple(s.strip() for s in args.signal.split(",") if s.strip())
    unknown = sorted(set(signals) - set(SIGNALS))
    if unknown or not signals:
        raise Refused(f"unknown signal {', '.join(unknown)}; choose from {', '.join(SIGNALS)}")
    if args.batch_size < 1:
        raise Refused("--batch-size must be at least 1")
    state_path = args.state or (args.out.with_name(args.out.name + ".state") if args.out
                                else Path("ollygraph-export.state"))
    try:
        state = runner.State.load(state_path, start_ns, end_ns)
    except runner.StateMismatch as exc:
        raise Refused(str(exc)) from None
    if args.out:
        sink: Any = send.FileSink(args.out, state.position)
    elif args.protocol == "grpc":
        sink = send.GrpcSink(args.endpoint, retry_timeout=args.retry_timeout)
    else:
        sink = send.HttpSink(args.endpoint, retry_timeout=args.retry_timeout)
    progress = runner.Progress(sys.stderr)
    try:
        with db.database(cfg) as url:
            migrate.check_at_head(url, cfg.schema)
            finished = asyncio.run(runner.export(url, cfg.schema, start_ns, end_ns, signals, sink,
                                                 state, args.batch_size, progress,
                                                 args.max_requests))
    except send.SendError as exc:
        progress.show("\n")
        raise Refused(f"{exc} (run the same command again to resume)") from None
    except KeyboardInterrupt:
        progress.show("\n")
        print(f"interrupted; run the same command again to resume ({state_path})",
              file=sys.stderr)
        return 130
    finally:
        sink.close()
    progress.show("\n")
    if not finished:
        print(f"stopped after {args.max_requests} requests; run the same command again to "
              f"continue ({state_path})", file=sys.stderr)
    return 0
