"""Every table on a page scrolls inside its own region, so no page scrolls sideways at 320 CSS px (WCAG 1.4.10).

The convention: `<div class="app-table-scroll" role="region" aria-label="{the table's caption}" tabindex="0">`
directly around `<table class="govuk-table">`; static/src/portal.scss styles it. The PDF templates are exempt
(a page of paper does not scroll). The browser journeys check the result at 320 px (tests/browser/helpers.py).
"""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
WRAPPER = re.compile(
    r'<div class="app-table-scroll" role="region" aria-label="(?P<label>[^"]+)" tabindex="0">\s*'
    r'<table class="govuk-table[^"]*">\s*<caption[^>]*>(?P<caption>.*?)</caption>',
    re.S,
)


def page_templates():
    return [p for p in TEMPLATES.rglob("*.html") if "pdf" not in p.relative_to(TEMPLATES).parts]


def test_every_table_is_wrapped_in_a_region_named_by_its_caption():
    unwrapped, misnamed = [], []
    for path in page_templates():
        text = path.read_text()
        wrapped = list(WRAPPER.finditer(text))
        if len(wrapped) != text.count("<table"):
            unwrapped.append(str(path.relative_to(TEMPLATES)))
        misnamed += [
            f"{path.relative_to(TEMPLATES)}: {m['label']!r} vs caption {m['caption'].strip()!r}"
            for m in wrapped
            if m["label"] != m["caption"].strip()
        ]
    assert not unwrapped, f"tables outside an app-table-scroll region: {unwrapped}"
    assert not misnamed, "regions not named by their table's caption:\n" + "\n".join(misnamed)


def test_the_region_scrolls_and_shows_focus():
    scss = (TEMPLATES.parent / "static" / "src" / "portal.scss").read_text()
    rule = scss[scss.index(".app-table-scroll {") :]
    for declaration in ["overflow-x: auto;", "position: relative;", "&:focus {"]:
        assert declaration in rule[: rule.index("\n}\n")], declaration
    css = (TEMPLATES.parent / "static" / "css" / "portal.css").read_text()
    assert ".app-table-scroll{" in css and ".app-table-scroll:focus{" in css, "run static/build.sh"
