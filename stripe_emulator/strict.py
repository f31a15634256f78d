"""Strict request parameters, derived from the ``stripe`` SDK's own typed definitions.

The SDK ships one ``TypedDict`` per API method (``stripe.params.PaymentIntentCreateParams``
...) for the API version it pins. Their ``__annotations__`` list every accepted key; nested
hashes are ``ForwardRef`` names of TypedDicts of the same module, enums are
``Literal[...] | str`` (the ``str`` is the SDK's forward compatibility; Stripe itself refuses
unknown values), ``Literal['']`` marks a field that may be sent empty to unset it.
``typing.get_type_hints`` fails on them, so the names are resolved by hand in
``sys.modules[cls.__module__]``.

From them :func:`spec_for` builds a tree of :class:`Spec` nodes, and :func:`validate`
refuses what Stripe refuses: ``Received unknown parameter: payment_method_options[card][x]``,
an enum value outside the ``Literal``, a malformed integer or boolean.
"""

from __future__ import annotations

import builtins
import functools
import importlib
import sys
import types
import typing
from dataclasses import dataclass, field
from typing import Any

import stripe
import typing_extensions

from .errors import StripeError, invalid_param

REQUEST_OPTIONS = frozenset(stripe.RequestOptions.__annotations__)
_TYPING_NAMES = {name: getattr(typing, name) for name in (
    "Any", "Dict", "List", "Literal", "Mapping", "Optional", "Union", "Sequence")}


@dataclass
class Spec:
    """What one parameter accepts; several kinds may be allowed at once (a union)."""

    scalars: set[str] = field(default_factory=set)  # "str", "int", "bool", "float", "any"
    enum: set[str] = field(default_factory=set)
    empty: bool = False  # Literal[''] (or plain str): "" unsets the field
    fields: dict[str, Spec] | None = None  # a hash with known keys
    sources: list[type] = field(default_factory=list)  # TypedDicts behind ``fields`` (lazy)
    required: frozenset[str] = frozenset()
    item: Spec | None = None  # an array
    free_map: bool = False  # metadata-like hash of strings

    def hash_fields(self) -> dict[str, Spec] | None:
        """Known keys of the hash (built on first use: the definitions nest deeply)."""
        if self.fields is None and self.sources:
            merged: dict[str, Spec] = {}
            for source in self.sources:  # a union of hashes accepts the keys of each
                fields, self.required = _typed_dict_fields(source)
                for key, spec in fields.items():
                    merged[key] = _union(merged[key], spec) if key in merged else spec
            self.fields = merged
        return self.fields

    @property
    def is_hash(self) -> bool:
        """Whether a nested hash (known keys) is one of the accepted shapes."""
        return bool(self.sources) or self.fields is not None


class _Names(dict[str, Any]):
    """Locals for ``eval`` of a ForwardRef: module names, typing names, else ``Any``."""

    def __init__(self, module: types.ModuleType) -> None:
        super().__init__()
        self.module = module

    def __missing__(self, key: str) -> Any:
        for scope in (vars(self.module), _TYPING_NAMES, vars(builtins)):
            if key in scope:
                return scope[key]
        return typing.Any


def _resolve(annotation: Any, module: types.ModuleType) -> Any:
    if isinstance(annotation, typing.ForwardRef):
        annotation = annotation.__forward_arg__
    if isinstance(annotation, str):
        try:
            return eval(annotation, {"__builtins__": builtins}, _Names(module))  # noqa: S307
        except Exception:  # pragma: no cover - a definition we cannot read: accept anything
            return typing.Any
    return annotation


def _spec(annotation: Any, module: types.ModuleType, spec: Spec | None = None) -> Spec:
    spec = spec if spec is not None else Spec()
    annotation = _resolve(annotation, module)
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.NotRequired, typing.Required, typing_extensions.NotRequired,
                  typing_extensions.Required):
        return _spec(args[0], module, spec)
    if origin in (typing.Union, types.UnionType):
        for arg in args:
            _spec(arg, module, spec)
        return spec
    if origin is typing.Literal:
        values = {str(v).lower() if isinstance(v, bool) else str(v) for v in args}
        if "" in values:
            spec.empty = True
            values.discard("")
        spec.enum |= values
        return spec
    if origin in (list, typing.List):  # noqa: UP006 - the SDK's own spelling
        spec.item = _spec(args[0] if args else typing.Any, module)
        return spec
    if origin in (dict, typing.Dict, typing.Mapping) or (  # noqa: UP006
            isinstance(origin, type) and origin.__name__ == "UntypedStripeObject"):
        spec.free_map = True
        return spec
    if isinstance(annotation, type) and (typing.is_typeddict(annotation)
                                        or typing_extensions.is_typeddict(annotation)):
        spec.sources.append(annotation)
        return spec
    if annotation in (str, int, bool, float):
        spec.scalars.add(annotation.__name__)
        if annotation is str:
            spec.empty = True
        return spec
    if annotation is type(None):
        spec.empty = True
        return spec
    spec.scalars.add("any")
    return spec


