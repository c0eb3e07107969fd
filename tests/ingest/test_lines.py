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
            # the chunk's own bytes: its lines in order, an empty placeholder for each over-long one
            got_lines = bytes(c.data).split(b"\n")
            if len(got_lines) == c.n_lines + 1 and got_lines[-1] == b"":
                got_lines.pop()
            assert [x.rstrip(b"\r") for x in got_lines] == [
                b"" if n in long else lines[n - 1].rstrip(b"\r") for n in numbers
            ]
        total = data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
        assert seen == list(range(1 + int(header), total + 1))


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.integers(0, 20_000), max_size=12),
    chunk_bytes=st.sampled_from([1 << 12, 1 << 14, 1 << 16]),
    last_newline=st.booleans(),
)
def test_large_lines_with_the_no_copy_path(sizes: list[int], chunk_bytes: int, last_newline: bool) -> None:
    """With a max_line of 8 KiB (the path that counts lines without copying), lines up to 20 KB: each line once,
    its bytes in the chunk (an empty placeholder when over-long) and the over-long ones reported."""
    max_line = 8192
    lines = [bytes([65 + i % 26]) * n for i, n in enumerate(sizes)]
    data = b"\n".join(lines) + (b"\n" if last_newline and lines else b"")
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "f.tsv"
        path.write_bytes(data)
        seen: list[int] = []
        for c in read_chunks(path, chunk_bytes=chunk_bytes, max_line=max_line):
            numbers = list(range(c.first_line, c.first_line + c.n_lines))
            seen += numbers
            long = {n for n, _ in c.too_long}
            assert long == {n for n in numbers if len(lines[n - 1]) > max_line}
            got = bytes(c.data).split(b"\n")
            if len(got) == c.n_lines + 1 and got[-1] == b"":
                got.pop()
            assert got == [b"" if n in long else lines[n - 1] for n in numbers]
        total = data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
        assert seen == list(range(1, total + 1))


def test_progress_adds_up_to_the_file_size(tmp_path: Path) -> None:
    path = tmp_path / "f.tsv"
    path.write_bytes(b"".join(b"x" * (i % 700) + b"\n" for i in range(5000)) + b"tail")
    got: list[int] = []
    lines = sum(c.n_lines for c in read_chunks(path, chunk_bytes=1 << 16, max_line=1 << 14, progress=got.append))
    assert lines == 5001 and sum(got) == path.stat().st_size
