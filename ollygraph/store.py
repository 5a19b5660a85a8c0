"""The store's shape, declared once.

Everything that names the store's tables derives from this module: ingest's COPY
column lists, sequences and attribute tables, the gateway's attribute-filter targets,
catalog tables and loader keys, and the test that compares this declaration with the
migrated schema (tests/migrations/test_shape.py). Migrations are frozen SQL and never
import it: a change of shape is a change here plus a new migration, and that test says
when the two disagree.

    fact tables      spans, span events, span links, logs, one per metric point kind
    attribute owners the rows attributes hang off: resources, scopes, spans, events,
                     links, logs and the four point kinds
    value types      an owner's promoted attributes of one type live in one typed
                     table `otel_<owner>_attrs_<type>`, the rest in `..._other` (JSONB)
"""

from __future__ import annotations

from typing import NamedTuple


class Column(NamedTuple):
    name: str
    sql_type: str  # as information_schema.columns.data_type names it


class ValueType(NamedTuple):
    """A type of promoted attribute values: its typed table's suffix and value column."""

    name: str      # table suffix and promotion config key: "string"
    sql_type: str  # type of the `value` column
    oneof: str     # the AnyValue field that carries it


VALUE_TYPES: tuple[ValueType, ...] = (
    ValueType("string", "text", "string_value"),
    ValueType("int", "bigint", "int_value"),
    ValueType("double", "double precision", "double_value"),
    ValueType("bool", "boolean", "bool_value"),
    ValueType("bytes", "bytea", "bytes_value"),
)
VALUE_TYPE = {t.name: t for t in VALUE_TYPES}
OTHER = "other"  # suffix of the JSONB table of the attributes that are not promoted
SUFFIXES: tuple[str, ...] = (*(t.name for t in VALUE_TYPES), OTHER)
KEY_ID = Column("key_id", "bigint")  # the attribute key (attribute_keys) of a typed row
ATTRIBUTES = Column("attributes", "jsonb")  # the `_other` table's map of tagged AnyValues


class Table(NamedTuple):
    """A fact table as ingest writes it: COPY columns in table order."""

    name: str
    columns: tuple[Column, ...]
    partition: str | None = None  # the range-partition column
    sequence: str | None = None   # the sequence of its surrogate key (the first column)
    parent: str | None = None     # the fact whose surrogate key its rows carry

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


class Owner(NamedTuple):
    """Something attributes hang off, and where its attribute tables are."""

    name: str                  # otel_<name>_attrs_<suffix>
    key: tuple[Column, ...]    # the owner's key, leading every attribute row
    table: str                 # the fact or dimension table the owner is a row of
    scope: str | None          # the AttributeScope its attributes are filtered under
    partition: str | None = None  # partition column (None: a dimension, not partitioned)

    @property
    def prefix(self) -> str:
        return f"otel_{self.name}_attrs"

    @property
    def key_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.key)

    def attribute_table(self, suffix: str) -> str:
        return f"{self.prefix}_{suffix}"

    @property
    def attribute_tables(self) -> tuple[str, ...]:
        """Its six attribute tables, in `SUFFIXES` order."""
        return tuple(self.attribute_table(s) for s in SUFFIXES)

    def attribute_columns(self, suffix: str) -> tuple[str, ...]:
        """The columns ingest writes to one of its attribute tables."""
        return tuple(c.name for c in self.attribute_schema(suffix))

    def attribute_schema(self, suffix: str) -> tuple[Column, ...]:
        """The typed columns of one of its attribute tables, in table order."""
        if suffix == OTHER:
            return (*self.key, ATTRIBUTES)
        return (*self.key, KEY_ID, Column("value", VALUE_TYPE[suffix].sql_type))


class PointKind(NamedTuple):
    """A metric point table: the columns of its kind between the common ones."""

    name: str                  # "number", "histogram", "exp_histogram", "summary"
    columns: tuple[Column, ...]

    @property
    def table(self) -> str:
        return f"otel_metrics_data_points_{self.name}"

    @property
    def owner(self) -> str:
        return f"metric_{self.name}"


class Signal(NamedTuple):
    name: str                  # "traces" | "logs" | "metrics"
    promotion: str             # its section of the promotion config
    tables: tuple[Table, ...]  # fact tables, parents before children
    owners: tuple[str, ...]    # attribute owners of its facts, by name


def _columns(spec: str) -> tuple[Column, ...]:
    """'a bigint, b text' -> Columns."""
    out = []
    for part in spec.split(","):
        name, sql_type = part.strip().split(" ", 1)
        out.append(Column(name, sql_type))
    return tuple(out)


BIGINT, INTEGER = "bigint", "integer"
SPAN_KEY = _columns("span_pk bigint, start_time_unix_nano bigint")
LOG_KEY = _columns("log_pk bigint, ts_unix_nano bigint")
POINT_KEY = _columns("point_pk bigint, time_unix_nano bigint")
_STATS = "count bigint, sum double precision, min double precision, max double precision"