def _union(a: Spec, b: Spec) -> Spec:
    """A parameter two alternative hashes both define: whatever either accepts."""
    return Spec(scalars=a.scalars | b.scalars, enum=a.enum | b.enum, empty=a.empty or b.empty,
                sources=a.sources + b.sources, item=a.item or b.item,
                free_map=a.free_map or b.free_map)


def _typed_dict_fields(cls: type) -> tuple[dict[str, Spec], frozenset[str]]:
    module = sys.modules[cls.__module__]
    own = {k: v for k, v in cls.__annotations__.items() if k not in REQUEST_OPTIONS}
    required = frozenset(k for k in getattr(cls, "__required_keys__", ()) if k in own)
    return {name: _spec(ann, module) for name, ann in own.items()}, required


@functools.cache
def spec_for(name: str) -> Spec:
    """The parameter tree of ``stripe.params.<name>`` (``checkout.SessionCreateParams``)."""
    package, _, cls_name = ("stripe.params." + name).rpartition(".")
    cls = getattr(importlib.import_module(package), cls_name)
    fields, required = _typed_dict_fields(cls)
    return Spec(fields=fields, sources=[cls], required=required)


def _unknown(path: str) -> StripeError:
    return StripeError(f"Received unknown parameter: {path}", param=path,
                       code="parameter_unknown", cacheable=False)


def _key(path: str, name: str) -> str:
    return f"{path}[{name}]" if path else name


def validate(spec: Spec, value: Any, path: str = "") -> None:
    """Raise Stripe's 400 for the first parameter the definition does not accept."""
    if isinstance(value, dict):
        if spec.free_map:
            for key, item in value.items():
                if not isinstance(item, str):
                    raise invalid_param(_key(path, key), f"Invalid string: {_key(path, key)}")
            return
        fields = spec.hash_fields()
        if fields is None:
            if spec.item is not None:  # a sparse array (``items[3][x]`` only)
                for key, item in value.items():
                    validate(spec.item, item, f"{path}[{key}]")
                return
            if "any" in spec.scalars:
                return
            raise invalid_param(path, f"Invalid {_expected(spec)}: {path} (got a hash)")
        for key, item in value.items():
            if key not in fields:
                raise _unknown(_key(path, key))
            validate(fields[key], item, _key(path, key))
        return
    if isinstance(value, list):
        if spec.item is None:
            if "any" in spec.scalars:
                return
            raise invalid_param(path, f"Invalid {_expected(spec)}: {path} (got an array)")
        for i, item in enumerate(value):
            validate(spec.item, item, f"{path}[{i}]")
        return
    _validate_scalar(spec, value, path)


def _validate_scalar(spec: Spec, value: str, path: str) -> None:
    if value == "" and (spec.empty or spec.free_map or spec.is_hash or spec.item is not None):
        return
    if "any" in spec.scalars or ("str" in spec.scalars and not spec.enum):
        return
    if value in spec.enum:
        return
    if "bool" in spec.scalars and value in ("true", "false"):
        return
    if "int" in spec.scalars and _is_int(value):
        return
    if "float" in spec.scalars and _is_float(value):
        return
    if spec.enum:
        choices = sorted(spec.enum)
        listed = ", ".join(choices[:-1]) + f", or {choices[-1]}" if len(choices) > 1 \
            else choices[0]
        raise invalid_param(path, f"Invalid {path}: must be one of {listed}")
    if spec.scalars & {"int", "float"}:
        raise invalid_param(path, f"Invalid integer: {value}", code="parameter_invalid_integer")
    if "bool" in spec.scalars:
        raise invalid_param(path, f"Invalid boolean: {value}")
    raise invalid_param(path, f"Invalid {_expected(spec)}: {path}")


