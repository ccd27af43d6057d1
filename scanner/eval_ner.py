"""Measure PERSON recognition on a CoNLL-2002 file: entity-level exact-match precision, recall and F1 for PER.

    python -m scanner.eval_ner ../shared/data/conll2002-nl/ned.testa [--per-only] [--model-only]

Runs the production recognition (blank "nl" tokenizer + lookup lemmatizer +
the PER model, then `PersonRecognizer`) over each document of the file, the
sentences of a document joined by newlines and the tokens by spaces, and
compares character spans with the gold PER spans. Only PER is scored: the
project recognizes persons, not LOC/ORG/MISC (`--per-only` is accepted and
changes nothing). CoNLL-2002 is for measuring only, never for training.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.language import Language
from spacy.tokens import Doc

from recognizers.person import PersonRecognizer
from recognizers.person_model import NER_LABEL, build_person_pipeline


@dataclass
class GoldDocument:
    """A CoNLL document as text with its gold PER character spans."""

    text: str = ""
    spans: set[tuple[int, int]] = field(default_factory=set)
    tokens: int = 0


@dataclass
class Score:
    """Entity-level exact-match counts."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, predicted: set[tuple[int, int]], gold: set[tuple[int, int]]) -> None:
        self.tp += len(predicted & gold)
        self.fp += len(predicted - gold)
        self.fn += len(gold - predicted)


def read_conll(path: Path, label: str = "PER") -> list[GoldDocument]:
    """Documents of a CoNLL-2002 file (token POS IOB; blank line between sentences; -DOCSTART- between documents)."""
    documents: list[GoldDocument] = []
    sentences: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []

    def close_document() -> None:
        if current:
            sentences.append(list(current))
            current.clear()
        if sentences:
            documents.append(_to_document(sentences, label))
            sentences.clear()

    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if not parts:
            if current:
                sentences.append(list(current))
                current.clear()
        elif parts[0] == "-DOCSTART-":
            close_document()
        else:
            current.append((parts[0], parts[-1]))
    close_document()
    return documents


def _to_document(sentences: list[list[tuple[str, str]]], label: str) -> GoldDocument:
    document = GoldDocument()
    pieces: list[str] = []
    length = 0
    for sentence in sentences:
        if pieces:
            pieces.append("\n")
            length += 1
        open_start: int | None = None
        open_end = 0
        for index, (token, tag) in enumerate(sentence):
            if index:
                pieces.append(" ")
                length += 1
            start, length = length, length + len(token)
            pieces.append(token)
            document.tokens += 1
            inside = tag in {f"B-{label}", f"I-{label}"}
            if inside and (tag.startswith("B-") or open_start is None):
                if open_start is not None:
                    document.spans.add((open_start, open_end))
                open_start = start
            elif not inside and open_start is not None:
                document.spans.add((open_start, open_end))
                open_start = None
            if inside:
                open_end = start + len(token)
        if open_start is not None:
            document.spans.add((open_start, open_end))
    document.text = "".join(pieces)
    return document


def artifacts(doc: Doc) -> NlpArtifacts:
    """The NLP artifacts Presidio's spaCy engine would hand to the recognizers."""
    return NlpArtifacts(
        entities=list(doc.ents),
        tokens=doc,
        tokens_indices=[token.idx for token in doc],
        lemmas=[token.lemma_ for token in doc],
        nlp_engine=None,
        language="nl",
    )


def predictions(
    documents: list[GoldDocument], model_only: bool, min_score: float, nlp: Language | None = None
) -> Iterator[tuple[GoldDocument, dict[tuple[int, int], str]]]:
    """Each document with its found PER spans, each span mapped to the evidence that found it."""
    nlp = nlp or build_person_pipeline()
    recognizer = PersonRecognizer(nlp=nlp)
    for document, doc in zip(documents, nlp.pipe((d.text for d in documents), batch_size=32), strict=True):
        if model_only:
            found = {(e.start_char, e.end_char): "model" for e in doc.ents if e.label_ == NER_LABEL}
        else:
            results = recognizer.analyze(document.text, ["PERSON"], artifacts(doc))
            found = {
                (r.start, r.end): r.analysis_explanation.textual_explanation if r.analysis_explanation else ""
                for r in results
                if r.score >= min_score
            }
        yield document, found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, help="CoNLL-2002 file, e.g. ned.testa")
    parser.add_argument("--per-only", action="store_true", help="score PER only (always the case)")
    parser.add_argument("--model-only", action="store_true", help="score the NER model's PER spans without the rules")
    parser.add_argument("--min-score", type=float, default=0.5, help="lowest recognizer score counted as found")
    parser.add_argument("--errors", action="store_true", help="print missed and spurious spans (for tuning)")
    args = parser.parse_args(argv)
    if not args.file.is_file():
        parser.error(f"no such file: {args.file}")

    documents = read_conll(args.file)
    nlp = build_person_pipeline()
    PersonRecognizer(nlp=nlp).analyze("Dhr. Ahmad Karimi", ["PERSON"])  # load the name lists before timing
    started = time.perf_counter()
    score = Score()
    for document, found in predictions(documents, args.model_only, args.min_score, nlp):
        score.add(set(found), document.spans)
        if args.errors:
            for start, end in sorted(set(found) - document.spans):
                print(f"FP\t{document.text[start:end]!r}\t{_context(document.text, start, end)}\t{found[start, end]}")
            for start, end in sorted(document.spans - set(found)):
                print(f"FN\t{document.text[start:end]!r}\t{_context(document.text, start, end)}")
    seconds = time.perf_counter() - started
    tokens = sum(d.tokens for d in documents)
    mode = "model only" if args.model_only else "model + rules"
    print(
        f"PER ({mode}) on {args.file.name}: P {score.precision:.3f}  R {score.recall:.3f}  F1 {score.f1:.3f}"
        f"  (tp {score.tp}, fp {score.fp}, fn {score.fn}; {tokens} tokens in {seconds:.1f} s,"
        f" {tokens / seconds:.0f} tokens/s)"
    )
    return 0


def _context(text: str, start: int, end: int) -> str:
    left = text[max(0, start - 40) : start].split("\n")[-1]
    right = text[end : end + 40].split("\n")[0]
    return f"{left}[{text[start:end]}]{right}"


if __name__ == "__main__":
    sys.exit(main())
