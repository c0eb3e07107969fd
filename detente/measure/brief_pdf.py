"""The brief as a PDF, for offices that circulate PDF: the same chart and tables as the HTML page.

Made with fpdf2 (pure Python, maintained, on PyPI) in DejaVu Sans, the TrueType font matplotlib ships in
``mpl-data/fonts/ttf`` (already installed with the chart library; free licence). fpdf2 embeds a subset of
the font, so the file reads the same on any machine, and the chart goes in as a 200-dpi PNG drawn by
the same :func:`detente.measure.brief.plot_png` as the page's. Why not HTML-to-PDF: that needs a browser
or a system library stack (WeasyPrint: Pango, Cairo) on every desk; fpdf2 needs nothing outside pip.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from detente.measure.brief import DRIVER_COLUMNS, EXPLAIN_COLUMNS, METHOD_NOTE, brief, headline, plot_png
from detente.store.warehouse import Store

__all__ = ["brief_pdf", "font_files"]

PERIOD_COLUMNS = ["period", "cooperation", "conflict", "balance", "events", "engagements", "trust"]


def font_files() -> dict[str, Path]:
    """DejaVu Sans regular and bold, from matplotlib's own data folder."""
    import matplotlib

    ttf = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return {"": ttf / "DejaVuSans.ttf", "B": ttf / "DejaVuSans-Bold.ttf"}


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.2f}"
    if isinstance(v, list | tuple):
        return ", ".join(map(str, v))
    return str(v)


class _Doc:
    """A thin layer over fpdf2: headings, paragraphs and tables in one font."""

    def __init__(self, title: str) -> None:
        from fpdf import FPDF

        pdf = FPDF(orientation="P", unit="mm", format="A4")
        for style, path in font_files().items():
            pdf.add_font("DejaVu", style, str(path))
        pdf.set_title(title)
        pdf.set_author("detente")
        pdf.set_creator("detente (fpdf2)")
        pdf.set_auto_page_break(auto=True, margin=14)
        pdf.set_margins(14, 14, 14)
        pdf.alias_nb_pages()
        self.pdf = pdf
        self.title = title
        pdf.add_page()

    @property
    def width(self) -> float:
        return float(self.pdf.w - self.pdf.l_margin - self.pdf.r_margin)

    def heading(self, text: str, size: float = 12) -> None:
        self.pdf.ln(2)
        self.pdf.set_font("DejaVu", "B", size)
        self.pdf.multi_cell(self.width, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1)

    def para(self, text: str, size: float = 9, muted: bool = False) -> None:
        self.pdf.set_font("DejaVu", "", size)
        self.pdf.set_text_color(110, 120, 130) if muted else self.pdf.set_text_color(31, 41, 51)
        self.pdf.multi_cell(self.width, size * 0.48, text, new_x="LMARGIN", new_y="NEXT")
        self.pdf.set_text_color(31, 41, 51)
        self.pdf.ln(1)

    def image(self, png: bytes, alt: str) -> None:
        self.pdf.image(io.BytesIO(png), w=self.width, alt_text=alt)
        self.pdf.ln(2)

    def table(self, rows: list[dict[str, Any]], cols: list[str], size: float = 7.5) -> None:
        if not rows:
            self.para("None.", muted=True)
            return
        self.pdf.set_font("DejaVu", "", size)
        # columns as wide as their content asks (capped), so short numbers do not take a long name's room
        widths = tuple(min(40, max(len(c), *(len(_cell(r.get(c))) for r in rows))) + 3 for c in cols)
        with self.pdf.table(
            width=self.width, col_widths=widths, line_height=size * 0.5, text_align="LEFT", padding=0.8,
            first_row_as_headings=True,
        ) as t:  # fmt: skip
            head = t.row()
            for c in cols:
                head.cell(c)
            for r in rows:
                row = t.row()
                for c in cols:
                    row.cell(_cell(r.get(c)))
        self.pdf.ln(2)

    def footer_text(self) -> None:
        self.para(f"{self.title} · generated {dt.date.today().isoformat()} by detente", size=7, muted=True)

    def bytes(self) -> bytes:
        return bytes(self.pdf.output())


def brief_pdf(
    store: Store, a: str, b: str, res: str = "month", since: dt.date | None = None, until: dt.date | None = None
) -> bytes:
    """The one-page brief (two or three A4 pages in print) as PDF bytes."""
    data = brief(store, a, b, res, since, until)
    x, y = data["dyad"]
    ex = data["explain"]
    doc = _Doc(f"Relations brief: {x}–{y}")
    doc.heading(f"Relations brief: {x}–{y}", size=15)
    doc.para(headline(data))
    doc.image(plot_png(data, dpi=200), alt=f"cooperation, conflict and trust of {x}–{y}")
    doc.heading("Why this trust")
    doc.para(ex["summary"])
    doc.table(ex["components"], EXPLAIN_COLUMNS)
    doc.heading("The engagements that weigh most", size=10)
    doc.table(ex["engagements"], DRIVER_COLUMNS)
    doc.heading("Latest periods")
    doc.table(data["series"][-12:], PERIOD_COLUMNS)
    doc.heading("Engagements")
    doc.table(data["engagements"], ["start_date", "kind", "name", "dataset"])
    doc.heading(f"Alliance commitments on {data['on']} (ATOP 5.1)")
    for p, q in ((x, y), (y, x)):
        doc.para(_commitment_text(p, q, data["commitments"][p]))
    doc.heading("Escalation alerts")
    doc.table(data["alerts"], ["period", "score", "signals", "events"])
    doc.heading("Evidence")
    doc.table(data["evidence"], ["dataset", "events", "first", "last"])
    doc.para(METHOD_NOTE, size=7.5, muted=True)
    doc.footer_text()
    return doc.bytes()


def _commitment_text(x: str, y: str, c: dict[str, Any]) -> str:
    if "error" in c:
        return f"If {x} were attacked by {y}: {c['error']}"
    defenders = ", ".join(c["defenders"]) or "no one"
    shared = ", ".join(c["shared"]) or "none"
    note = f" {c['note']}" if c["note"] else ""
    return f"If {x} were attacked by {y}, bound to defend it: {defenders}. Alliances the two share: {shared}.{note}"
