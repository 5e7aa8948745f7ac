import pytest

from harness.evaluator.word_windows import assign_words, build_tagging_inputs, word_windows


@pytest.mark.parametrize("lengths, capacity", [
    ([1] * 40, 8), ([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5], 10), ([2, 12, 1, 1], 5), ([1], 4), ([5, 5, 5], 5),
])
def test_windows_cover_every_word_within_capacity_and_overlap(lengths, capacity):
    windows = word_windows(lengths, capacity)
    assert windows[0][0] == 0 and windows[-1][1] == len(lengths)
    for (start, end), (next_start, next_end) in zip(windows, windows[1:]):
        assert start < next_start <= end and next_end > end  # progress without gaps
    for start, end in windows:
        assert end - start == 1 or sum(lengths[start:end]) <= capacity  # a too-long word sits alone
    chosen = assign_words(windows, lengths)
    assert all(windows[k][0] <= w < windows[k][1] for w, k in enumerate(chosen))


def test_a_word_is_read_in_the_window_where_it_is_most_central():
    windows = word_windows([1] * 12, 6)
    assert windows == [(0, 6), (3, 9), (6, 12)]
    assert assign_words(windows, [1] * 12) == [0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2]


def test_long_sentence_is_split_and_every_word_is_read_at_its_first_subtoken(tiny_tokenizer):
    words = ("Die Katze schläft im Garten und der Hund liest eine Zeitung ." * 4).split()
    inputs = build_tagging_inputs(tiny_tokenizer, [words, ["Tom", "needs", "water"]], max_length=16)
    assert inputs.split_sentences == 1
    assert all(len(f["input_ids"]) <= 16 for f in inputs.features)
    assert len(inputs.positions[0]) == len(words)
    for word, (window, position) in zip(words, inputs.positions[0]):
        token = tiny_tokenizer.convert_ids_to_tokens(inputs.features[window]["input_ids"][position])
        assert token == tiny_tokenizer.tokenize(word)[0]
    assert len({w for w, _ in inputs.positions[0]}) > 1
    assert {w for w, _ in inputs.positions[1]} == {len(inputs.features) - 1}


def test_word_without_subtokens_is_read_as_the_unknown_token(tiny_tokenizer):
    inputs = build_tagging_inputs(tiny_tokenizer, [["Tom", "\u200b", "water"]], max_length=32)
    window, position = inputs.positions[0][1]
    assert inputs.features[window]["input_ids"][position] == tiny_tokenizer.unk_token_id
