"""Typed views of a span's attributes for the common semantic conventions.

Each view reads the current attribute names first and the older ones after, and is
null for spans of another semantic type.
"""

from __future__ import annotations

from typing import Any

import strawberry

from gateway import attributes, scalars


def _int32(value: Any) -> int | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = int(value)
        return number if -(2**31) <= number < 2**31 else None
    return None


def _bigint(value: Any) -> int | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return None


def _float(value: Any) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


@strawberry.type
class HttpView:
    method: str | None
    route: str | None
    url: str | None
    status_code: int | None
    scheme: str | None
    server_address: str | None
    user_agent: str | None


@strawberry.type
class DbView:
    system: str | None
    namespace: str | None
    operation: str | None
    collection: str | None
    statement: str | None


@strawberry.type
class GenAiView:
    system: str | None
    operation: str | None
    agent_name: str | None
    request_model: str | None
    response_model: str | None
    input_tokens: scalars.BigInt | None
    output_tokens: scalars.BigInt | None
    total_tokens: scalars.BigInt | None
    cost: float | None
    temperature: float | None
    max_tokens: scalars.BigInt | None
    finish_reasons: list[str] | None
    response_id: str | None


def http(a: dict[str, Any]) -> HttpView:
    f = attributes.first
    return HttpView(
        method=_text(f(a, "http.request.method", "http.method")),
        route=_text(f(a, "http.route")),
        url=_text(f(a, "url.full", "http.url", "url.path", "http.target")),
        status_code=_int32(f(a, "http.response.status_code", "http.status_code")),
        scheme=_text(f(a, "url.scheme", "http.scheme")),
        server_address=_text(f(a, "server.address", "net.host.name", "net.peer.name")),
        user_agent=_text(f(a, "user_agent.original", "http.user_agent")))


def db(a: dict[str, Any]) -> DbView:
    f = attributes.first
    return DbView(
        system=_text(f(a, "db.system.name", "db.system")),
        namespace=_text(f(a, "db.namespace", "db.name")),
        operation=_text(f(a, "db.operation.name", "db.operation")),
        collection=_text(f(a, "db.collection.name", "db.sql.table", "db.mongodb.collection")),
        statement=_text(f(a, "db.query.text", "db.statement")))


def gen_ai(a: dict[str, Any]) -> GenAiView:
    f = attributes.first
    inputs = _bigint(f(a, "gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens",
                       "llm.usage.prompt_tokens", "llm.token_count.prompt"))
    outputs = _bigint(f(a, "gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens",
                        "llm.usage.completion_tokens", "llm.token_count.completion"))
    total = _bigint(f(a, "gen_ai.usage.total_tokens", "llm.usage.total_tokens",
                      "llm.token_count.total"))
    if total is None and inputs is not None and outputs is not None:
        total = inputs + outputs
    reasons = f(a, "gen_ai.response.finish_reasons")
    return GenAiView(
        system=_text(f(a, "gen_ai.provider.name", "gen_ai.system", "llm.vendor", "llm.system")),
        operation=_text(f(a, "gen_ai.operation.name")),
        agent_name=_text(f(a, "gen_ai.agent.name")),
        request_model=_text(f(a, "gen_ai.request.model", "llm.request.model", "llm.model_name")),
        response_model=_text(f(a, "gen_ai.response.model", "llm.response.model")),
        input_tokens=inputs, output_tokens=outputs, total_tokens=total,
        cost=_float(f(a, "gen_ai.usage.cost", "gen_ai.cost", "llm.usage.cost", "llm.cost")),
        temperature=_float(f(a, "gen_ai.request.temperature", "llm.request.temperature")),
        max_tokens=_bigint(f(a, "gen_ai.request.max_tokens", "llm.request.max_tokens")),
        finish_reasons=[str(r) for r in reasons] if isinstance(reasons, list) else (
            [str(reasons)] if reasons is not None else None),
        response_id=_text(f(a, "gen_ai.response.id")))
