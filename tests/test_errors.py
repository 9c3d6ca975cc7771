from workbench.errors import DataError


def test_data_error_message_names_file_column_rows_example_and_fix():
    err = DataError("amounts are not numbers", source="orders.csv", column="Total", rows=3,
                    example="row 17: '12,5x'", fix="Export amounts without text, or pass decimal=','")
    assert str(err) == ("orders.csv: column `Total`: amounts are not numbers (3 rows; first: row 17: '12,5x'). "
                        "Export amounts without text, or pass decimal=','.")
    assert isinstance(err, ValueError)


def test_data_error_minimal():
    assert str(DataError("the file is empty", source="a.csv", rows=1)) == "a.csv: the file is empty (1 row)."