POINT_KINDS: tuple[PointKind, ...] = (
    PointKind("number", _columns("value_int bigint, value_double double precision")),
    PointKind("histogram", _columns(f"{_STATS}, explicit_bounds ARRAY, bucket_counts ARRAY")),
    PointKind("exp_histogram", _columns(
        f"{_STATS}, scale integer, zero_count bigint, zero_threshold double precision, "
        "positive_offset integer, positive_bucket_counts ARRAY, negative_offset integer, "
        "negative_bucket_counts ARRAY")),
    PointKind("summary", _columns(
        "count bigint, sum double precision, quantiles ARRAY, quantile_values ARRAY")),
)
POINT_KIND = {kind.name: kind for kind in POINT_KINDS}

SPANS = Table("otel_spans_fact", _columns(
    "span_pk bigint, start_time_unix_nano bigint, end_time_unix_nano bigint, trace_id bytea, "
    "span_id bytea, parent_span_id bytea, trace_state text, flags bigint, name text, "
    "kind_id integer, status_code_id integer, status_message text, resource_id bigint, "
    "scope_id bigint, dropped_attributes_count bigint, dropped_events_count bigint, "
    "dropped_links_count bigint"),
    "start_time_unix_nano", "otel_spans_fact_span_pk_seq")
EVENTS = Table("otel_span_events", _columns(
    "span_pk bigint, event_index integer, start_time_unix_nano bigint, time_unix_nano bigint, "
    "name text, dropped_attributes_count bigint"),
    "start_time_unix_nano", parent=SPANS.name)
LINKS = Table("otel_span_links", _columns(
    "span_pk bigint, link_index integer, start_time_unix_nano bigint, linked_trace_id bytea, "
    "linked_span_id bytea, trace_state text, flags bigint, dropped_attributes_count bigint"),
    "start_time_unix_nano", parent=SPANS.name)
LOGS = Table("otel_logs_fact", _columns(
    "log_pk bigint, ts_unix_nano bigint, time_unix_nano bigint, "
    "observed_time_unix_nano bigint, severity_number integer, severity_text text, "
    "body_type_id smallint, body jsonb, trace_id bytea, span_id bytea, flags bigint, "
    "event_name text, resource_id bigint, scope_id bigint, dropped_attributes_count bigint, "
    "content_hash bytea"),
    "ts_unix_nano", "otel_logs_fact_log_pk_seq")
POINTS: dict[str, Table] = {
    kind.name: Table(kind.table, (
        *POINT_KEY,
        *_columns("start_time_unix_nano bigint, metric_id bigint, resource_id bigint, "
                  "scope_id bigint, attributes_hash bytea"),
        *kind.columns,
        *_columns("flags bigint, exemplars jsonb, content_hash bytea")),
        "time_unix_nano", f"{kind.table}_point_pk_seq")
    for kind in POINT_KINDS
}

OWNERS: tuple[Owner, ...] = (
    Owner("resource", _columns("resource_id bigint"), "otel_resources_dim", "RESOURCE"),
    Owner("scope", _columns("scope_id bigint"), "otel_scopes_dim", "SCOPE"),
    Owner("span", SPAN_KEY, SPANS.name, "SPAN", "start_time_unix_nano"),
    Owner("span_event", (SPAN_KEY[0], Column("event_index", INTEGER), SPAN_KEY[1]),
          EVENTS.name, "EVENT", "start_time_unix_nano"),
    Owner("span_link", (SPAN_KEY[0], Column("link_index", INTEGER), SPAN_KEY[1]),
          LINKS.name, "LINK", "start_time_unix_nano"),
    Owner("log", LOG_KEY, LOGS.name, "LOG", "ts_unix_nano"),
    *(Owner(kind.owner, POINT_KEY, kind.table, "METRIC", "time_unix_nano")
      for kind in POINT_KINDS),
)
OWNER = {owner.name: owner for owner in OWNERS}
DIMENSION_OWNERS = tuple(o for o in OWNERS if o.partition is None)  # resource, scope

SIGNALS: tuple[Signal, ...] = (
    Signal("traces", "spans", (SPANS, EVENTS, LINKS), ("span", "span_event", "span_link")),
    Signal("logs", "logs", (LOGS,), ("log",)),
    Signal("metrics", "metrics", tuple(POINTS.values()), tuple(k.owner for k in POINT_KINDS)),
)
SIGNAL = {signal.name: signal for signal in SIGNALS}


def owner_of(table: str) -> tuple[Owner, ...]:
    """The owners whose rows are rows of fact `table` (a point table owns one)."""
    return tuple(o for o in OWNERS if o.table == table)


def partitioned_tables() -> list[str]:
    """Every range-partitioned table: the facts, the metric rollups, the RED rollups of
    spans and the attribute key registry, the service graph's edges, waits and rollups,
    the hourly rollups of the RED and the edges,
    and the attribute tables of partitioned owners."""
    tables = [t.name for signal in SIGNALS for t in signal.tables]
    tables += ["otel_metrics_number_rollups", "otel_metrics_number_fine_rollups"]
    tables += ["otel_span_red_rollups", "otel_attribute_key_rollups"]
    tables += ["otel_service_edges", "otel_service_edge_waits", "otel_service_edge_rollups"]
    tables += ["otel_span_red_hour_rollups", "otel_service_edge_hour_rollups"]
    tables += [name for o in OWNERS if o.partition for name in o.attribute_tables]
    return tables
