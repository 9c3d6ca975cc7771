"""Parameters cell parsing, validation and conversion (no kernel involved)."""
from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest

from workbench.errors import ParameterError
from workbench.runner.params import ParamType, parse_parameters, read_params_file, validate_parameters

CELL = '''\
label = "north"  # region label shown in the text
orders = 12  # number of orders
rate: float = 0.25  # conversion rate as a fraction
include_returns = False  # count returns as negative sales
channels: list[str] = ["web", "app"]  # sales channels
period_end: str | None = None  # last day analysed; None = all days
limit: Optional[int] = None  # cap on orders
anything = None  # any JSON value
hashy = "a # not a comment"  # help after a string holding '#'
ids = [1,
       2]  # multi-line list
'''


@pytest.fixture
def specs():
    return parse_parameters(CELL, notebook="demo")


class TestParse:
    def test_names_types_defaults_and_help(self, specs):
        got = [(s.name, str(s.type), s.default, s.help) for s in specs]
        assert got == [
            ("label", "str", "north", "region label shown in the text"),
            ("orders", "int", 12, "number of orders"),
            ("rate", "float", 0.25, "conversion rate as a fraction"),
            ("include_returns", "bool", False, "count returns as negative sales"),
            ("channels", "list[str]", ["web", "app"], "sales channels"),
            ("period_end", "str | None", None, "last day analysed; None = all days"),
            ("limit", "int | None", None, "cap on orders"),
            ("anything", "any", None, "any JSON value"),
            ("hashy", "str", "a # not a comment", "help after a string holding '#'"),
            ("ids", "list[int]", [1, 2], "multi-line list"),
        ]

    def test_declared_versus_inferred(self, specs):
        by = {s.name: s for s in specs}
        assert by["rate"].declared and not by["orders"].declared

    def test_papermill_would_drop_union_annotations(self):
        """The reason for our own parser: papermill's regex loses `X | None` parameters entirely."""
        import nbformat
        from papermill.translators import PythonTranslator

        cell = nbformat.v4.new_code_cell("period_end: str | None = None  # last day\n")
        assert PythonTranslator.inspect(cell) == []
        assert [s.name for s in parse_parameters(cell.source)] == ["period_end"]

    def test_float_annotation_converts_int_default(self):
        (spec,) = parse_parameters("x: float = 2  # two\n")
        assert spec.default == 2.0 and isinstance(spec.default, float)

    @pytest.mark.parametrize("cell, match", [
        ("x = compute()  # no\n", r"parameter `x` has default 'compute\(\)', which is not a literal"),
        ("x: dict = {}  # no\n", r"annotation `dict`, which the runner cannot check"),
        ("x: int = 'a'  # no\n", r"`x` is declared int but its default 'a' is a str"),
        ("import os\n", r"line 1 is not a `name = value` assignment: 'import os'"),
        ("x = 1\nx = 2\n", r"`x` is assigned twice"),
        ("x = = 1\n", r"not valid Python \(line 1"),
        ("x = {'a': 1}  # dict\n", r"default of type dict; parameters are JSON scalars"),
    ])
    def test_bad_cells(self, cell, match):
        with pytest.raises(ParameterError, match=match):
            parse_parameters(cell, notebook="demo")


