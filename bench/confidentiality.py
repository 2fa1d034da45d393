"""`make bench` (first step): how long the confidentiality guard takes on a 2,000-character contribution.

    python -m bench.confidentiality [--runs N]

The sample is a realistic contribution with a client's name, employer, town and phone number;
the target is under 20 ms per scan (median) on one core.
"""
import argparse
import statistics
import time
from pathlib import Path

from forum.confidentiality import detector

SAMPLE = Path(__file__).with_name("confidentiality_sample.txt")
LENGTH = 2000
TARGET_MS = 20


def sample_text():
    """The sample contribution, repeated or cut to exactly LENGTH characters."""
    text = SAMPLE.read_text(encoding="utf-8")
    return (text * (LENGTH // len(text) + 1))[:LENGTH]


def main(argv=None):
    """Scan the sample --runs times after a warm-up; print median, p95 and the findings."""
    parser = argparse.ArgumentParser(prog="python -m bench.confidentiality", description=__doc__)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args(argv)
    guard, text = detector(), sample_text()
    findings = guard.scan(text)
    timings = []
    for _ in range(args.runs):
        started = time.perf_counter()
        guard.scan(text)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    median, p95 = statistics.median(timings), timings[int(len(timings) * 0.95) - 1]
    print(f"confidentiality guard, {len(text):,} characters, {len(findings)} findings: "
          f"median {median:.1f} ms, p95 {p95:.1f} ms over {args.runs} runs "
          f"(target < {TARGET_MS} ms): {'ok' if median < TARGET_MS else 'SLOWER THAN TARGET'}")


if __name__ == "__main__":
    main()
