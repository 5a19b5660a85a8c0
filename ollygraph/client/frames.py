"""GraphQL result nodes -> pandas DataFrames (and pyarrow Tables) with exact dtypes.

Timestamps are parsed from their RFC 3339 text to integer nanoseconds (never through a
float), BigInts from their decimal text to int64. pandas and pyarrow are imported only
here, and only when a frame is made, so the rest of the client works without them.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ollygraph.client import fields

INSTALL_HINT = "pip install 'ollygraph[client]'"

_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?"
    r"(?:(Z|z)|([+-])(\d{2}):(\d{2}))$")
_NAT = -(2**63)   # numpy's NaT as int64


def require(module: str) -> Any:
    """Import pandas or pyarrow, or say how to install them."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(
            f"ollygraph.client needs {module} for DataFrames and Arrow tables: "
            f"{INSTALL_HINT}") from exc


def unix_nano(text: str) -> int:
    """'2024-05-01T12:00:00.123456789Z' (any offset) -> Unix nanoseconds, exactly."""
    import calendar

    match = _RFC3339.match(text)
    if not match:
        raise ValueError(f"{text!r} is not an RFC 3339 timestamp")
    year, month, day, hh, mm, ss, fraction, _z, sign, oh, om = match.groups()
    seconds = calendar.timegm((int(year), int(month), int(day), int(hh), int(mm), int(ss)))
    if sign:
        offset = int(oh) * 3600 + int(om) * 60
        seconds -= offset if sign == "+" else -offset
    return seconds * 1_000_000_000 + int((fraction or "0").ljust(9, "0"))


def _times(values: list[Any]) -> Any:
    np, pd = require("numpy"), require("pandas")
    nanos = np.array([_NAT if v is None else unix_nano(v) for v in values], dtype="int64")
    return pd.Series(nanos.view("datetime64[ns]")).dt.tz_localize("UTC")


def _column(field: fields.Field, values: list[Any]) -> Any:
    pd = require("pandas")
    if field.kind == fields.TIME:
        return _times(values)
    if field.kind in (fields.BIGINT, fields.INT):
        ints = [None if v is None else int(v) for v in values]
        return pd.Series(ints, dtype="Int64" if field.nullable else "int64")
    if field.kind == fields.FLOAT:
        return pd.Series([float("nan") if v is None else float(v) for v in values],
                         dtype="float64")
    if field.kind == fields.BOOL:
        return pd.Series(values, dtype="boolean" if field.nullable else "bool")
    if field.kind == fields.STR:
        return _strings(values)
    return pd.Series(values, dtype="object")   # LIST, JSON: one Python value per row


def _strings(values: list[Any]) -> Any:
    """pandas' default string dtype: `str` from pandas 3 on, objects before."""
    pd = require("pandas")
    major = int(pd.__version__.split(".", 1)[0])
    return pd.Series(values, dtype="str" if major >= 3 else "object")


def _inferred(values: list[Any]) -> Any:
    """A flattened attribute's column: Int64 when every value is an integer (exact, with
    missing values), float64 for numbers, boolean for booleans, else objects."""
    pd = require("pandas")
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return pd.Series(values, dtype="boolean")
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        if all(-(2**63) <= v < 2**63 for v in present):
            return pd.Series(values, dtype="Int64")
    elif present and all(isinstance(v, (int, float)) and not isinstance(v, bool)
                         for v in present):
        return pd.Series([float("nan") if v is None else float(v) for v in values],
                         dtype="float64")
    if all(isinstance(v, str) for v in present):
        return _strings(values)
    return pd.Series(values, dtype="object")


def frame(nodes: list[dict[str, Any]], spec: tuple[fields.Field, ...],
          flatten: str | None = None, prefix: str = "attr.") -> Any:
    """A DataFrame with one column per field of `spec` (in order, named by the field's
    path) and one row per node. `flatten` names a JSON map field to spread into one
    column per key (`prefix` + key, sorted) in place of the map."""
    pd = require("pandas")
    columns: dict[str, Any] = {}
    for field in spec:
        values = [fields.value(node, field.path) for node in nodes]
        if field.path == flatten:
            keys = sorted({key for value in values for key in (value or {})})
            for key in keys:
                columns[prefix + key] = _inferred([(v or {}).get(key) for v in values])
            continue
        columns[field.path] = _column(field, values)
    return pd.DataFrame(columns, index=pd.RangeIndex(len(nodes)))


def stats_frame(stats: dict[str, Any], group_by: list[str], series: bool) -> Any:
    """A `Stats` answer as a DataFrame: a row per group (`series`: per group and bucket of
    `step`, oldest first), with a column per `groupBy` entry (its values' type inferred as
    for flattened attributes), `other` (the group of the groups beyond `first`), `time`
    (the bucket's start, with `series`) and a float64 column per measure, named as in
    `measures`. `attrs` holds `source`, `groupCount` and `truncated`."""
    pd = require("pandas")
    measures = stats["measures"]
    fixed = ["other", "time"] if series else ["other"]
    clash = (set(group_by) & {*fixed, *measures}) | (set(fixed) & set(measures))
    if clash:
        raise ValueError(f"column names used twice: {sorted(clash)}; name the measures "
                         "otherwise ({'op': ..., 'name': ...})")
    rows = [(group, point) for group in stats["groups"]
            for point in (group["series"] if series else [group])]
    columns: dict[str, Any] = {}
    for key in group_by:
        columns[key] = _inferred([group["key"].get(key) for group, _ in rows])
    columns["other"] = pd.Series([group["other"] for group, _ in rows], dtype="bool")
    if series:
        columns["time"] = _times([point["time"] for _, point in rows])
    for i, name in enumerate(measures):
        columns[name] = _column(fields.Field(name, fields.FLOAT, nullable=True),
                                [point["values"][i] for _, point in rows])
    df = pd.DataFrame(columns, index=pd.RangeIndex(len(rows)))
    df.attrs.update(source=stats["source"], groupCount=stats["groupCount"],
                    truncated=stats["truncated"])
    return df


def to_arrow(df: Any) -> Any:
    """The frame as a pyarrow Table: timestamp[ns, UTC], int64, float64 and string columns
    as they are, lists of strings as list<string>, and any other Python values (attribute
    maps, log bodies, mixed values) as their JSON text."""
    pa = require("pyarrow")
    df = df.copy()
    for name in df.columns:
        if df[name].dtype == "object":
            df[name] = _arrow_values(list(df[name]))
    return pa.Table.from_pandas(df, preserve_index=False)


def _arrow_values(values: list[Any]) -> list[Any]:
    present = [v for v in values if v is not None]
    if all(isinstance(v, str) for v in present):
        return values
    if all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in present):
        return values
    return [None if v is None else json.dumps(v, sort_keys=True) for v in values]
