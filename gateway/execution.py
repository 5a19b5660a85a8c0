"""A graphql-core executor that calls plain resolvers directly.

Strawberry wraps every resolver in layers (Info object, argument conversion, field
extensions) that cost microseconds per field; a trace with 500 spans and their logs
has thousands of fields. For a field with a plan (gateway.plans: no field extensions, a
resolver that is a method of the source object or none), `DirectExecutor` converts the
argument values once per request and field, calls the method itself (`plan.resolve`,
from execute_fields for one source, from the column path for many), completes scalar
and enum results inline and object results (and lists of them) without graphql-core's
generic dispatch. A list of objects is completed column by column: each field's
resolver is called for all items in one pass, and the objects below them (a span's
status, its events) in one batch per field. Everything else (middleware, exception
handlers, abstract types, @defer/@stream, an error or an awaitable inside a list, the
serially executed top level of a mutation) takes graphql-core's own path; results and
errors are the same.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from typing import Any

import strawberry
from graphql import GraphQLObjectType, Undefined
from graphql.pyutils import Path, gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from gateway import plans
from gateway.plans import Plan


class DirectExecutor(StrawberryGraphQLCoreExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plans: dict[int, tuple[Any, Plan | None]] = {}
        self._steps_of: dict[int, tuple[Any, list[Any]]] = {}

    def _plan(self, parent_type: GraphQLObjectType, field_details_list: Any) -> Plan | None:
        cached = self._plans.get(id(field_details_list))
        if cached is not None:
            return cached[1]
        plan = None
        # a subscription's root field resolves to the event (graphql-core's own resolver),
        # not by calling the field's subscribe resolver again
        if not _has_middleware(self.middleware_manager) and \
                parent_type is not self.schema.subscription_type:
            plan = plans.plan(self, parent_type, field_details_list)
        # keep the list alive with its plan, so that its id is not reused in this request
        self._plans[id(field_details_list)] = (field_details_list, plan)
        return plan

    def build_response(self, data: Any) -> Any:
        """graphql-core's, then the executor's reference cycle (async_helpers holds its
        bound methods) broken once no work is left: without that, the request's context,
        loaders, rows and objects stayed garbage for the collector (~6,000 objects per
        500-span trace) instead of being freed as the request ends."""
        response = super().build_response(data)
        if not self.background_futures:
            self.async_helpers = None
        return response

    def _steps(self, parent_type: GraphQLObjectType, grouped_field_set: Any) -> list[Any]:
        """(response name, field details, plan) for each field of a selection."""
        cached = self._steps_of.get(id(grouped_field_set))
        if cached is None:
            steps = [(response_name, field_details_list,
                      self._plan(parent_type, field_details_list))
                     for response_name, field_details_list in grouped_field_set.items()]
            cached = self._steps_of[id(grouped_field_set)] = (grouped_field_set, steps)
        return cached[1]

    def execute_fields(self, parent_type: GraphQLObjectType, source_value: Any, path: Any,
                       grouped_field_set: Any, position_context: Any) -> Any:
        """As graphql-core's, with the fields that have a plan resolved here: the one
        place a plan's resolver is called on one source (the column path calls the same
        `plan.resolve` on many). Scalars complete inline, without a Path of their own."""
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaitable_fields: list[str] = []
        try:
            for response_name, field_details_list, plan in self._steps(parent_type,
                                                                       grouped_field_set):
                if plan is None:
                    result = self.execute_field(parent_type, source_value, field_details_list,
                                                Path(path, response_name, parent_type.name),
                                                position_context)
                    if result is Undefined:
                        continue
                else:
                    info = None
                    try:
                        if plan.wants_info:
                            info = LazyInfo(self, plan, parent_type, field_details_list, path,
                                            response_name)
                            value = plan.resolve(source_value, info)
                        else:
                            value = plan.resolve(source_value)
                        if type(value) in plan.own:
                            results[response_name] = value
                            continue
                        if plan.leaf is not None and not is_awaitable(value):
                            results[response_name] = plans.leaf(plan, value, field_details_list,
                                                                parent_type)
                            continue
                        result = self._resolved(plan, parent_type, field_details_list, path,
                                                response_name, info, value, position_context)
                    except Exception as raw_error:
                        self.handle_field_error(raw_error, plan.field_def.type,
                                                field_details_list,
                                                Path(path, response_name, parent_type.name))
                        results[response_name] = None
                        continue
                results[response_name] = result
                if is_awaitable(result):
                    awaitable_fields.append(response_name)
        except Exception:
            if awaitable_fields:
                self.settle_in_background([results[name] for name in awaitable_fields])
            raise
        if not awaitable_fields:
            return results

        async def get_results() -> dict[str, Any]:
            if len(awaitable_fields) == 1:
                name = awaitable_fields[0]
                results[name] = await results[name]
            else:
                awaited = await gather_with_cancel(*(results[n] for n in awaitable_fields))
                results.update(zip(awaitable_fields, awaited, strict=True))
            return results

        return get_results()

    def _resolved(self, plan: Plan, parent_type: GraphQLObjectType, field_details_list: Any,
                  parent_path: Any, response_name: str, info: LazyInfo | None, value: Any,
                  position_context: Any) -> Any:
        """The completion of a resolved value other than a present scalar: objects (and
        lists of them) by `_objects`, the rest by graphql-core. Errors of `_objects`
        raise (the field's); graphql-core's completion reports its own."""
        path = Path(parent_path, response_name, parent_type.name) if info is None else info.path
        if plan.objects is not None:
            if not self.is_awaitable(value):
                return self._awaited(
                    self._objects(plan, parent_type, field_details_list, path, value,
                                  position_context),
                    plan.field_def.type, field_details_list, path)
            if self.abort_signal is None:
                return self._objects_later(plan, parent_type, field_details_list, path, value,
                                           position_context)
        if info is None:
            info = LazyInfo(self, plan, parent_type, field_details_list, parent_path,
                            response_name, path)
        return self._complete(info._raw_info, field_details_list, path, value,
                              position_context)

    def _objects(self, plan: Plan, parent_type: GraphQLObjectType, field_details_list: Any,
                 path: Any, result: Any, position_context: Any) -> Any:
        """An object result, or a list of them, completed as graphql-core does: maybe
        awaitable; a raised error (or one the awaitable raises) is the field's."""
        objects = plan.objects
        if result is None or result is Undefined:
            if plan.non_null:
                raise plans.non_null_error(parent_type, field_details_list)
            return None
        if not objects.is_list:
            return self.collect_and_execute_subfields(objects.type, field_details_list, path,
                                                      result, position_context)
        if not isinstance(result, (list, tuple)) or any(map(self.is_awaitable, result)):
            info = LazyInfo(self, plan, parent_type, field_details_list, path.prev, path.key,
                            path)
            return self.complete_value(plan.field_def.type, field_details_list,
                                       info._raw_info, path, result, position_context)
        if position_context is None and not any(item is None for item in result):
            completed = self._columns(objects.type, field_details_list, result,
                                      lambda: [path.add_key(i, None) for i in range(len(result))])
            if completed is not None:
                return completed
        completed: list[Any] = []
        pending: list[int] = []
        for index, item in enumerate(result):
            item_path = path.add_key(index, None)
            try:
                if item is None:
                    if objects.item_non_null:
                        raise plans.non_null_error(parent_type, field_details_list)
                    completed.append(None)
                    continue
                value = self.collect_and_execute_subfields(
                    objects.type, field_details_list, item_path, item, position_context)
            except Exception as raw_error:
                try:
                    self.handle_field_error(raw_error, objects.item_type, field_details_list,
                                            item_path)
                except Exception:  # the null bubbles up: earlier items still settle
                    if pending:
                        self.settle_in_background([completed[i] for i in pending])
                    raise
                completed.append(None)
                continue
            if self.is_awaitable(value):
                value = self._awaited(value, objects.item_type, field_details_list, item_path)
                pending.append(index)
            completed.append(value)
        if not pending:
            return completed

        async def settle() -> list[Any]:
            values = await gather_with_cancel(*(completed[i] for i in pending))
            for index, value in zip(pending, values, strict=True):
                completed[index] = value
            return completed

        return settle()

    def _columns(self, object_type: GraphQLObjectType, field_details_list: Any,
                 items: Sequence[Any], paths: Callable[[], list[Path]]) -> list[Any] | None:
        """`items` (objects of `object_type`, none null) completed field by field across
        all of them: one resolver call per item and field in a comprehension, objects
        below (a span's status, its events) completed the same way in one batch. None
        when the per-item path must do it: a field without a plan, an awaitable, an
        error or a null where the type forbids one (that path reports it where it
        belongs; resolvers read loaded rows, so calling them again is harmless).
        `paths()`: the items' paths, built only for resolvers that take an info."""
        grouped_field_set, new_defer_usages, _ = self.collect_subfields(object_type,
                                                                        field_details_list)
        if new_defer_usages:
            return None
        names: list[str] = []
        columns: list[list[Any]] = []
        item_paths: list[Path] | None = None
        for name, details, plan in self._steps(object_type, grouped_field_set):
            if plan is None or not plan.sync:
                return None
            resolve = plan.resolve
            values: list[Any] = []
            try:
                if not plan.wants_info:
                    values = list(map(resolve, items))
                else:
                    if item_paths is None:
                        item_paths = paths()
                    values = [resolve(item, LazyInfo(self, plan, object_type, details,
                                                     item_path, name))
                              for item, item_path in zip(items, item_paths, strict=True)]
                if plan.leaf is not None:
                    column = _leaves(plan, values, self.is_awaitable, details,
                                     object_type)
                elif plan.objects is not None:
                    column = self._object_column(object_type, name, details, plan, values,
                                                 paths if item_paths is None
                                                 else lambda p=item_paths: p)
                else:
                    column = None
            except Exception:
                column = None
            if column is None:
                _close(values)
                return None
            names.append(name)
            columns.append(column)
        return [dict(zip(names, row)) for row in zip(*columns)]  # noqa: B905 (equal lengths)

    def _object_column(self, parent_type: GraphQLObjectType, name: str, details: Any,
                       plan: Plan, values: list[Any],
                       paths: Callable[[], list[Path]]) -> list[Any] | None:
        """The completed values of an object (or list of objects) field of many items."""
        objects = plan.objects
        typename = parent_type.name
        if not objects.is_list:
            if any(map(self.is_awaitable, values)):
                return None
            present = [v for v in values if v is not None and v is not Undefined]
            if len(present) < len(values) and plan.non_null:
                return None
            completed = self._columns(objects.type, details, present, lambda: [
                Path(p, name, typename) for p, v in zip(paths(), values, strict=True)
                if v is not None and v is not Undefined]) if present else []
            if completed is None:
                return None
            objects_of = iter(completed)
            return [None if v is None or v is Undefined else next(objects_of) for v in values]
        lengths: list[int | None] = []
        flat: list[Any] = []
        for value in values:
            if value is None or value is Undefined:
                if plan.non_null:
                    return None
                lengths.append(None)
            elif isinstance(value, (list, tuple)):
                lengths.append(len(value))
                flat.extend(value)
            else:
                return None
        if any(item is None or self.is_awaitable(item) for item in flat):
            return None
        completed = self._columns(objects.type, details, flat, lambda: [
            Path(Path(p, name, typename), i, None)
            for p, n in zip(paths(), lengths, strict=True) if n for i in range(n)]) \
            if flat else []
        if completed is None:
            return None
        column: list[Any] = []
        start = 0
        for n in lengths:
            if n is None:
                column.append(None)
            else:
                column.append(completed[start:start + n])
                start += n
        return column

    async def _objects_later(self, plan: Plan, parent_type: GraphQLObjectType,
                             field_details_list: Any, path: Any, result: Any,
                             position_context: Any) -> Any:
        """`_objects` of an awaited result (as graphql-core's complete_awaitable_value)."""
        try:
            completed = self._objects(plan, parent_type, field_details_list, path,
                                      await result, position_context)
            if self.is_awaitable(completed):
                completed = await completed
            return completed
        except Exception as raw_error:
            self.handle_field_error(raw_error, plan.field_def.type, field_details_list, path)
            return None

    def _awaited(self, value: Any, return_type: Any, field_details_list: Any,
                 path: Any) -> Any:
        """`value`, or when it is awaitable, one that reports its error at `path`."""
        if not self.is_awaitable(value):
            return value

        async def await_value() -> Any:
            try:
                return await value
            except Exception as raw_error:
                self.handle_field_error(raw_error, return_type, field_details_list, path)
                return None

        return await_value()

    def _complete(self, info: Any, field_details_list: Any, path: Any, result: Any,
                  position_context: Any) -> Any:
        """graphql-core's completion of a resolved value (as in Executor.execute_field)."""
        return_type = info.return_type
        try:
            if self.is_awaitable(result):
                return self.complete_awaitable_value(return_type, field_details_list, info,
                                                     path, result, position_context)
            completed = self.complete_value(return_type, field_details_list, info, path,
                                            result, position_context)
            return self._awaited(completed, return_type, field_details_list, path)
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, field_details_list, path)
            return None


