"""Read the runner's YAML files (``catalog.yaml``, ``workbench run -f params.yaml``) refusing repeated keys.

PyYAML keeps the last of two equal keys without a word, so a catalog with ``jobs:`` written twice silently
dropped every job of the first list, and a parameter file naming ``period_end`` twice ran with whichever came
last. A small loader subclass refuses the repeat instead, naming the key and both lines.
"""
from __future__ import annotations

from typing import Any

import yaml


class RepeatedKeyError(yaml.YAMLError):
    """A mapping in the file names one key twice."""


class _StrictLoader(yaml.SafeLoader):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":   # `<<: *defaults` may be overridden by the keys after it
                continue
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            try:
                first = seen.get(key)
            except TypeError:           # an unhashable key: let PyYAML give its own message
                continue
            if first is not None:
                where = f"line {first} and line {line}" if first != line else f"both on line {line}"
                raise RepeatedKeyError(f"the key `{key}` appears twice ({where}); "
                                       "keep one of them (YAML keeps only the last, silently)")
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


def load(text: str) -> Any:
    """``yaml.safe_load`` that raises :class:`RepeatedKeyError` for a key given twice in one mapping."""
    return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
