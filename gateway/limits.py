"""Bounded input: caps on what a GraphQL request may carry, checked before any SQL.

- the request body: at most `max_body_bytes` (OLLYGRAPH_MAX_BODY_BYTES, 1 MiB), else 413;
  a JSON body (or a GET's `variables`) nested deeper than `MAX_BODY_DEPTH`, or not JSON,
  gets 400; both answer a GraphQL error with extensions.code BAD_USER_INPUT;
- argument values, literal or from variables (`check_arguments`, called by gateway.cost
  for every field of the query): at most `MAX_ATTRIBUTE_FILTERS` attribute filters in a
  list, `MAX_IN_VALUES` values of an IN / NOT_IN filter, `MAX_LIST_ITEMS` items in any
  other list, no negative `first`, strings of at most `MAX_STRING_CHARS` characters
  without NUL, JSON values nested at most `MAX_JSON_DEPTH` deep, `timeRange.last` a
  duration of at most 100 years.

The query text itself is bounded by the token limit of gateway.schema.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

import orjson
from graphql import (
    GraphQLInputObjectType,
    GraphQLScalarType,
    Undefined,
    get_named_type,
    is_list_type,
    is_non_null_type,
)

from gateway import errors
from ollygraph import settings as core_settings

DEFAULT_MAX_BODY_BYTES = core_settings.Settings().max_body_bytes
MAX_BODY_DEPTH = 64
MAX_ATTRIBUTE_FILTERS = 50
MAX_IN_VALUES = 1000
MAX_LIST_ITEMS = 1000
MAX_STRING_CHARS = 10_000
MAX_JSON_DEPTH = 32


def _too_many(where: str, count: int, cap: int, what: str) -> errors.UserError:
    return errors.UserError(f"{where}: {count:,} {what}, more than the limit of {cap:,}",
                            limit=cap)


def check_arguments(field_def: Any, args: dict[str, Any], where: str) -> None:
    """A UserError for the first argument value over a cap (see the module doc)."""
    for name, value in args.items():
        if name == "first" and isinstance(value, int) and value < 0:
            raise errors.UserError(f"{where}: `first` must not be negative")
        arg = field_def.args.get(name)
        if arg is not None:
            _check(value, arg.type, f"{where}({name})")


def _check(value: Any, type_: Any, where: str) -> None:
    if value is None or value is Undefined:
        return
    if is_non_null_type(type_):
        type_ = type_.of_type
    if is_list_type(type_):
        items = value if isinstance(value, list) else [value]
        item_type = get_named_type(type_)
        if item_type.name == "AttributeFilter":
            cap, what = MAX_ATTRIBUTE_FILTERS, "attribute filters"
        elif where.endswith(".values"):
            cap, what = MAX_IN_VALUES, "values"
        else:
            cap, what = MAX_LIST_ITEMS, "items"
        if len(items) > cap:
            raise _too_many(where, len(items), cap, what)
        for index, item in enumerate(items):
            _check(item, type_.of_type, f"{where}[{index}]")
    elif isinstance(type_, GraphQLInputObjectType):
        if isinstance(value, dict):
            for name, field in type_.fields.items():
                if name in value:
                    _check(value[name], field.type, f"{where}.{name}")
            if type_.name == "TimeRange" and isinstance(value.get("last"), str):
                try:
                    core_settings.parse_duration(value["last"])
                except ValueError as exc:
                    raise errors.UserError(f"{where}.last: {exc}") from None
    elif isinstance(type_, GraphQLScalarType):
        if type_.name == "JSON":
            check_json(value, where)
        elif isinstance(value, str):
            _check_string(value, where)


def _check_string(value: str, where: str) -> None:
    if len(value) > MAX_STRING_CHARS:
        raise errors.UserError(f"{where}: a string of {len(value):,} characters, more than "
                               f"the limit of {MAX_STRING_CHARS:,}", limit=MAX_STRING_CHARS)
    if "\x00" in value:
        raise errors.UserError(f"{where}: text must not contain NUL (\\u0000) characters")


def check_json(value: Any, where: str, max_depth: int = MAX_JSON_DEPTH,
               strings: bool = True) -> None:
    """A UserError when the JSON `value` nests deeper than `max_depth` or (`strings`) has
    a bad string; iterative, so any depth is safe to look at."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > max_depth:
                raise errors.UserError(f"{where}: a JSON value nested more than {max_depth} "
                                       "levels deep", limit=max_depth)
            children = item.items() if isinstance(item, dict) else enumerate(item)
            for key, child in children:
                if strings and isinstance(key, str):
                    _check_string(key, where)
                stack.append((child, depth + 1))
        elif strings and isinstance(item, str):
            _check_string(item, where)


Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


class BoundedBody:
    """ASGI middleware for the GraphQL endpoint: refuses a body over `max_bytes` (413) and
    a JSON body or GET `variables` that is not JSON or nests deeper than MAX_BODY_DEPTH
    (400), before the GraphQL server parses it; passes the body it read on."""

    def __init__(self, app: Any, max_bytes: int = DEFAULT_MAX_BODY_BYTES) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] == "GET":
            variables = parse_qs(scope.get("query_string", b"").decode("latin-1")).get(
                "variables")
            problem = _json_problem(variables[0].encode()) if variables else None
            if problem is not None:
                await _refuse(send, 400, problem)
                return
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or ())
        length = headers.get(b"content-length", b"")
        if length.isdigit() and int(length) > self.max_bytes:
            await _refuse(send, 413, self._too_large())
            return
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await _refuse(send, 413, self._too_large())
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if b"json" in headers.get(b"content-type", b""):
            problem = _json_problem(body)
            if problem is not None:
                await _refuse(send, 400, problem)
                return
        sent = False

        async def replay() -> dict[str, Any]:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    def _too_large(self) -> str:
        return (f"the request body is larger than the limit of {self.max_bytes:,} bytes "
                "(OLLYGRAPH_MAX_BODY_BYTES); send fewer or smaller variables")


def _json_problem(data: bytes) -> str | None:
    """Why `data` is not acceptable JSON, or None."""
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        if "depth" in str(exc) or "recursion" in str(exc):
            return f"the request's JSON is nested more than {MAX_BODY_DEPTH} levels deep"
        return f"the request body is not valid JSON: {exc}"
    try:
        check_json(value, "the request", max_depth=MAX_BODY_DEPTH, strings=False)
    except errors.UserError as exc:
        return str(exc)
    return None


async def _refuse(send: Send, status: int, message: str) -> None:
    body = orjson.dumps({"data": None, "errors": [
        {"message": message, "extensions": {"code": errors.BAD_USER_INPUT}}]})
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
