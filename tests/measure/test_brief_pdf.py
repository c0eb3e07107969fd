"""The circulated brief as PDF: pages with the chart, fonts embedded, on every face (CLI, API, page)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from detente.config import Settings
from detente.measure.brief import brief, trust_curve
from detente.measure.brief_pdf import brief_pdf, font_files
from detente.store import Store
from detente.store.reference import load_reference
from measure.synth import escalation_rows, insert_events

POPPLER = shutil.which("pdftoppm") and shutil.which("pdffonts")
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils is not installed (scripts/system-deps.sh)")


def gap_rows() -> list[tuple[str, str, str, float, int]]:
    """A few months of 2021, nothing for five years, a few months of 2026: the axis must show the gap."""
    return escalation_rows("EST", "RUS", "2021-01-01", 60) + escalation_rows("EST", "RUS", "2026-03-01", 40)


def page_images(pdf: Path, out: Path) -> list[Path]:
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(out / "page")], check=True, timeout=120)
    return sorted(out.glob("page-*.png"))


def chart_ink(png: Path) -> float:
    """Share of non-white pixels in the upper part of a page, where the chart sits."""
    from PIL import Image

    img = Image.open(png).convert("L")
    w, h = img.size
    band = img.crop((0, int(h * 0.12), w, int(h * 0.5)))
    data = band.tobytes()
    return sum(1 for v in data if v < 200) / len(data)


@needs_poppler
def test_pdf_has_pages_with_the_chart_and_embedded_fonts(store: Store, tmp_path: Path) -> None:
    insert_events(store, gap_rows())
    pdf = tmp_path / "brief.pdf"
    pdf.write_bytes(brief_pdf(store, "EST", "RUS", "month"))
    pages = page_images(pdf, tmp_path)
    assert len(pages) >= 2
    assert chart_ink(pages[0]) > 0.03  # the chart is drawn, not a blank image area
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(re.split(r"\s+", f.strip())[-5] == "yes" for f in fonts), fonts  # the 'emb' column
    assert any("DejaVuSans" in f for f in fonts)
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        for section in ("Relations brief: EST–RUS", "Why this trust", "Latest periods", "Evidence"):
            assert section in text


def test_the_chart_is_on_a_real_time_axis(store: Store) -> None:
    insert_events(store, gap_rows())
    data = brief(store, "EST", "RUS", "month")
    days, _ = trust_curve(data["series"])
    years = sorted({d.year for d in days})
    assert years[0] == 2021 and years[-1] == 2026 and {2022, 2023, 2024, 2025} <= set(years)  # the gap is drawn
    assert days == sorted(days)
    assert font_files()[""].is_file() and font_files()["B"].is_file()


@needs_poppler
def test_faces_cli_and_api(store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from detente.api import create_app
    from detente.cli import main

    insert_events(store, gap_rows())
    with TestClient(create_app(Settings(db=tmp_path / "t.duckdb"), store=store)) as c:
        for path in ("/api/dyads/EST,RUS/brief.pdf", "/api/dyads/EST,RUS/brief?format=pdf&res=year"):
            r = c.get(path)
            assert r.status_code == 200 and r.headers["content-type"] == "application/pdf", path
            assert r.content.startswith(b"%PDF-") and "brief-EST-RUS.pdf" in r.headers["content-disposition"]
        page = c.get("/api/dyads/EST,RUS/brief")
        assert "id='pdf-link'" in page.text and "brief.pdf?res=month" in page.text and "Why this trust" in page.text
        assert c.get("/api/dyads/EST,RUS/brief?format=docx").status_code == 422
        assert c.get("/api/dyads/EST,ZZZ/brief.pdf").status_code == 404
    db = tmp_path / "d.duckdb"
    s = Store.open(str(db))
    load_reference(s)
    insert_events(s, gap_rows())
    s.close()
    out = tmp_path / "out"
    out.mkdir()
    main(["--db", str(db), "brief", "EST", "RUS", "-o", str(out / "b.pdf")])
    assert (out / "b.pdf").read_bytes().startswith(b"%PDF-") and "wrote" in capsys.readouterr().out
    main(["--db", str(db), "brief", "EST", "RUS", "--output", str(out), "--format", "pdf"])  # a folder: named file
    assert (out / "brief-EST-RUS.pdf").is_file()
    main(["--db", str(db), "brief", "EST", "RUS", "-o", str(out / "b.html")])
    assert (out / "b.html").read_text().startswith("<!doctype html>")
    capsys.readouterr()
    with pytest.raises(SystemExit):
        main(["--db", str(db), "brief", "EST", "RUS", "-o", str(out / "b.docx")])
    err = capsys.readouterr().err
    assert err.startswith("error: Cannot write a brief as 'docx'") and err.count("\n") == 1
