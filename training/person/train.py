"""Build the PER training corpus (Europeana CC0 + synthetic), train the spaCy NER, export it as package data.

The model goes to recognizers/models/person_nl.

Run from the repository root (deterministic for a given seed; one CPU thread):

    OMP_NUM_THREADS=1 python -m training.person.train

Only licence-clean data goes in: Europeana Newspapers NL (CC0) and sentences
generated from this repository's own templates and name lists. CoNLL-2002 is
never read here; it is used only to measure (python -m scanner.eval_ner).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import spacy
from spacy.cli.train import train as spacy_train
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, DocBin, Span

from training.person.europeana import europeana_examples
from training.person.synth import LEXICON_DIR, NAMES_DIR, Example, SentenceFactory, read_list

REPO_ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
EUROPEANA = REPO_ROOT.parent / "shared" / "data" / "europeana-nl" / "enp_NL.kb.bio"
MODEL_DIR = REPO_ROOT / "recognizers" / "models" / "person_nl"
SYNTHETIC_COUNTS = {"news": 5000, "composed": 7000, "mail": 5000, "negative": 3500}


def to_doc(nlp: Language, example: Example, gazetteer: PhraseMatcher | None) -> Doc | None:
    """Tokenise with the production tokenizer and attach the spans; None when they cannot be set."""
    doc = nlp.make_doc(example.text)
    ents = []
    for start, end, label in example.spans:
        while start < end and example.text[start].isspace():
            start += 1
        while end > start and example.text[end - 1].isspace():
            end -= 1
        span = doc.char_span(start, end, label=label, alignment_mode="strict")
        if span is None:
            span = doc.char_span(start, end, label=label, alignment_mode="contract")
        if span is None or not any(token.is_alpha for token in span):
            continue
        ents.append(span)
    if gazetteer is not None:
        # Places and organisations written into the templates get their label too.
        taken = {i for span in ents for i in range(span.start, span.end)}
        for match_id, start, end in gazetteer(doc):
            if not taken.intersection(range(start, end)):
                ents.append(Span(doc, start, end, label=nlp.vocab.strings[match_id]))
    try:
        doc.ents = spacy.util.filter_spans(ents)
    except ValueError:
        return None
    return doc


def contrast_gazetteer(nlp: Language, labels: frozenset[str]) -> PhraseMatcher:
    """Case-sensitive matcher for the training lexicon's places (LOC) and organisations (ORG)."""
    matcher = PhraseMatcher(nlp.vocab)
    if "LOC" in labels:
        matcher.add("LOC", [nlp.make_doc(p) for p in read_list(NAMES_DIR / "places.txt")])
    if "ORG" in labels:
        matcher.add("ORG", [nlp.make_doc(o) for o in read_list(LEXICON_DIR / "organisations.txt")])
    return matcher


def write_docbin(nlp: Language, examples: Iterable[tuple[Example, bool]], path: Path, labels: frozenset[str]) -> int:
    """Write examples (with whether to label lexicon places/organisations) as a DocBin; return the count."""
    docbin = DocBin(store_user_data=False)
    gazetteer = contrast_gazetteer(nlp, labels)
    count = 0
    for example, synthetic in examples:
        doc = to_doc(nlp, example, gazetteer if synthetic else None)
        if doc is not None and len(doc):
            docbin.add(doc)
            count += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    docbin.to_disk(path)
    return count


def build_corpus(
    work_dir: Path, seed: int, counts: dict[str, int], labels: frozenset[str], swaps: int
) -> dict[str, int]:
    """Write train.spacy and dev.spacy (every tenth sentence of each source goes to dev)."""
    nlp = spacy.blank("nl")
    factory = SentenceFactory(seed)
    europeana = europeana_examples(EUROPEANA)
    with_persons = [e for e in europeana if any(span[2] == "PER" for span in e.spans)]
    sources: dict[str, list[Example]] = {
        "europeana": europeana,
        "europeana_swapped": [factory.swap_names(e) for _ in range(swaps) for e in with_persons],
    }
    for kind, count in counts.items():
        sources[kind] = list(factory.generate(kind, count))
    train: list[tuple[Example, bool]] = []
    dev: list[tuple[Example, bool]] = []
    for name, examples in sources.items():
        synthetic = not name.startswith("europeana")
        for index, example in enumerate(examples):
            kept = Example(example.text, [span for span in example.spans if span[2] in labels])
            (dev if index % 10 == 9 else train).append((kept, synthetic))
    random.Random(seed).shuffle(train)
    stats = {name: len(examples) for name, examples in sources.items()}
    stats["train_docs"] = write_docbin(nlp, train, work_dir / "train.spacy", labels)
    stats["dev_docs"] = write_docbin(nlp, dev, work_dir / "dev.spacy", labels)
    stats["train_per"] = sum(1 for e, _ in train for span in e.spans if span[2] == "PER")
    return stats


