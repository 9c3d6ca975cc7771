from workbench.present import narrative


def test_md_escapes_dollars_once():
    assert narrative.escape_dollars("$90,260 - $123,020") == r"\$90,260 - \$123,020"
    assert narrative.escape_dollars(r"already \$5") == r"already \$5"
    assert narrative.md("costs $5").data == r"costs \$5"
    assert narrative.md("$x^2$", math=True).data == "$x^2$"


def test_bullets():
    assert narrative.bullets(["a", "b"]) == "- a\n- b"
