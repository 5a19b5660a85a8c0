"""Typed views of a span's attributes for the common semantic conventions.

Each view reads the current attribute names first and the older ones after. Whether a
span has a view is gateway.semantic's decision (`VIEWS`), not the view's: a view is
non-null whenever the span has one of its semantic types, also when it has others. The
exception view reads the span's `exception` events instead of its attributes.
"""

from __future__ import annotations

import json
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


def _bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


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


@strawberry.type
class MessagingView:
    system: str | None
    operation: str | None
    operation_type: str | None
    destination: str | None
    message_id: str | None
    conversation_id: str | None
    batch_message_count: scalars.BigInt | None
    consumer_group: str | None
    body_size: scalars.BigInt | None
    client_id: str | None


@strawberry.type
class RpcView:
    system: str | None
    service: str | None
    method: str | None
    grpc_status_code: int | None
    server_address: str | None
    server_port: int | None
    jsonrpc_error_code: int | None
    jsonrpc_error_message: str | None


@strawberry.type
class FaasView:
    trigger: str | None
    invocation_id: str | None
    coldstart: bool | None
    invoked_name: str | None
    invoked_provider: str | None
    invoked_region: str | None
    cron: str | None
    document_collection: str | None
    document_operation: str | None


@strawberry.type
class CloudView:
    provider: str | None = strawberry.field(
        description="cloud.provider, else aws / gcp / azure from the span's semantic type.")
    region: str | None
    account_id: str | None
    availability_zone: str | None
    platform: str | None
    resource_id: str | None
    request_id: str | None = strawberry.field(
        description="aws.request_id or az.service_request_id.")
    service: str | None = strawberry.field(
        description="gcp.client.service, az.namespace, or rpc.service of an AWS SDK call.")


@strawberry.type
class ExceptionView:
    type: str | None
    message: str | None
    stacktrace: str | None
    escaped: bool | None
    time: scalars.Timestamp
    time_unix_nano: scalars.BigInt


@strawberry.type(description="Junjo workflow attributes of a span (seed 004).")
class WorkflowView:
    span_type: str | None = strawberry.field(
        description="junjo.span_type: workflow, subflow, node, run_concurrent ...")
    junjo_id: str | None = strawberry.field(description="junjo.id: the workflow, subflow or "
                                                        "node id, by spanType.")
    workflow_id: str | None = strawberry.field(
        description="junjo.workflow_id, else junjo.id of a workflow or subflow span.")
    node_id: str | None = strawberry.field(description="node.id, else junjo.id of a node span.")
    parent_id: str | None = strawberry.field(description="junjo.parent_id.")
    store_id: str | None = strawberry.field(description="junjo.workflow.store.id.")
    start_state: scalars.JSON | None = strawberry.field(
        description="junjo.workflow.state.start, parsed.")
    end_state: scalars.JSON | None = strawberry.field(
        description="junjo.workflow.state.end, parsed.")
    graph_structure: scalars.JSON | None = strawberry.field(
        description="junjo.workflow.graph_structure, parsed.")


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


def messaging(a: dict[str, Any]) -> MessagingView:
    f = attributes.first
    return MessagingView(
        system=_text(f(a, "messaging.system")),
        operation=_text(f(a, "messaging.operation.name", "messaging.operation")),
        operation_type=_text(f(a, "messaging.operation.type")),
        destination=_text(f(a, "messaging.destination.name", "messaging.destination")),
        message_id=_text(f(a, "messaging.message.id", "messaging.message_id")),
        conversation_id=_text(f(a, "messaging.message.conversation_id")),
        batch_message_count=_bigint(f(a, "messaging.batch.message_count")),
        consumer_group=_text(f(a, "messaging.consumer.group.name",
                               "messaging.kafka.consumer.group")),
        body_size=_bigint(f(a, "messaging.message.body.size",
                            "messaging.message_payload_size_bytes")),
        client_id=_text(f(a, "messaging.client.id", "messaging.client_id")))


