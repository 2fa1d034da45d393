"""The labelled corpus of tests/data/confidentiality_corpus.txt and the guard's scores on it."""
from dataclasses import dataclass
from pathlib import Path

from forum.confidentiality import DIRECT, detector

CORPUS = Path(__file__).parent / "data" / "confidentiality_corpus.txt"


@dataclass
class Scores:
    """Recall of labelled identifiers by group, false alarms on clean sentences, what was missed."""

    direct: tuple
    indirect: tuple
    false_alarms: tuple
    missed: list
    alarms: list

    def rate(self, name):
        """found / total for a group."""
        found, total = getattr(self, name)
        return found / total


def load():
    """(sentence, [(kind, text)]) for every line of the corpus."""
    items = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        sentence, _, labels = line.partition(" || ")
        pairs = [tuple(label.split("=", 1)) for label in labels.split("; ") if label]
        items.append((sentence, pairs))
    return items


def score(items, guard=None):
    """Score the guard: a label counts as found when a finding of its group covers part of it."""
    guard = guard or detector()
    counts = {"direct": [0, 0], "indirect": [0, 0], "false_alarms": [0, 0]}
    missed, alarms = [], []
    for sentence, labels in items:
        findings = guard.scan(sentence)
        if not labels:
            counts["false_alarms"][1] += 1
            if findings:
                counts["false_alarms"][0] += 1
                alarms.append((sentence, [(f.kind, f.text) for f in findings]))
            continue
        offset = 0
        for kind, text in labels:
            start = sentence.index(text, offset if sentence.count(text) > 1 else 0)
            offset = start + len(text)
            group = "direct" if kind in DIRECT else "indirect"
            counts[group][1] += 1
            hit = any(f.start < start + len(text) and f.end > start
                      and (f.kind in DIRECT) == (group == "direct") for f in findings)
            counts[group][0] += hit
            if not hit:
                missed.append((sentence, kind, text))
    return Scores(tuple(counts["direct"]), tuple(counts["indirect"]),
                  tuple(counts["false_alarms"]), missed, alarms)
