import numpy as np

from harness.evaluator.qa_windows import build_qa_inputs, max_context_owner

CONTEXT = " ".join(f"The cat number {i} sleeps in the garden." for i in range(12))


def test_max_context_owner_by_hand():
    # two windows of 4 context tokens starting at 0 and 2: tokens 2 and 3 are seen twice
    assert max_context_owner([0, 2], [4, 4]).tolist() == [0, 0, 0, 1, 1, 1]


def test_windows_advance_by_doc_stride_and_each_token_has_one_max_context_window(tiny_tokenizer):
    inputs = build_qa_inputs(tiny_tokenizer, ["Where is the cat?"], [CONTEXT], max_length=40, doc_stride=10,
                             max_query_length=64)
    windows = inputs.windows
    assert len(windows) > 2 and all(len(f["input_ids"]) <= 40 for f in inputs.features)
    full = tiny_tokenizer(CONTEXT, add_special_tokens=False, return_offsets_mapping=True)["offset_mapping"]
    seen = {}
    for k, window in enumerate(windows):
        first = window.offsets[window.context_first]
        assert first == tuple(full[10 * k])  # the k-th window starts doc_stride × k context tokens in
        for p in range(window.context_first, window.context_last + 1):
            if window.max_context[p - window.context_first]:
                assert window.offsets[p] not in seen
                seen[window.offsets[p]] = k
    assert len(seen) == len(full)  # every context token is max-context exactly once
    assert windows[-1].offsets[windows[-1].context_last] == tuple(full[-1])


def test_long_questions_are_cut_to_max_query_length(tiny_tokenizer):
    question = "where is the cat " * 20
    inputs = build_qa_inputs(tiny_tokenizer, [question], ["The cat sleeps."], max_length=128, doc_stride=64,
                             max_query_length=8)
    window = inputs.windows[0]
    assert window.context_first == 1 + 8 + 1  # [CLS] question [SEP]
    assert np.all(window.max_context)


def test_a_long_question_keeps_exactly_its_first_token_ids_in_every_window(tiny_tokenizer):
    # The official conversion cuts the question's ids; cutting its text and tokenising again may not.
    question = "where does the sleeping cat of the garden dream " * 6
    full = tiny_tokenizer(question, add_special_tokens=False)["input_ids"]
    assert len(full) > 12
    inputs = build_qa_inputs(tiny_tokenizer, [question], [CONTEXT], max_length=48, doc_stride=10,
                             max_query_length=12)
    assert len(inputs.windows) > 2
    context_offsets = tiny_tokenizer(CONTEXT, add_special_tokens=False, return_offsets_mapping=True)["offset_mapping"]
    for k, (feature, window) in enumerate(zip(inputs.features, inputs.windows)):
        assert feature["input_ids"][1:13] == full[:12] and len(feature["input_ids"]) <= 48
        assert feature["token_type_ids"][:14] == [0] * 14 and feature["token_type_ids"][14] == 1
        assert window.context_first == 14 and window.offsets[14] == tuple(context_offsets[10 * k])


def test_long_and_short_questions_build_the_windows_a_tokenizer_call_gives(tiny_tokenizer):
    short = "Where is the cat?"
    inputs = build_qa_inputs(tiny_tokenizer, [short, "cat " * 30, short], [CONTEXT] * 3, max_length=40,
                             doc_stride=10, max_query_length=8)
    direct = tiny_tokenizer(short, CONTEXT, truncation="only_second", max_length=40, return_overflowing_tokens=True,
                            stride=40 - 3 - len(tiny_tokenizer(short, add_special_tokens=False)["input_ids"]) - 10)
    mine = [f["input_ids"] for f, w in zip(inputs.features, inputs.windows) if w.example == 2]
    assert mine == direct["input_ids"]
    assert [w.example for w in inputs.windows] == sorted(w.example for w in inputs.windows)
