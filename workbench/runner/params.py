"""Report parameters: read the notebook's ``parameters`` cell, validate and convert values before a kernel starts.

A parameters cell holds one assignment per line, with the help text as a trailing comment::

    orders_path = "data/raw/cdnow/CDNOW_master.txt"  # order lines: CSV, Parquet or a known export format
    period_end: str | None = None                   # last day analysed; None = last order date

Supported types: ``str``, ``int``, ``float``, ``bool``, ``list`` / ``list[X]`` and ``X | None`` (or
``Optional[X]``). Without an annotation the type is inferred from the default (``None`` accepts any JSON
scalar or list). Every value handed to papermill is a JSON scalar or a list of them: YAML dates become
ISO strings, numpy scalars become Python numbers.

Written by hand (with :mod:`ast` and :mod:`tokenize`) rather than with papermill's ``inspect_notebook``:
papermill's regular expression drops every parameter annotated ``X | None`` and cuts string defaults that
contain ``#``, and it does not convert or check values at all.
"""
from __future__ import annotations

import ast
import datetime as _dt
import difflib
import io
import json
import math
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.errors import ParameterError

__all__ = ["ParamType", "ParamSpec", "parse_parameters", "validate_parameters", "read_params_file",
           "coerce_value"]

_BASES = ("str", "int", "float", "bool", "list", "any")
_TRUE = {"true", "yes", "y", "on", "1"}
_FALSE = {"false", "no", "n", "off", "0"}
_NONE = {"none", "null"}
_INT_RE = re.compile(r"^[+-]?\d+$")


@dataclass(frozen=True)
class ParamType:
    """A parameter type: ``base`` is one of str/int/float/bool/list/any; ``item`` the element type of a list."""

    base: str
    optional: bool = False
    item: ParamType | None = None

    def __str__(self) -> str:
        text = self.base
        if self.base == "list" and self.item is not None and self.item.base != "any":
            text = f"list[{self.item}]"
        if self.optional and self.base != "any":
            text += " | None"
        return text


@dataclass(frozen=True)
class ParamSpec:
    """One line of a parameters cell."""

    name: str
    type: ParamType
    default: Any                  # the default as a Python value (JSON scalar or list)
    default_source: str           # the default as written in the cell
    help: str = ""
    declared: bool = False        # True when the type was annotated, False when inferred from the default
    line: int = 0                 # 1-based line in the cell

    @property
    def type_name(self) -> str:
        return str(self.type)


# ----------------------------------------------------------------------------------------------- parsing