def _expected(spec: Spec) -> str:
    if spec.is_hash or spec.free_map:
        return "hash"
    if spec.item is not None:
        return "array"
    return "string"


def _is_int(value: str) -> bool:
    try:
        int(value)
    except ValueError:
        return False
    return True


def _is_float(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def check(name: str, params: dict[str, Any]) -> None:
    """Validate a request's parsed parameters against ``stripe.params.<name>``."""
    validate(spec_for(name), params)


def typed(spec: Spec | None, value: Any) -> Any:
    """A validated form value converted to the JSON type Stripe returns (``"true"`` → True,
    ``"12"`` → 12, ``""`` → None), used to echo parameters into objects."""
    if spec is None:
        return value
    if isinstance(value, dict):
        fields = spec.hash_fields() or {}
        return {k: typed(fields.get(k), v) for k, v in value.items()}
    if isinstance(value, list):
        return [typed(spec.item, v) for v in value]
    if value == "":
        return None
    if value in spec.enum or "str" in spec.scalars:
        return value
    if "bool" in spec.scalars and value in ("true", "false"):
        return value == "true"
    if "int" in spec.scalars and _is_int(value):
        return int(value)
    if "float" in spec.scalars and _is_float(value):
        return float(value)
    return value


# Renamed parameters still accepted from a client that pins no API version (the account's
# default, older one): the Stripe CLI's ``stripe trigger`` sends ``payment_method_types``.
LEGACY_NAMES = {"payment_method_types": "allowed_payment_method_types"}
NO_ECHO = frozenset({
    "metadata", "expand", "capabilities", "country", "currency", "payment_method",
    "customer", "destination", "source_transaction", "charge", "payment_intent", "account",
    "setup_intent", "line_items", "status", "object", "id",
})


def upgrade_legacy(name: str, params: dict[str, Any]) -> dict[str, Any]:
    """Rename the pre-rename parameters an unversioned client sends (see ``LEGACY_NAMES``)."""
    fields = spec_for(name).hash_fields() or {}
    for old, new in LEGACY_NAMES.items():
        if old in params and old not in fields and new in fields and new not in params:
            params[new] = params.pop(old)
    return params


def object_kind(name: str) -> str:
    """``PaymentIntentCreateParams`` → ``payment_intent``; ``checkout.SessionCreateParams``
    → ``checkout.session``: the object an endpoint returns and echoes its parameters into."""
    prefix, _, cls = name.rpartition(".")
    for action in ("Create", "Update", "Confirm", "Capture", "Cancel", "Close", "Expire",
                   "Retrieve", "List", "Delete"):
        if cls.endswith(action + "Params"):
            cls = cls[: -len(action + "Params")]
            break
    snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in cls).lstrip("_")
    return f"{prefix}.{snake}" if prefix else snake


def echo(name: str, obj: dict[str, Any], params: dict[str, Any],
         shape: dict[str, Any] | None) -> None:
    """Copy every accepted parameter the object has into it (typed), as Stripe returns
    them: ``confirmation_method=manual``, ``shipping[...]``, ``payment_method_options[...]``.
    ``shape`` is the object's fixture, giving the full shape of a hash the object lacks."""
    fields = spec_for(name).hash_fields() or {}
    for key, value in params.items():
        if key in NO_ECHO or key not in obj:
            continue
        _merge(obj, key, typed(fields.get(key), value), (shape or {}).get(key))


def _merge(target: dict[str, Any], key: str, value: Any, shape: Any) -> None:
    current = target.get(key)
    if isinstance(value, dict):
        if not isinstance(current, dict):
            if current is not None:
                return  # the object stores an id here (it expands): nothing to echo
            if not isinstance(shape, dict) or not shape:
                target[key] = value  # the fixture has no shape to follow
                return
            current = target[key] = _blank(shape)
        for sub, item in value.items():
            sub_shape = shape.get(sub) if isinstance(shape, dict) else None
            if sub in current or (isinstance(shape, dict) and sub in shape):
                _merge(current, sub, item, sub_shape)
        return
    if isinstance(current, dict) and value is not None:
        return  # a scalar for a hash field (an id where the object expands): keep it
    target[key] = value


def _blank(shape: dict[str, Any]) -> dict[str, Any]:
    """The fixture's hash with every leaf unset: a place to merge echoed values into."""
    return {k: _blank(v) if isinstance(v, dict) and v else None for k, v in shape.items()}
