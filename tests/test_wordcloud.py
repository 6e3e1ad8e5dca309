"""The projector's word cloud: what it counts, and that typed text stays text."""

import re

from course.wordcloud import LARGEST, MAX_WORDS, SMALLEST, cloud_html, word_counts


def test_a_word_counts_once_per_thought_and_little_words_are_left_out() -> None:
    thoughts = [
        "Hope hope HOPE, and more hope",
        "My sister gives me hope",
        "Calling my sponsor when I feel the urge",
        "The urge passes. I don't have to act on it",
    ]
    assert word_counts(thoughts) == [
        ("hope", 2),
        ("urge", 2),
        ("act", 1),
        ("calling", 1),
        ("feel", 1),
        ("gives", 1),
        ("passes", 1),
        ("sister", 1),
        ("sponsor", 1),
    ]


def test_words_keep_their_letters_in_any_script_and_apostrophes_fold() -> None:
    counts = dict(word_counts(["mañana será mejor", "self-care matters", "we’ll see", "we'll"]))
    assert counts["mañana"] == 1 and counts["self-care"] == 1
    assert counts["we'll"] == 2 and "we’ll" not in counts


def test_the_cloud_is_capped() -> None:
    many = [f"word{chr(97 + n // 26)}{chr(97 + n % 26)}" for n in range(100)]
    assert len(word_counts([" ".join(many)])) == MAX_WORDS


def test_typed_markup_is_shown_as_text_in_the_cloud() -> None:
    hostile = ["<script>alert(1)</script> [free](https://phish.example/n) **bold**"]
    made = cloud_html(word_counts(hostile), label='Words "shown"')
    assert "<script" not in made and "&lt;" not in made  # letters only, and escaped
    assert "<a " not in made and "**" not in made and "phish" not in made
    assert 'aria-label="Words &quot;shown&quot;"' in made
    assert [w for w, _ in word_counts(hostile)] == ["alert", "bold", "free", "script"]


def test_web_and_mail_addresses_are_not_words() -> None:
    thoughts = ["see https://phish.example/n and www.example.org/x or mail me@example.com", "hope"]
    assert word_counts(thoughts) == [("hope", 1), ("mail", 1)]


def test_bigger_type_for_words_in_more_thoughts_and_the_biggest_in_the_middle() -> None:
    counts = [("hope", 5), ("family", 3), ("sleep", 1), ("walks", 1), ("music", 1)]
    made = cloud_html(counts, label="Words")
    items = re.findall(r'font-size:([\d.]+)rem">([^<]+)<span class="cloud-count"> \((\d+)', made)
    order = [word for _, word, _ in items]
    assert order == ["music", "sleep", "hope", "family", "walks"]
    size = {word: float(rem) for rem, word, _ in items}
    assert size["hope"] == LARGEST and size["sleep"] == SMALLEST
    assert SMALLEST < size["family"] < LARGEST
    assert {word: int(n) for _, word, n in items} == dict(counts)
    assert cloud_html([], label="Words") == ""