def parse_parameters(source: str, *, notebook: str = "notebook") -> list[ParamSpec]:
    """Parse a ``parameters`` cell into :class:`ParamSpec` objects, in the order written.

    Raises
    ------
    ParameterError
        When the cell is not valid Python, a line is not a plain ``name = literal`` assignment, an annotation
        is not a supported type, or the default does not match its annotation.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ParameterError(f"{notebook}: the parameters cell is not valid Python (line {exc.lineno}: {exc.msg}); "
                             "write one `name = value  # help` per line") from None
    comments = _comments_by_line(source)
    lines = source.splitlines()
    specs: list[ParamSpec] = []
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name, annotation, value = node.targets[0].id, None, node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            name, annotation, value = node.target.id, node.annotation, node.value
        else:
            text = lines[node.lineno - 1].strip() if node.lineno <= len(lines) else ""
            raise ParameterError(f"{notebook}: parameters cell line {node.lineno} is not a `name = value` "
                                 f"assignment: {text!r}; keep logic out of the parameters cell")
        default_source = " ".join((ast.get_source_segment(source, value) or "").split())
        try:
            default = ast.literal_eval(value)
        except ValueError:
            raise ParameterError(f"{notebook}: parameter `{name}` has default {default_source!r}, which is not a "
                                 "literal; defaults must be JSON scalars or lists (compute derived values in a "
                                 "later cell)") from None
        if isinstance(default, tuple):
            default = list(default)
        if annotation is not None:
            ptype = _parse_annotation(annotation, notebook=notebook, name=name, source=source)
            declared = True
        else:
            ptype = _infer_type(default, notebook=notebook, name=name)
            declared = False
        try:
            default = coerce_value(ptype, default, text=False)
        except _BadValue as bad:
            raise ParameterError(f"{notebook}: parameter `{name}` is declared {ptype} but its default "
                                 f"{default_source} is {bad.reason}") from None
        end = getattr(node, "end_lineno", node.lineno) or node.lineno
        specs.append(ParamSpec(name=name, type=ptype, default=default, default_source=default_source,
                               help=comments.get(end, ""), declared=declared, line=node.lineno))
    seen: set[str] = set()
    for spec in specs:
        if spec.name in seen:
            raise ParameterError(f"{notebook}: parameter `{spec.name}` is assigned twice in the parameters cell")
        seen.add(spec.name)
    return specs


def _comments_by_line(source: str) -> dict[int, str]:
    out: dict[int, str] = {}
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                out[tok.start[0]] = tok.string.lstrip("#").strip()
    except (tokenize.TokenError, IndentationError):  # already reported by ast.parse
        pass
    return out


def _parse_annotation(node: ast.expr, *, notebook: str, name: str, source: str) -> ParamType:
    def bad() -> ParameterError:
        text = ast.get_source_segment(source, node) or ast.dump(node)
        return ParameterError(f"{notebook}: parameter `{name}` has annotation `{text}`, which the runner cannot "
                              "check; use str, int, float, bool, list, list[str] (etc.) or `X | None`")

    def walk(n: ast.expr) -> ParamType:
        if isinstance(n, ast.Constant) and isinstance(n.value, str):  # "str | None" written as a string
            try:
                return walk(ast.parse(n.value, mode="eval").body)
            except SyntaxError:
                raise bad() from None
        if isinstance(n, ast.Name) and n.id in ("str", "int", "float", "bool", "list", "List", "Any", "object"):
            base = {"List": "list", "Any": "any", "object": "any"}.get(n.id, n.id)
            return ParamType(base, optional=base == "any", item=ParamType("any", True) if base == "list" else None)
        if isinstance(n, ast.BinOp) and isinstance(n.op, ast.BitOr):
            left, right = n.left, n.right
            if _is_none(right):
                return _optional(walk(left))
            if _is_none(left):
                return _optional(walk(right))
            raise bad()
        if isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name):
            if n.value.id in ("list", "List"):
                item = walk(n.slice)
                if item.base == "list":
                    raise bad()
                return ParamType("list", item=item)
            if n.value.id == "Optional":
                return _optional(walk(n.slice))
        if isinstance(n, ast.Attribute) and n.attr == "Optional":
            raise bad()
        raise bad()

    return walk(node)


def _is_none(n: ast.expr) -> bool:
    return (isinstance(n, ast.Constant) and n.value is None) or (isinstance(n, ast.Name) and n.id == "None")


def _optional(t: ParamType) -> ParamType:
    return ParamType(t.base, optional=True, item=t.item)


def _infer_type(default: Any, *, notebook: str, name: str) -> ParamType:
    if default is None:
        return ParamType("any", optional=True)
    for base in ("bool", "int", "float", "str"):  # bool first: bool is an int
        if type(default).__name__ == base:
            return ParamType(base)
    if isinstance(default, list):
        kinds = {_infer_type(v, notebook=notebook, name=name).base for v in default}
        item = ParamType(kinds.pop()) if len(kinds) == 1 else ParamType("any", optional=True)
        if item.base == "list":
            raise ParameterError(f"{notebook}: parameter `{name}` has a nested list as default; parameters are "
                                 "JSON scalars or flat lists")
        return ParamType("list", item=item)
    raise ParameterError(f"{notebook}: parameter `{name}` has a default of type {type(default).__name__}; parameters "
                         "are JSON scalars (str, int, float, bool, None) or lists of them")


# -------------------------------------------------------------------------------------------- conversion

class _BadValue(Exception):
    def __init__(self, reason: str, hint: str = "") -> None:
        self.reason, self.hint = reason, hint
        super().__init__(reason)


def coerce_value(ptype: ParamType, value: Any, *, text: bool) -> Any:
    """Convert ``value`` to ``ptype`` as a JSON value.

    ``text=True`` for command-line strings (``-p n 3`` gives ``"3"``); ``text=False`` for typed values from a
    YAML file, the catalog or Python. Raises ``_BadValue`` (turned into ``ParameterError`` by the caller).
    """
    value = _plain(value)
    if text:
        return _from_text(ptype, value)
    if value is None:
        if ptype.optional:
            return None
        raise _BadValue("None (null)", "this parameter has no `| None` in its type, so it needs a value")
    base = ptype.base
    if isinstance(value, (_dt.date, _dt.datetime)):
        if base in ("str", "any"):
            return value.isoformat()
        raise _BadValue(f"a date ({value.isoformat()})")
    if base == "any":
        if isinstance(value, list):
            return [coerce_value(ParamType("any", True), v, text=False) for v in value]
        if isinstance(value, (str, bool, int)) or (isinstance(value, float) and math.isfinite(value)):
            return value
        raise _BadValue(f"{_a(value)}", "use a JSON scalar or a list of them")
    if base == "str":
        if isinstance(value, str):
            return value
        raise _BadValue(f"{_a(value)} ({value!r})", "quote it in YAML to keep it as text, e.g. '0042'")
    if base == "bool":
        if isinstance(value, bool):
            return value
        raise _BadValue(f"{_a(value)} ({value!r})", "use true or false")
    if base == "int":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise _BadValue(f"{_a(value)} ({value!r})", "use a whole number like 3")
    if base == "float":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if not math.isfinite(value):
                raise _BadValue(f"not finite ({value!r})", "use a finite number")
            return float(value)
        raise _BadValue(f"{_a(value)} ({value!r})", "use a number like 0.05")
    if base == "list":
        if not isinstance(value, (list, tuple)):
            raise _BadValue(f"{_a(value)} ({value!r}), not a list", "use a list like [a, b]")
        item = ptype.item or ParamType("any", True)
        return [coerce_value(item, v, text=False) for v in value]
    raise _BadValue(f"of unsupported type {base}")  # pragma: no cover - _BASES is closed


def _from_text(ptype: ParamType, raw: Any) -> Any:
    if not isinstance(raw, str):
        return coerce_value(ptype, raw, text=False)
    s = raw.strip()
    if ptype.optional and s.lower() in _NONE:
        return None
    base = ptype.base
    if base == "str":
        return raw
    if base == "int":
        if _INT_RE.match(s):
            return int(s)
        raise _BadValue(repr(raw), "use a whole number like 3")
    if base == "float":
        try:
            number = float(s)
        except ValueError:
            raise _BadValue(repr(raw), "use a number like 0.05 (a dot as decimal separator)") from None
        if not math.isfinite(number):
            raise _BadValue(repr(raw), "use a finite number")
        return number
    if base == "bool":
        if s.lower() in _TRUE:
            return True
        if s.lower() in _FALSE:
            return False
        raise _BadValue(repr(raw), "use true or false")
    if base == "list":
        item = ptype.item or ParamType("any", True)
        if s.startswith("["):
            try:
                parsed = json.loads(s)
            except json.JSONDecodeError:
                raise _BadValue(repr(raw), 'write a JSON list like ["web", "app"] or a comma-separated list '
                                           "like web,app") from None
            return coerce_value(ptype, parsed, text=False)
        parts = [p.strip() for p in s.split(",")] if s else []
        try:
            return [_from_text(item, p) for p in parts]
        except _BadValue as bad:
            raise _BadValue(f"{bad.reason} in the list {raw!r}", bad.hint) from None
    # any: the most specific JSON value the text spells
    if s.lower() in _NONE:
        return None
    if s.lower() in ("true", "false"):
        return s.lower() == "true"
    if _INT_RE.match(s):
        return int(s)
    try:
        number = float(s)
        if math.isfinite(number):
            return number
    except ValueError:
        pass
    if s.startswith("["):
        try:
            return coerce_value(ptype, json.loads(s), text=False)
        except json.JSONDecodeError:
            pass
    return raw


def _a(value: Any) -> str:
    name = type(value).__name__
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


def _plain(value: Any) -> Any:
    """numpy / pandas scalars -> Python scalars; tuples -> lists (JSON has no tuples)."""
    if isinstance(value, tuple):
        return list(value)
    if type(value).__module__.startswith(("numpy", "pandas")) and hasattr(value, "item"):
        try:
            return value.item()
        except (ValueError, TypeError):
            return value
    if type(value).__module__.startswith("numpy") and hasattr(value, "tolist"):
        return value.tolist()
    return value


# -------------------------------------------------------------------------------------------- validation

def validate_parameters(specs: list[ParamSpec], values: dict[str, Any] | None = None, *,
                        text: dict[str, str] | None = None, notebook: str = "notebook",
                        origin: str = "") -> dict[str, Any]:
    """Check and convert parameter values against a notebook's parameters cell, before any kernel starts.

    Parameters
    ----------
    specs : list of ParamSpec
        From :func:`parse_parameters`.
    values : dict, optional
        Typed values (YAML file, catalog, Python): ``{"period_end": date(1998, 3, 31)}``.
    text : dict, optional
        Command-line strings (``-p NAME VALUE``); they win over ``values``.
    notebook : str
        Name used in error messages.
    origin : str
        Where ``values`` came from, for error messages ("params.yaml", "catalog.yaml job x/y").

    Returns
    -------
    dict
        The given parameters only (not the defaults), converted to JSON values, in the cell's order.

    Raises
    ------
    ParameterError
        For an unknown name (the message lists the valid names) or a value that cannot be converted
        (the message names the parameter, the value and the type).
    """
    by_name = {s.name: s for s in specs}
    merged: list[tuple[str, Any, bool, str]] = []
    for name, value in (values or {}).items():
        merged.append((name, value, False, origin))
    for name, value in (text or {}).items():
        merged = [m for m in merged if m[0] != name]
        merged.append((name, value, True, f"-p {name}"))
    out: dict[str, Any] = {}
    for name, value, is_text, where in merged:
        if not isinstance(name, str) or name not in by_name:
            valid = ", ".join(by_name) or "(none: the notebook has no parameters)"
            close = difflib.get_close_matches(str(name), list(by_name), n=1)
            hint = f" Did you mean `{close[0]}`?" if close else ""
            src = f" (from {where})" if where else ""
            raise ParameterError(f"{notebook}: unknown parameter `{name}`{src}.{hint} Valid parameters: {valid}.")
        spec = by_name[name]
        try:
            out[name] = coerce_value(spec.type, value, text=is_text)
        except _BadValue as bad:
            src = f" (from {where})" if where else ""
            how = "declared" if spec.declared else f"inferred from its default {spec.default_source}"
            hint = f"; {bad.hint}" if bad.hint else ""
            raise ParameterError(f"{notebook}: parameter `{name}` expects {spec.type} ({how}), "
                                 f"got {bad.reason}{src}{hint}.") from None
    return {s.name: out[s.name] for s in specs if s.name in out}


def read_params_file(path: str | Path) -> dict[str, Any]:
    """Read a YAML (or JSON) file of ``name: value`` pairs for ``workbench run -f``."""
    import yaml

    from . import yamlfile

    p = Path(path)
    if not p.is_file():
        raise ParameterError(f"{p}: parameter file not found; pass a YAML file of `name: value` lines")
    try:
        data = yamlfile.load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ParameterError(f"{p}: not valid YAML ({exc}); write one `name: value` per line") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParameterError(f"{p}: expected a mapping of `name: value` lines, found a {type(data).__name__}")
    return data
