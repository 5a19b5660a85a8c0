"""Attribute promotion config: the shipped base list plus the deployment's overrides.

The base file `attribute-promotion.yaml` maps signal -> value type -> keys. The override
file (`settings.attribute_overrides`, used when it exists) has `promote:` in the same
shape, merged into the base, and `drop:` signal -> keys, which wins over everything:
a dropped key is never stored. Signals: resource, scope, spans (span events and links
use it too), logs, metrics.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from ollygraph import store

log = logging.getLogger(__name__)

BASE_FILE = Path(__file__).with_name("attribute-promotion.yaml")
# config sections: the dimension owners, then each signal's (store.Signal.promotion)
SIGNALS = (*(o.name for o in store.DIMENSION_OWNERS), *(s.promotion for s in store.SIGNALS))
VALUE_TYPES = tuple(t.name for t in store.VALUE_TYPES)  # typed table suffixes, in order


class ConfigError(ValueError):
    """The promotion or override file is malformed; str() names the file and the problem."""


class SignalPromotion(NamedTuple):
    promoted: dict[str, frozenset[str]]  # value type -> keys
    dropped: frozenset[str]


class PromotionConfig(NamedTuple):
    signals: dict[str, SignalPromotion]
    override_file: Path | None  # the override file in force, if any

    def all_promoted_keys(self) -> set[str]:
        return {key for s in self.signals.values() for keys in s.promoted.values() for key in keys}

    def describe(self) -> str:
        lines = [f"attribute promotion: base {BASE_FILE.name}, overrides "
                 f"{self.override_file or 'none'}"]
        for name, s in self.signals.items():
            promoted = "; ".join(f"{t}: {', '.join(sorted(s.promoted[t]))}"
                                 for t in VALUE_TYPES if s.promoted[t])
            lines.append(f"  {name}: promote {promoted or '-'}; drop "
                         f"{', '.join(sorted(s.dropped)) or '-'}")
        return "\n".join(lines)


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    return data


def _keys(value: Any, where: str) -> set[str]:
    if value is None:
        return set()
    if not isinstance(value, list) or not all(isinstance(k, str) for k in value):
        raise ConfigError(f"{where}: expected a list of attribute keys")
    return set(value)


def _typed(section: Any, where: str) -> dict[str, set[str]]:
    section = section or {}
    if not isinstance(section, dict) or set(section) - set(VALUE_TYPES):
        raise ConfigError(f"{where}: expected value types among {', '.join(VALUE_TYPES)}")
    return {t: _keys(section.get(t), f"{where}.{t}") for t in VALUE_TYPES}


def _signals(section: Any, where: str) -> dict[str, Any]:
    section = section or {}
    if not isinstance(section, dict) or set(section) - set(SIGNALS):
        raise ConfigError(f"{where}: expected signals among {', '.join(SIGNALS)}")
    return section


def load(override_file: Path | None = None, base_file: Path = BASE_FILE) -> PromotionConfig:
    """The configuration in force: base, plus `override_file` when it exists."""
    base = _signals(_read(base_file), str(base_file))
    overrides: dict[str, Any] = {}
    if override_file is not None and override_file.is_file():
        overrides = _read(override_file)
        if set(overrides) - {"promote", "drop"}:
            raise ConfigError(f"{override_file}: expected only 'promote' and 'drop'")
    else:
        override_file = None
    promote = _signals(overrides.get("promote"), f"{override_file}: promote")
    drop = _signals(overrides.get("drop"), f"{override_file}: drop")
    signals = {}
    for name in SIGNALS:
        merged = _typed(base.get(name), f"{base_file}: {name}")
        extra = _typed(promote.get(name), f"{override_file}: promote.{name}")
        dropped = frozenset(_keys(drop.get(name), f"{override_file}: drop.{name}"))
        signals[name] = SignalPromotion(
            {t: frozenset((merged[t] | extra[t]) - dropped) for t in VALUE_TYPES}, dropped)
    return PromotionConfig(signals, override_file)
