from workbench.present import narrative


def test_md_escapes_dollars_once():
    assert narrative.escape_dollars("$90,260 - $123,020") == r"\$90,260 - \$123,020"
    assert narrative.escape_dollars(r"already \$5") == r"already \$5"
    assert narrative.md("costs $5")._repr_markdown_() == r"costs \$5"
    assert narrative.md("$x^2$", math=True).data == "$x^2$"


def test_markdown_is_text_that_displays_as_markdown():
    text = narrative.Markdown("Revenue $5") + " and more"
    assert isinstance(text, narrative.Markdown) and text == "Revenue $5 and more"
    assert text._repr_markdown_() == r"Revenue \$5 and more"


def test_bullets():
    assert narrative.bullets(["a", "b"]) == "- a\n- b"
