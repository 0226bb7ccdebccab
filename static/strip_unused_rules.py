"""Remove from compiled CSS every rule that refers to an asset the portal does not ship.

GOV.UK Frontend's footer styles draw the Royal Coat of Arms (govuk-crest.svg), which only GOV.UK services may
use, so the portal does not ship it and never uses the footer's copyright logo. Left in, the reference breaks
`collectstatic` with the hashed (manifest) storage used in production. Usage: strip_unused_rules.py FILE ASSET...
"""

import sys
from pathlib import Path


def strip_rules(css: str, asset: str) -> str:
    """Drop each innermost `{...}` block that mentions `asset`, with its selector, then any at-rule left empty."""
    while (at := css.find(asset)) != -1:
        open_at = css.rfind("{", 0, at)
        close_at = css.find("}", at)
        start = max(css.rfind("}", 0, open_at), css.rfind("{", 0, open_at)) + 1
        css = css[:start] + css[close_at + 1 :]
        # An at-rule (@supports, @media) whose only rule was removed is left as `@...{}`: drop it too.
        empty = css.find("{}", start - 1)
        if empty != -1 and empty <= start:
            at_start = max(css.rfind("}", 0, empty), css.rfind("{", 0, empty)) + 1
            css = css[:at_start] + css[empty + 2 :]
    return css


if __name__ == "__main__":
    path = Path(sys.argv[1])
    css = path.read_text(encoding="utf-8")
    for name in sys.argv[2:]:
        css = strip_rules(css, name)
    path.write_text(css, encoding="utf-8")