def rpc(a: dict[str, Any]) -> RpcView:
    f = attributes.first
    return RpcView(
        system=_text(f(a, "rpc.system.name", "rpc.system")),
        service=_text(f(a, "rpc.service")),
        method=_text(f(a, "rpc.method")),
        grpc_status_code=_int32(f(a, "rpc.grpc.status_code")),
        server_address=_text(f(a, "server.address", "net.peer.name")),
        server_port=_int32(f(a, "server.port", "net.peer.port")),
        jsonrpc_error_code=_int32(f(a, "rpc.jsonrpc.error_code")),
        jsonrpc_error_message=_text(f(a, "rpc.jsonrpc.error_message")))


def faas(a: dict[str, Any]) -> FaasView:
    f = attributes.first
    return FaasView(
        trigger=_text(f(a, "faas.trigger")),
        invocation_id=_text(f(a, "faas.invocation_id", "faas.execution")),
        coldstart=_bool(f(a, "faas.coldstart")),
        invoked_name=_text(f(a, "faas.invoked_name")),
        invoked_provider=_text(f(a, "faas.invoked_provider")),
        invoked_region=_text(f(a, "faas.invoked_region")),
        cron=_text(f(a, "faas.cron")),
        document_collection=_text(f(a, "faas.document.collection")),
        document_operation=_text(f(a, "faas.document.operation")))


_PROVIDERS = (("aws.", "aws"), ("gcp.", "gcp"), ("az.", "azure"))


def cloud(a: dict[str, Any]) -> CloudView:
    f = attributes.first
    provider = _text(f(a, "cloud.provider")) or next(
        (name for prefix, name in _PROVIDERS if any(k.startswith(prefix) for k in a)), None)
    service = f(a, "gcp.client.service", "az.namespace")
    if service is None and f(a, "rpc.system") == "aws-api":
        service = f(a, "rpc.service")
    return CloudView(
        provider=provider,
        region=_text(f(a, "cloud.region", "aws.region")),
        account_id=_text(f(a, "cloud.account.id")),
        availability_zone=_text(f(a, "cloud.availability_zone")),
        platform=_text(f(a, "cloud.platform")),
        resource_id=_text(f(a, "cloud.resource_id", "aws.lambda.invoked_arn")),
        request_id=_text(f(a, "aws.request_id", "az.service_request_id")),
        service=_text(service))


def exception(event: Any) -> ExceptionView:
    """The view of one `exception` span event (a gateway.traces.types.SpanEvent)."""
    f, a = attributes.first, event.attrs
    return ExceptionView(
        type=_text(f(a, "exception.type")), message=_text(f(a, "exception.message")),
        stacktrace=_text(f(a, "exception.stacktrace")),
        escaped=_bool(f(a, "exception.escaped")),
        time=event.time, time_unix_nano=event.time_unix_nano)


WORKFLOW_KEYS = ("junjo.", "node.id")
RUN_TYPES = ("workflow", "subflow")


def _json(value: Any) -> Any:
    """A JSON document stored as a string attribute (as Junjo sends it), parsed."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def workflow(a: dict[str, Any]) -> WorkflowView | None:
    """The Junjo view of a span's attributes; None without a junjo.* or node.id key."""
    if not any(key.startswith(WORKFLOW_KEYS) for key in a):
        return None
    f = attributes.first
    span_type, junjo_id = _text(f(a, "junjo.span_type")), _text(f(a, "junjo.id"))
    return WorkflowView(
        span_type=span_type, junjo_id=junjo_id,
        workflow_id=_text(f(a, "junjo.workflow_id")) or (
            junjo_id if span_type in RUN_TYPES else None),
        node_id=_text(f(a, "node.id")) or (junjo_id if span_type == "node" else None),
        parent_id=_text(f(a, "junjo.parent_id")),
        store_id=_text(f(a, "junjo.workflow.store.id")),
        start_state=_json(f(a, "junjo.workflow.state.start")),
        end_state=_json(f(a, "junjo.workflow.state.end")),
        graph_structure=_json(f(a, "junjo.workflow.graph_structure")))