class LazyInfo(strawberry.Info):
    """The Info a resolver gets: `context` at once, the rest (graphql-core's resolve
    info and the field's path) built on first use, which most resolvers never make."""

    def __init__(self, executor: DirectExecutor, plan: Plan, parent_type: GraphQLObjectType,
                 field_details_list: Any, parent_path: Any, response_name: str | int,
                 path: Any = None) -> None:
        self._field = plan.field
        self._executor, self._plan, self._parent_type = executor, plan, parent_type
        self._details, self._parent_path, self._response_name = (
            field_details_list, parent_path, response_name)
        if path is not None:
            self.__dict__["path"] = path

    @property
    def context(self) -> Any:
        return self._executor.context_value

    @functools.cached_property
    def path(self) -> Path:
        return Path(self._parent_path, self._response_name, self._parent_type.name)

    @functools.cached_property
    def _raw_info(self) -> Any:  # type: ignore[override]
        return self._executor.build_resolve_info(
            self._plan.field_def, [d.node for d in self._details], self._parent_type,
            self.path)


def _leaves(plan: Plan, values: list[Any], is_awaitable: Callable[[Any], bool],
            field_details_list: Any, parent_type: GraphQLObjectType) -> list[Any] | None:
    """Scalar or enum values completed by `plans.leaf` (which raises on a value it
    rejects); None on an awaitable. Values that are their own output pass as they are."""
    own = plan.own
    if own and all(map(own.__contains__, map(type, values))):
        return values
    column: list[Any] = []
    for value in values:
        if type(value) in own:
            column.append(value)
        elif is_awaitable(value):
            return None
        else:
            column.append(plans.leaf(plan, value, field_details_list, parent_type))
    return column


def _close(values: list[Any]) -> None:
    """Close the coroutines among `values` that will not be awaited."""
    for value in values:
        if inspect.iscoroutine(value):
            value.close()


def _has_middleware(manager: Any) -> bool:
    """Whether a resolve middleware (e.g. an extension's `resolve` hook) wraps fields."""
    return manager is not None and bool(manager.middlewares)