@spacy.registry.callbacks("verzendcheck.epoch_snapshots.v1")
def epoch_snapshots(directory: str) -> Callable[[Language, dict[str, Any]], None]:
    """A before_update callback that saves the pipeline at the end of every epoch (for tuning epochs)."""
    seen = {"epoch": 0}

    def snapshot(nlp: Language, args: dict[str, Any]) -> None:
        if args["epoch"] != seen["epoch"]:
            Path(directory).mkdir(parents=True, exist_ok=True)
            nlp.to_disk(Path(directory) / f"epoch{seen['epoch'] + 1}")
            seen["epoch"] = args["epoch"]

    return snapshot


def export_model(best: Path, output: Path) -> None:
    """Copy the best pipeline (tokenizer + ner only) to the package data folder."""
    nlp = spacy.load(best)
    if nlp.pipe_names != ["ner"]:
        raise RuntimeError(f"expected only a ner component, got {nlp.pipe_names}")
    nlp.meta["name"] = "person_nl"
    nlp.meta["version"] = "1.0.0"
    nlp.meta["description"] = (
        "Dutch person-name tagger of verzendcheck (PER; LOC and ORG are learnt only as contrast). "
        "Trained on Europeana Newspapers NL (CC0) and project-authored synthetic sentences; "
        "rebuild with python -m training.person.train"
    )
    nlp.meta["license"] = "EUPL-1.2"
    nlp.meta.pop("performance", None)
    if output.exists():
        shutil.rmtree(output)
    nlp.to_disk(output)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work-dir", type=Path, default=Path(tempfile.gettempdir()) / "verzendcheck-person-train")
    parser.add_argument("--output", type=Path, default=MODEL_DIR)
    parser.add_argument("--config", type=Path, default=HERE / "config.cfg")
    parser.add_argument("--max-epochs", type=int, default=None)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the synthetic sentence counts")
    parser.add_argument("--override", action="append", default=[], help="spaCy config override KEY=VALUE")
    parser.add_argument("--labels", default="PER,LOC,ORG", help="entity labels to learn (LOC/ORG only as contrast)")
    parser.add_argument("--swaps", type=int, default=3, help="copies of Europeana sentences with other names")
    parser.add_argument("--snapshots", type=Path, default=None, help="save the pipeline after every epoch here")
    args = parser.parse_args(argv)

    started = time.monotonic()
    counts = {kind: int(count * args.scale) for kind, count in SYNTHETIC_COUNTS.items()}
    stats = build_corpus(args.work_dir, args.seed, counts, frozenset(args.labels.split(",")), args.swaps)
    print(json.dumps({"corpus": stats, "seconds": round(time.monotonic() - started, 1)}), flush=True)

    overrides: dict[str, object] = {
        "paths.train": str(args.work_dir / "train.spacy"),
        "paths.dev": str(args.work_dir / "dev.spacy"),
        "system.seed": args.seed,
    }
    if args.max_epochs is not None:
        overrides["training.max_epochs"] = args.max_epochs
    for item in args.override:
        key, value = item.split("=", 1)
        overrides[key] = json.loads(value)
    if args.snapshots is not None:
        overrides["training.before_update"] = {
            "@callbacks": "verzendcheck.epoch_snapshots.v1",
            "directory": str(args.snapshots),
        }
    model_out = args.work_dir / "model"
    spacy_train(args.config, model_out, overrides=overrides, use_gpu=-1)
    export_model(model_out / "model-best", args.output)
    size = sum(f.stat().st_size for f in args.output.rglob("*") if f.is_file())
    print(json.dumps({"model": str(args.output), "bytes": size, "seconds": round(time.monotonic() - started, 1)}))


if __name__ == "__main__":
    main()
