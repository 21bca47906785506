"""The single registry of activations: names, aliases, spec strings.

Every other part of actlab (CLI choices, estimators, plots, experiments, test
tables) reads this mapping; there is no other list of names.
"""

from __future__ import annotations

import dataclasses
import math

from ..errors import ActlabError, choices_text, did_you_mean
from ._base import Activation

_REGISTRY: dict[str, type[Activation]] = {}
_ALIASES: dict[str, str] = {}


def register(cls: type[Activation]) -> type[Activation]:
    """Class decorator adding an activation (and its aliases) to the registry."""
    for key in (cls.name, *cls.aliases):
        if key in _REGISTRY or key in _ALIASES:
            raise RuntimeError(f"activation name {key!r} registered twice")
    _REGISTRY[cls.name] = cls
    _ALIASES.update({alias: cls.name for alias in cls.aliases})
    return cls


def names(*, aliases: bool = False) -> list[str]:
    """The registered activation names (with their aliases if asked), sorted."""
    found = list(_REGISTRY) + (list(_ALIASES) if aliases else [])
    return sorted(found)


def activation_class(name: str) -> type[Activation]:
    """The class registered under ``name`` or an alias of it."""
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    if key not in _REGISTRY:
        known = names(aliases=True)
        shown = name if len(name) <= 60 else name[:60] + "..."
        raise ActlabError(
            f"unknown activation {shown!r}{did_you_mean(key[:60], known)} "
            f"(known: {choices_text(known)})"
        )
    return _REGISTRY[key]


def get(spec: str | Activation, **params) -> Activation:
    """Build an activation from a name or spec string and parameters.

    Parameters
    ----------
    spec : str or Activation
        A registered name or alias (``"sigmoid"``), or a spec string with
        parameters, ``"elu:alpha=0.5"``, ``"polynomial:coefficients=[0,1,0.5]"``.
        An ``Activation`` is returned as is (with ``params`` applied).
    **params
        Parameter values; they override those in the spec string.

    Examples
    --------
    >>> import actlab
    >>> actlab.get("elu:alpha=0.5")
    ELU(alpha=0.5)
    >>> actlab.get("leaky_relu", alpha=0.2).spec
    'leaky_relu:alpha=0.2'
    """
    if isinstance(spec, Activation):
        if not type(spec).name:
            raise ActlabError("the Activation base class is not an activation")
        return _build(type(spec), {**spec.params, **params}) if params else spec
    if not isinstance(spec, str):
        raise ActlabError(f"an activation is a name or spec string, got {spec!r}")
    name, _, rest = spec.partition(":")
    from ..symbolic import define, looks_like_formula

    if looks_like_formula(spec):  # "x*tanh(softplus(x))", "x*sigmoid(b*x):b=2"
        return define(name, **{**_parse_params(spec, rest), **params})
    return _build(activation_class(name), {**_parse_params(spec, rest), **params})


def _build(cls: type[Activation], given: dict) -> Activation:
    """Validate and convert parameter values, then construct."""
    fields = {f.name: f for f in dataclasses.fields(cls)}
    converted = {}
    for key, value in given.items():
        if key not in fields:
            valid = ", ".join(fields) or "none"
            raise ActlabError(
                f"{cls.name} has no parameter {key!r}{did_you_mean(key, fields)} "
                f"(parameters: {valid})"
            )
        converted[key] = _convert(cls.name, key, value, fields[key].default)
    return cls(**converted)


def _parse_params(spec: str, text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    if not text.strip():
        if ":" in spec:
            raise ActlabError(f"malformed spec {spec!r}: nothing after ':'")
        return out
    for item in _split_top_level(text):
        key, eq, value = item.partition("=")
        if not eq or not key.strip() or not value.strip():
            raise ActlabError(
                f"malformed spec {spec!r}: expected name:key=value[,key=value], "
                f"got {item!r}"
            )
        if key.strip() in out:
            raise ActlabError(f"malformed spec {spec!r}: {key.strip()} given twice")
        out[key.strip()] = value.strip()
    return out


def _split_top_level(text: str) -> list[str]:
    """Split on commas that are not inside brackets."""
    parts, depth, current = [], 0, ""
    for ch in text:
        if ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    return [*parts, current]


def _convert(act: str, key: str, value, default):
    if isinstance(default, tuple):
        items = value
        if isinstance(value, str):
            if value.count("[") != value.count("]"):
                raise ActlabError(
                    f"{act} parameter {key}: unbalanced brackets in {value!r}"
                )
            text = value.strip("[]() ").replace(";", ",")
            items = text.split(",") if text else []
        if isinstance(items, (str, bytes, dict)) or not hasattr(items, "__iter__"):
            raise ActlabError(
                f"{act} parameter {key} must be a list of numbers, got {value!r}"
            )
        return tuple(_number(act, key, v) for v in items)
    if isinstance(default, str):
        return str(value)
    return _number(act, key, value)


def _number(act: str, key: str, value) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise ActlabError(
            f"{act} parameter {key} must be a number, got {value!r}"
        ) from None
    if not math.isfinite(number):
        raise ActlabError(f"{act} parameter {key} must be finite, got {value!r}")
    return number
