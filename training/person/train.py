"""Build the PER training corpus (Europeana CC0 + synthetic), train the spaCy NER and export it to recognizers/models/person_nl.

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
from collections.abc import Iterable
from pathlib import Path

import spacy
from spacy.cli.train import train as spacy_train
from spacy.language import Language
from spacy.tokens import Doc, DocBin

from training.person.europeana import europeana_examples
from training.person.synth import Example, SentenceFactory

REPO_ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
EUROPEANA = REPO_ROOT.parent / "shared" / "data" / "europeana-nl" / "enp_NL.kb.bio"
MODEL_DIR = REPO_ROOT / "recognizers" / "models" / "person_nl"
SYNTHETIC_COUNTS = {"news": 7000, "mail": 5000, "negative": 3500}


def to_doc(nlp: Language, example: Example) -> Doc | None:
    """Tokenise with the production tokenizer and attach PER spans; None when a span cannot be aligned."""
    doc = nlp.make_doc(example.text)
    ents = []
    for start, end in example.spans:
        while start < end and example.text[start].isspace():
            start += 1
        while end > start and example.text[end - 1].isspace():
            end -= 1
        span = doc.char_span(start, end, label="PER", alignment_mode="strict")
        if span is None:
            span = doc.char_span(start, end, label="PER", alignment_mode="contract")
        if span is None or not any(token.is_alpha for token in span):
            continue
        ents.append(span)
    try:
        doc.ents = spacy.util.filter_spans(ents)
    except ValueError:
        return None
    return doc


def write_docbin(nlp: Language, examples: Iterable[Example], path: Path) -> int:
    """Write examples as a DocBin; return the number of documents written."""
    docbin = DocBin(store_user_data=False)
    count = 0
    for example in examples:
        doc = to_doc(nlp, example)
        if doc is not None and len(doc):
            docbin.add(doc)
            count += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    docbin.to_disk(path)
    return count


def build_corpus(work_dir: Path, seed: int, counts: dict[str, int]) -> dict[str, int]:
    """Write train.spacy and dev.spacy (every tenth sentence of each source goes to dev)."""
    nlp = spacy.blank("nl")
    factory = SentenceFactory(seed)
    europeana = europeana_examples(EUROPEANA)
    sources: dict[str, list[Example]] = {
        "europeana": europeana,
        "europeana_swapped": [factory.swap_names(e) for e in europeana if e.spans],
    }
    for kind, count in counts.items():
        sources[kind] = list(factory.generate(kind, count))
    train: list[Example] = []
    dev: list[Example] = []
    for examples in sources.values():
        for index, example in enumerate(examples):
            (dev if index % 10 == 9 else train).append(example)
    random.Random(seed).shuffle(train)
    stats = {name: len(examples) for name, examples in sources.items()}
    stats["train_docs"] = write_docbin(nlp, train, work_dir / "train.spacy")
    stats["dev_docs"] = write_docbin(nlp, dev, work_dir / "dev.spacy")
    stats["train_per"] = sum(len(e.spans) for e in train)
    return stats


def export_model(best: Path, output: Path) -> None:
    """Copy the best pipeline (tokenizer + ner only) to the package data folder."""
    nlp = spacy.load(best)
    assert nlp.pipe_names == ["ner"], nlp.pipe_names
    nlp.meta["name"] = "person_nl"
    nlp.meta["version"] = "1.0.0"
    nlp.meta["description"] = (
        "Dutch PER tagger for verzendcheck, trained on Europeana Newspapers NL (CC0) "
        "and synthetic sentences; see training/person/train.py"
    )
    nlp.meta["license"] = "same as verzendcheck; training data CC0 + project-authored"
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
    args = parser.parse_args(argv)

    started = time.monotonic()
    counts = {kind: int(count * args.scale) for kind, count in SYNTHETIC_COUNTS.items()}
    stats = build_corpus(args.work_dir, args.seed, counts)
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
    model_out = args.work_dir / "model"
    spacy_train(args.config, model_out, overrides=overrides, use_gpu=-1)
    export_model(model_out / "model-best", args.output)
    size = sum(f.stat().st_size for f in args.output.rglob("*") if f.is_file())
    print(json.dumps({"model": str(args.output), "bytes": size, "seconds": round(time.monotonic() - started, 1)}))


if __name__ == "__main__":
    main()
