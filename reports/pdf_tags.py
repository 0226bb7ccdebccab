"""Corrections to WeasyPrint's PDF tags (weasyprint/pdf/tags.py, version 70), made where the tags are written.

WeasyPrint builds the structure tree page by page, from each page's boxes, which gives two defects in a tagged
(PDF/UA-1) committee report:

* an element split over pages becomes one structure element per page: a table that runs over three pages is three
  tables to a screen reader, each after the first starting with a second copy of the header row;
* a figure's layout bounding box (``/A << /O /Layout /BBox [...] >>``) is written in CSS pixels measured from the
  top of the page, where PDF wants points measured from the bottom-left corner.

``install()`` wraps ``add_tags`` (and records, for every structure element, the HTML element it was made from) so
that, once WeasyPrint has built the tree, elements continued from one page onto the next are joined into one, the
header row WeasyPrint repeats on each page of a table is marked as an artifact (drawn, not read out twice), so is
the running header and footer (whose elements WeasyPrint leaves out of the tree), and figure boxes are converted
to PDF points. Idempotent; drop it when upstream does the same.
"""

from __future__ import annotations

import threading

import pydyf

_state = threading.local()
CSS_PX_TO_PT = 0.75  # 72 points per inch / 96 CSS pixels per inch, as WeasyPrint draws at zoom 1


def install() -> None:
    import weasyprint.pdf as weasy_pdf
    from weasyprint.pdf import tags

    if getattr(weasy_pdf.add_tags, "_portal", False):
        return
    original_build, original_add = tags._build_box_tree, weasy_pdf.add_tags

    def build_box_tree(box, *args):
        for element in original_build(box, *args):
            sources = getattr(_state, "sources", None)
            if sources is not None:
                sources.setdefault(id(element), box.element)
            yield element

    def add_tags(pdf, document, *args, **kwargs):
        _state.sources = {}
        try:
            original_add(pdf, document, *args, **kwargs)
            _Fixer(pdf, _state.sources).run()
        finally:
            _state.sources = None

    add_tags._portal = True
    tags._build_box_tree = build_box_tree
    weasy_pdf.add_tags = add_tags


def _number(reference) -> int | None:
    text = reference.decode() if isinstance(reference, bytes) else reference
    if isinstance(text, str) and text.endswith(" 0 R"):
        return int(text.split()[0])
    return None


