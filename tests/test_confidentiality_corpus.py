"""The guard's quality on our labelled corpus: recall of direct and indirect identifiers, false alarms."""
from tests.confidentiality_corpus import load, score


def test_corpus_is_big_enough_and_balanced():
    items = load()
    labelled = [item for item in items if item[1]]
    assert len(items) >= 150
    assert abs(len(labelled) - (len(items) - len(labelled))) <= len(items) * 0.1


def test_recall_and_false_alarms_meet_the_targets(capsys):
    scores = score(load())
    with capsys.disabled():
        print(f"\nconfidentiality guard: direct recall {scores.rate('direct'):.1%} "
              f"{scores.direct}, indirect recall {scores.rate('indirect'):.1%} "
              f"{scores.indirect}, false alarms {scores.rate('false_alarms'):.1%} "
              f"{scores.false_alarms}")
        for miss in scores.missed:
            print("  missed:", miss)
        for alarm in scores.alarms:
            print("  false alarm:", alarm)
    assert scores.rate("direct") >= 0.95
    assert scores.rate("indirect") >= 0.75
    assert scores.rate("false_alarms") <= 0.05
