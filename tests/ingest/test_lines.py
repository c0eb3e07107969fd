"""Chunks of whole lines: every line lands in exactly one chunk, and its bytes can be read back from the file."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from detente.ingest.lines import read_chunks, read_lines

LINE = st.binary(max_size=40).map(lambda b: b.replace(b"\n", b" "))


@settings(max_examples=150, deadline=None)
@given(
    lines=st.lists(LINE, max_size=40),
    end=st.sampled_from([b"\n", b"\r\n"]),
    last_newline=st.booleans(),
    chunk_bytes=st.integers(1, 120),
    max_line=st.integers(8, 60),
    header=st.booleans(),
)
def test_every_line_once_and_readable_back(
    lines: list[bytes], end: bytes, last_newline: bool, chunk_bytes: int, max_line: int, header: bool
) -> None:
    data = end.join(lines) + (end if last_newline and lines else b"")
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "f.tsv"
        path.write_bytes(data)
        seen: list[int] = []
        for c in read_chunks(path, chunk_bytes=chunk_bytes, max_line=max_line, skip_lines=int(header)):
            numbers = list(range(c.first_line, c.first_line + c.n_lines))
            seen += numbers
            long = {n for n, _ in c.too_long}
            back = read_lines(path, c.region, [n for n in numbers if n not in long])
            for n, got in back.items():
                assert got == lines[n - 1].rstrip(b"\r"), (n, got)
            assert set(back) == {n for n in numbers if n not in long}
        total = data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
        assert seen == list(range(1 + int(header), total + 1))