class _Fixer:
    def __init__(self, pdf, sources: dict[int, object]):
        self.pdf, self.sources = pdf, sources
        self.pages = {bytes(ref): i for i, ref in enumerate(pdf.page_references)}
        root = self.get(pdf.catalog["StructTreeRoot"])
        self.root, self.nums = root, self.get(root["ParentTree"])["Nums"]
        self.replaced: dict[bytes, bytes] = {}
        self.reached: dict[int, int] = {}
        self.marks: dict[int, tuple[list, dict[int, int]]] = {}

    def get(self, reference):
        number = _number(reference)
        return self.pdf.objects[number] if number is not None else None

    def struct(self, kid):
        obj = self.get(kid) if isinstance(kid, bytes) else None
        return obj if isinstance(obj, pydyf.Dictionary) and obj.get("Type") == "/StructElem" else None

    def run(self) -> None:
        for top in self.root["K"]:
            self.join(self.get(top))
        self.repoint_parent_tree()
        self.orphans_to_artifacts()
        for obj in self.pdf.objects:
            if isinstance(obj, pydyf.Dictionary) and obj.get("S") == "/Figure" and "A" in obj:
                self.figure_bbox(obj)

    def join(self, element) -> None:
        """Join each child continued from the previous page into the child it continues, then look inside. In a
        table the header rows repeated on later pages go first, so the row groups they separate can join."""
        if element.get("S") == "/Table":
            self.repeated_headers_to_artifacts(element)
        kept = []
        for kid in element["K"]:
            child, previous = self.struct(kid), self.struct(kept[-1]) if kept else None
            if child is not None and previous is not None and self.continues(previous, child):
                self.absorb(previous, child)
                continue
            kept.append(kid)
        element["K"] = pydyf.Array(kept)
        for kid in element["K"]:
            child = self.struct(kid)
            if child is not None:
                self.join(child)

    def continues(self, previous, child) -> bool:
        source = self.sources.get(id(child))
        return (
            source is not None
            and source is self.sources.get(id(previous))
            and child["S"] == previous["S"]
            and self.pages.get(bytes(child["Pg"]), -1) == self.last_page(previous) + 1
        )

    def last_page(self, element) -> int:
        """The last page an element runs onto: its own, or that of the last continuation it absorbed."""
        return self.reached.get(id(element), self.pages.get(bytes(element["Pg"]), -2))

    def absorb(self, previous, child) -> None:
        for kid in child["K"]:
            if isinstance(kid, int):  # a marked-content id on the child's own page
                kid = pydyf.Dictionary({"Type": "/MCR", "Pg": child["Pg"], "MCID": kid})
            grandchild = self.struct(kid)
            if grandchild is not None:
                grandchild["P"] = previous.reference
            previous["K"].append(kid)
        self.replaced[child.reference] = previous.reference
        self.reached[id(previous)] = self.last_page(child)

    def repeated_headers_to_artifacts(self, table) -> None:
        """A header row group seen before in this table is WeasyPrint's repeat on a later page: an artifact, and
        the cells under it point at the first header row's cells instead."""
        first: dict[int, list] = {}
        kept, header_ids = [], {}
        for kid in table["K"]:
            child = self.struct(kid)
            source = self.sources.get(id(child)) if child is not None else None
            if child is not None and child["S"] == "/THead" and source is not None:
                if id(source) in first:
                    for repeat, original in zip(self.cells(child, "/TH"), first[id(source)], strict=False):
                        if "ID" in repeat and "ID" in original:
                            header_ids[repeat["ID"].string] = original["ID"]
                    self.to_artifact(child)
                    continue
                first[id(source)] = list(self.cells(child, "/TH"))
            kept.append(kid)
        table["K"] = pydyf.Array(kept)
        if header_ids:
            for cell in self.cells(table, "/TD"):
                headers = cell.get("A", {}).get("Headers")
                if headers is not None:
                    cell["A"]["Headers"] = pydyf.Array(header_ids.get(h.string, h) for h in headers)

    def cells(self, element, tag: str):
        for kid in element["K"]:
            child = self.struct(kid)
            if child is not None:
                if child["S"] == tag:
                    yield child
                yield from self.cells(child, tag)

    def to_artifact(self, element) -> None:
        """Mark the element's content as an artifact on its page and leave it out of the tree."""
        for page, mcid in self.marked_content(element):
            self.artifact(page, mcid)

    def artifact(self, page: int, mcid: int) -> None:
        """``/Tag <</MCID n>> BDC`` becomes ``/Artifact BMC`` (same number of items, so indexes stay right)."""
        if page not in self.marks:
            items = self.get(self.get(self.pdf.page_references[page])["Contents"]).stream
            self.marks[page] = (items, {
                item["MCID"]: i for i, item in enumerate(items) if isinstance(item, pydyf.Dictionary) and "MCID" in item
            })  # fmt: skip
        items, where = self.marks[page]
        i = where.pop(mcid, None)
        if i is not None and i >= 1 and isinstance(items[i - 1], str) and items[i + 1] == b"BDC":
            items[i - 1 : i + 2] = ["/Artifact", b"", b"BMC"]
        self.nums[2 * page + 1][mcid] = "null"

    def orphans_to_artifacts(self) -> None:
        """Marked content whose element is not in the tree (WeasyPrint builds the page margins' elements, the
        running header and footer, without linking them) is an artifact, as PDF/UA requires."""
        reachable, stack = set(), [self.root]
        while stack:
            for kid in stack.pop()["K"]:
                child = self.struct(kid)
                if child is not None and id(child) not in reachable:
                    reachable.add(id(child))
                    stack.append(child)
        for page in range(len(self.pdf.page_references)):
            for mcid, reference in enumerate(list(self.nums[2 * page + 1])):
                element = self.struct(reference)
                if element is not None and id(element) not in reachable:
                    self.artifact(page, mcid)

    def marked_content(self, element):
        page = self.pages.get(bytes(element["Pg"]))
        for kid in element["K"]:
            if isinstance(kid, int):
                yield page, kid
            elif isinstance(kid, pydyf.Dictionary) and kid.get("Type") == "/MCR":
                yield self.pages.get(bytes(kid["Pg"])), kid["MCID"]
            elif (child := self.struct(kid)) is not None:
                yield from self.marked_content(child)

    def repoint_parent_tree(self) -> None:
        def final(reference):
            while isinstance(reference, bytes) and reference in self.replaced:
                reference = self.replaced[reference]
            return reference

        for i, entry in enumerate(self.nums):
            if isinstance(entry, pydyf.Array):
                entry[:] = [final(ref) for ref in entry]
            elif i % 2 == 1:
                self.nums[i] = final(entry)

    def figure_bbox(self, figure) -> None:
        """CSS pixels from the top-left corner -> PDF points from the bottom-left corner of the figure's page."""
        bbox, page = figure["A"].get("BBox"), self.get(figure["Pg"])
        if bbox is None or page is None or getattr(figure, "_portal_bbox_fixed", False):
            return
        left, bottom, right, top = (float(v) for v in page["MediaBox"])
        x1, y1, x2, y2 = (float(v) * CSS_PX_TO_PT for v in bbox)
        figure["A"]["BBox"] = pydyf.Array((left + x1, top - y2, left + x2, top - y1))
        figure._portal_bbox_fixed = True