class TestValidate:
    def test_text_values_convert_to_declared_types(self, specs):
        got = validate_parameters(specs, text={
            "orders": "7", "rate": "5", "include_returns": "yes", "channels": "web, app,store",
            "period_end": "1998-03-31", "limit": "None", "anything": "2.5", "ids": "[3, 4]"})
        assert got == {"orders": 7, "rate": 5.0, "include_returns": True, "channels": ["web", "app", "store"],
                       "period_end": "1998-03-31", "limit": None, "anything": 2.5, "ids": [3, 4]}
        assert isinstance(got["rate"], float)

    def test_result_keeps_cell_order_and_only_given_names(self, specs):
        got = validate_parameters(specs, {"limit": 3, "label": "x"})
        assert list(got) == ["label", "limit"]

    def test_yaml_dates_and_numpy_values_become_json(self, specs):
        got = validate_parameters(specs, {"period_end": dt.date(1998, 3, 31), "orders": np.int64(5),
                                          "rate": np.float32(0.5), "anything": dt.datetime(2024, 1, 2, 3, 4),
                                          "channels": ("web",)})
        assert got == {"orders": 5, "rate": 0.5, "channels": ["web"], "period_end": "1998-03-31",
                       "anything": "2024-01-02T03:04:00"}
        assert type(got["orders"]) is int and type(got["rate"]) is float
        json.dumps(got)  # JSON scalars and lists only

    def test_command_line_wins_over_file(self, specs):
        assert validate_parameters(specs, {"orders": 1}, text={"orders": "2"}) == {"orders": 2}

    def test_unknown_name_lists_valid_names(self, specs):
        with pytest.raises(ParameterError, match=r"demo: unknown parameter `order` \(from -p order\)\. "
                                                 r"Did you mean `orders`\? Valid parameters: label, orders, rate, "
                                                 r"include_returns, channels, period_end, limit, anything, hashy, ids"):
            validate_parameters(specs, text={"order": "3"}, notebook="demo")

    def test_unknown_name_in_a_file_names_the_file(self, specs):
        with pytest.raises(ParameterError, match=r"unknown parameter `zzz` \(from params.yaml\)"):
            validate_parameters(specs, {"zzz": 1}, origin="params.yaml")

    @pytest.mark.parametrize("text, match", [
        ({"orders": "2.5"}, r"parameter `orders` expects int \(inferred from its default 12\), got '2.5' "
                            r"\(from -p orders\); use a whole number like 3"),
        ({"rate": "5,3"}, r"parameter `rate` expects float \(declared\), got '5,3'.*a dot as decimal separator"),
        ({"include_returns": "maybe"}, r"parameter `include_returns` expects bool .* got 'maybe' \(from -p include_returns\); use true or false"),
        ({"ids": "1,x"}, r"parameter `ids` expects list\[int\] .* got 'x' in the list '1,x'"),
        ({"orders": "None"}, r"parameter `orders` expects int .* got 'None'"),
        ({"rate": "inf"}, r"parameter `rate` expects float .* got 'inf' \(from -p rate\); use a finite number"),
    ])
    def test_bad_text_value_names_parameter_value_and_type(self, specs, text, match):
        with pytest.raises(ParameterError, match=match):
            validate_parameters(specs, text=text, notebook="demo")

    @pytest.mark.parametrize("values, match", [
        ({"orders": True}, r"`orders` expects int .* got a bool \(True\)"),
        ({"orders": 2.0}, r"`orders` expects int .* got a float \(2.0\)"),
        ({"label": 42}, r"`label` expects str .* got an int \(42\) \(from params.yaml\); quote it in YAML"),
        ({"orders": dt.date(2020, 1, 1)}, r"`orders` expects int .* got a date \(2020-01-01\)"),
        ({"label": None}, r"`label` expects str .* got None \(null\).*no `\| None`"),
        ({"channels": "web"}, r"`channels` expects list\[str\] .* got a str \('web'\), not a list"),
        ({"anything": {"a": 1}}, r"`anything` expects any .* got a dict"),
    ])
    def test_bad_typed_value(self, specs, values, match):
        with pytest.raises(ParameterError, match=match):
            validate_parameters(specs, values, notebook="demo", origin="params.yaml")

    def test_type_str(self):
        assert str(ParamType("list", item=ParamType("float"))) == "list[float]"
        assert str(ParamType("int", optional=True)) == "int | None"


class TestParamsFile:
    def test_yaml_file(self, tmp_path):
        f = tmp_path / "p.yaml"
        f.write_text("period_end: 1998-03-31\norders: 4\nchannels: [web]\n")
        assert read_params_file(f) == {"period_end": dt.date(1998, 3, 31), "orders": 4, "channels": ["web"]}

    def test_not_a_mapping(self, tmp_path):
        f = tmp_path / "p.yaml"
        f.write_text("- a\n- b\n")
        with pytest.raises(ParameterError, match=r"p.yaml: expected a mapping of `name: value` lines, found a list"):
            read_params_file(f)

    def test_anchors_and_merge_keys_still_work(self, tmp_path):
        f = tmp_path / "p.yaml"
        f.write_text("base: &b {orders: 4, channels: [web]}\nrun:\n  <<: *b\n  orders: 5\n")
        assert read_params_file(f) == {"base": {"orders": 4, "channels": ["web"]},
                                       "run": {"orders": 5, "channels": ["web"]}}

    def test_a_parameter_given_twice_is_refused_with_both_lines(self, tmp_path):
        f = tmp_path / "p.yaml"
        f.write_text("period_end: 1998-03-31\norders: 4\nperiod_end: 1998-06-30\n")
        with pytest.raises(ParameterError, match=r"p.yaml: not valid YAML \(the key `period_end` appears twice "
                                                 r"\(line 1 and line 3\); keep one of them"):
            read_params_file(f)

    def test_missing_file(self, tmp_path):
        with pytest.raises(ParameterError, match=r"nope.yaml: parameter file not found"):
            read_params_file(tmp_path / "nope.yaml")
