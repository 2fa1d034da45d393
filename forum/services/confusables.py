"""Confusable skeletons of names: "аdmin" (Cyrillic а) and "admin" share one, so a newcomer
cannot pass for an existing member by swapping look-alike letters.

The look-alike pairs come from Unicode's confusables data as the maintained
confusable-homoglyphs package ships it; pairs are joined into classes (a look-alike of a
look-alike is one too) and every character stands for its class's smallest member, after
NFKC (so fullwidth and stylised letters fold first) and case folding.
"""
import functools
import unicodedata

from confusable_homoglyphs import confusables


@functools.cache
def _representatives():
    """{character: the smallest character of its look-alike class}, built once."""
    parent = {}

    def root(char):
        while parent.get(char, char) != char:
            char = parent[char]
        return char

    for char, lookalikes in confusables.confusables_data.items():
        for lookalike in lookalikes:
            if len(char) == 1 and len(lookalike["c"]) == 1:
                first, second = root(char), root(lookalike["c"])
                if first != second:
                    parent[max(first, second)] = min(first, second)
    return {char: root(char) for char in parent}


def skeleton(name):
    """The form two names share when they look alike: "Coach Аna" -> "coach ana"."""
    table = _representatives()
    folded = "".join(table.get(char, char) for char in unicodedata.normalize("NFKC", name))
    return "".join(table.get(char, char) for char in folded.casefold())
