"""How many bits of guessing a secret written as text resists, estimated as a cracker would
try it: by the smallest alphabet its characters come from (hex digits, base64, letters read
as words, any printable character), with keyboard rows, runs such as `abcde` or `12345` and
repeated stretches worth only their first character."""

from __future__ import annotations

import math
import string

KEYBOARD_ROWS = ("`1234567890-=", "qwertyuiop[]\\", "asdfghjkl;'", "zxcvbnm,./")
SEQUENCES = (string.digits, string.ascii_lowercase, *KEYBOARD_ROWS)
PATTERN = 5  # a run or repeat this long is a pattern; random hex holds one 0.2% of the time
WORD_BITS = 2.0  # a character of text made of words, as language models measure it
BASE64 = frozenset(string.ascii_letters + string.digits + "+/=-_")
HEX = frozenset(string.hexdigits)


def estimated_bits(secret: str) -> float:
    """The bits of guessing `secret` resists: its surprising characters times each one's bits."""
    return _surprising(secret) * _bits_per_character(secret)


def _bits_per_character(secret: str) -> float:
    held = frozenset(secret)
    if held <= frozenset(string.digits):
        return math.log2(10)
    if held <= HEX and (held <= frozenset(string.digits + "abcdef") or secret.isupper()):
        return 4.0
    if secret.isalpha():
        return WORD_BITS
    if held <= BASE64:
        return 6.0
    return math.log2(95)


def _surprising(secret: str) -> int:
    """Characters left once every run along a sequence or keyboard row, and every stretch
    seen before, counts as its first character only."""
    lowered = secret.lower()
    predictable = [False] * len(secret)
    for start in range(len(secret)):
        run = _run_length(lowered, start)
        if run >= PATTERN:
            for i in range(start + 1, start + run):
                predictable[i] = True
        window = lowered[start : start + PATTERN]
        if len(window) == PATTERN and lowered.find(window) < start:
            for i in range(start, start + PATTERN):
                predictable[i] = True
    return predictable.count(False)


def _run_length(text: str, start: int) -> int:
    """How long a run along a sequence, either way, starts at `start`."""
    best = 1
    for sequence in SEQUENCES:
        for ordered in (sequence, sequence[::-1]):
            at = ordered.find(text[start])
            length = 1
            while (
                at >= 0
                and start + length < len(text)
                and at + length < len(ordered)
                and text[start + length] == ordered[at + length]
            ):
                length += 1
            best = max(best, length)
    return best
