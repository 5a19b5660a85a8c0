"""Plans of the direct executor (gateway.execution): how one field of one request
resolves without Strawberry's per-field layers, or None where only the generic path is
right (field extensions, root/parent parameters, exception handlers). Arguments are
converted by Strawberry's own `convert_arguments`, once per request and field. The
resolver call (`Plan.resolve`, made by `resolver`) and the non-null error
(`non_null_error`) are written here once for every path of the executor."""

from __future__ import annotations

import functools
import inspect
import operator
from collections.abc import Callable
from typing import Any, NamedTuple

from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLID,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLString,
    Undefined,
)
from graphql.execution.values import get_argument_values
from strawberry.types.arguments import convert_arguments

DEFINITION = "strawberry-definition"


class Plan(NamedTuple):
    """How to resolve one field of one request directly."""

    resolve: Callable[..., Any]  # resolve(source), or resolve(source, info): see `resolver`
    wants_info: bool  # the resolver takes an info
    leaf: GraphQLLeafType | None  # the named leaf type, when the result is a scalar/enum
    non_null: bool
    field: Any  # the StrawberryField
    field_def: Any  # the GraphQLField
    objects: Objects | None  # set when the executor completes an object result itself
    own: tuple[type, ...]  # result types that are their own output (str for String, ...)
    sync: bool  # the resolver is not a coroutine function (its call awaits nothing)


def _static_plan(field_def: Any) -> tuple[Any, ...] | None:
    """The request-independent part of a field's plan, or None for the generic path."""
    field = (field_def.extensions or {}).get(DEFINITION)
    if field is None or field.extensions:
        return None
    resolver = field.base_resolver
    info_name, info_second = None, False
    if resolver is not None:
        if (resolver.self_parameter is None or resolver.root_parameter is not None
                or resolver.parent_parameter is not None):
            return None
        info = resolver.info_parameter
        if info is not None:
            info_name = info.name
            parameters = list(resolver.signature.parameters.values())
            info_second = (len(parameters) > 1 and parameters[1].name == info_name
                           and info.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD)
        function = resolver._unbound_wrapped_func
        if not callable(function):
            return None
    else:
        function = None
    return_type = field_def.type
    non_null = isinstance(return_type, GraphQLNonNull)
    named = return_type.of_type if non_null else return_type
    leaf = _FastEnum(named) if isinstance(named, GraphQLEnumType) else (
        named if isinstance(named, GraphQLLeafType) else None)
    return (function, field.python_name, bool(field.arguments), info_name, info_second, leaf,
            non_null, field, _objects(named), not inspect.iscoroutinefunction(function))


def resolver(function: Any, name: str, kwargs: dict[str, Any], info_name: str | None,
             info_second: bool) -> Callable[..., Any]:
    """The one call of a field's resolver, made once per request and field:
    `resolve(source)`, or `resolve(source, info)` when the resolver takes an info. A C
    callable (attrgetter, the function itself, a partial with the arguments) wherever
    the signature allows, because the column path maps it over every item: no frame of
    ours between the executor and the resolver. Only an info parameter that is not the
    second one (after self) costs a closure."""
    if function is None:
        return operator.attrgetter(name)
    if info_name is None or info_second:
        return functools.partial(function, **kwargs) if kwargs else function

    def resolve(source: Any, info: Any) -> Any:
        return function(source, **kwargs, **{info_name: info})

    return resolve


class _FastEnum:
    """An enum type's output coercion by a dict lookup of the member (Strawberry's
    compares the member's value with each of the type's values)."""

    def __init__(self, enum_type: GraphQLEnumType) -> None:
        self.name = enum_type.name
        self.slow = enum_type.coerce_output_value
        self.names: dict[Any, str] = {}
        wrapped = getattr(enum_type, "wrapped_cls", None)
        for name, value in enum_type.values.items():
            member = value.value
            if wrapped is not None:
                try:
                    member = wrapped(value.value)
                except ValueError:
                    continue
            self.names.setdefault(member, name)

    def coerce_output_value(self, value: Any) -> Any:
        try:
            name = self.names.get(value)
        except TypeError:  # unhashable
            name = None
        return name if name is not None else self.slow(value)


# graphql-core outputs these values as they are (Int and Float check ranges, so not them)
_OWN: dict[Any, tuple[type, ...]] = {GraphQLString: (str,), GraphQLID: (str,),
                                     GraphQLBoolean: (bool,)}

# id(GraphQLField) -> (the field, kept alive so that its id is not reused; its static plan)
_STATIC: dict[int, tuple[Any, tuple[Any, ...] | None]] = {}


class Objects(NamedTuple):
    """An object or list-of-objects result that the executor completes itself."""

    type: GraphQLObjectType
    is_list: bool
    item_type: Any  # the list's item type as declared (maybe non-null)
    item_non_null: bool


def _objects(named: Any) -> Objects | None:
    if isinstance(named, GraphQLObjectType) and named.is_type_of is None:
        return Objects(named, False, None, False)
    if isinstance(named, GraphQLList):
        item = named.of_type
        inner = item.of_type if isinstance(item, GraphQLNonNull) else item
        if isinstance(inner, GraphQLObjectType) and inner.is_type_of is None:
            return Objects(inner, True, item, isinstance(item, GraphQLNonNull))
    return None


def plan(executor: Any, parent_type: GraphQLObjectType, field_details_list: Any) -> Plan | None:
    """The plan of a field in one request (argument values are the request's)."""
    details = field_details_list[0]
    node = details.node
    field_def = executor.schema.get_field(parent_type, node.name.value)
    if field_def is None:
        return None
    entry = _STATIC.get(id(field_def))
    if entry is None:
        entry = _STATIC[id(field_def)] = (field_def, _static_plan(field_def))
    static = entry[1]
    if static is None:
        return None
    (function, name, has_arguments, info_name, info_second, leaf, non_null, field, objects,
     sync) = static
    strawberry_schema = executor.schema._strawberry_schema
    if strawberry_schema.exception_handlers:
        return None
    try:
        args = get_argument_values(
            field_def, node, executor.variable_values, details.fragment_variable_values,
            executor.hide_suggestions) if has_arguments or node.arguments else {}
        kwargs = convert_arguments(
            args, field.arguments, config=strawberry_schema.config,
            scalar_registry=strawberry_schema.schema_converter.scalar_registry) if args else {}
    except Exception:  # graphql-core's path reports it where it belongs
        return None
    if objects is not None and any(d.name.value == "stream" for fd in field_details_list
                                   for d in fd.node.directives or ()):
        objects = None  # incremental delivery: graphql-core's list completion
    return Plan(resolver(function, name, kwargs, info_name, info_second), info_name is not None,
                leaf, non_null, field, field_def, objects, _OWN.get(leaf, ()), sync)


def non_null_error(parent_type: GraphQLObjectType, field_details_list: Any) -> TypeError:
    """graphql-core's error for a null where the field's type (or its list's item type)
    forbids one."""
    return TypeError("Cannot return null for non-nullable field"
                     f" {parent_type.name}.{field_details_list[0].node.name.value}.")


def leaf(plan: Plan, result: Any, field_details_list: Any,
          parent_type: GraphQLObjectType) -> Any:
    """A scalar or enum result completed as graphql-core does (errors raised)."""
    if result is None or result is Undefined:
        if plan.non_null:
            raise non_null_error(parent_type, field_details_list)
        return None
    coerced = plan.leaf.coerce_output_value(result)
    if coerced is Undefined or coerced is None:
        raise TypeError(f"Expected `{plan.leaf.name}.coerce_output_value({result!r})` to"
                        " return non-nullable value")
    return coerced
