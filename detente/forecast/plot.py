"""The reliability (calibration) plot of a backtest, as PNG bytes (matplotlib, no display needed)."""

from __future__ import annotations

import io
from typing import Any

__all__ = ["calibration_png"]

COLOURS = {
    "peace_years": "#9aa5b1",
    "standard": "#2b7bb9",
    "logit": "#8e6c8a",
    "boosted": "#c0392b",
    "logit_no_eng": "#b7a3b5",
    "selected": "#e08e0b",
}


def calibration_png(tasks: dict[str, dict[str, Any]]) -> bytes:
    """One panel per task: observed frequency against mean forecast per decile bin, for each model.

    ``tasks`` maps a task name to its summary (``reliability``: model -> bins, ``label``).
    """
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    n = max(len(tasks), 1)
    fig = Figure(figsize=(5.2 * n, 4.6), dpi=100)
    for i, (name, summary) in enumerate(tasks.items(), start=1):
        ax = fig.add_subplot(1, n, i)
        top = 0.0
        for model, bins in summary["reliability"].items():
            xs = [b["mean_forecast"] for b in bins]
            ys = [b["observed"] for b in bins]
            top = max([top, *xs, *ys])
            ax.plot(xs, ys, marker="o", ms=3, lw=1.4, color=COLOURS.get(model, "#333333"), label=model)
        top = min(1.0, top * 1.05 or 1.0)
        ax.plot([0, top], [0, top], ls="--", lw=0.8, color="#555555", label="perfect")
        ax.set_xlim(0, top)
        ax.set_ylim(0, top)
        ax.set_xlabel("mean forecast (decile bins)")
        ax.set_ylabel("observed frequency")
        ax.set_title(f"{name}: {summary.get('label', '')}"[:60], fontsize=9)
        ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
