"""Post an admin change page as a browser would: every field as the page shows it, with some changed."""

from html.parser import HTMLParser


class _FormFields(HTMLParser):
    """The values a browser would submit from the page's main form (inline templates left out)."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, list[str]] = {}
        self.in_form = False
        self.select: tuple[str, bool] | None = None  # (name, multiple)
        self.options: list[tuple[str, bool]] = []
        self.textarea: str | None = None

    def _add(self, name, value):
        if name and "__prefix__" not in name:
            self.fields.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("id") or "").endswith("_form"):
            self.in_form = True
        if not self.in_form:
            return
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._add(a.get("name"), a.get("value", "on" if kind in ("checkbox", "radio") else ""))
        elif tag == "select":
            self.select, self.options = (a.get("name"), "multiple" in a), []
        elif tag == "option" and self.select:
            self.options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea":
            self.textarea = a.get("name")
            self._add(self.textarea, "")

    def handle_data(self, data):
        if self.textarea and self.textarea in self.fields:
            self.fields[self.textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "textarea":
            if self.textarea and self.fields.get(self.textarea, [""])[-1].startswith("\n"):
                self.fields[self.textarea][-1] = self.fields[self.textarea][-1][1:]
            self.textarea = None
        elif tag == "select" and self.select:
            name, multiple = self.select
            chosen = [value for value, selected in self.options if selected]
            if not chosen and not multiple and self.options:
                chosen = [self.options[0][0]]
            for value in chosen:
                self._add(name, value)
            self.select = None


def admin_post(client, url: str, **changes) -> None:
    """Load the admin page at `url` and save it with `changes` (a value, or a list for a multiple choice)."""
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    parser = _FormFields()
    parser.feed(page.content.decode())
    data = dict(parser.fields)
    for name, value in changes.items():
        data[name] = [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]
    response = client.post(url, data)
    assert response.status_code == 302, _errors(response)


def _errors(response) -> str:
    context = response.context or {}
    form = context.get("adminform")
    return str(form.form.errors if form else response.content[:2000])
