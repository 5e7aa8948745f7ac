import numpy as np
import pytest

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


def test_a_long_question_with_a_short_context_gives_one_window_with_its_cut_question(tiny_tokenizer):
    # The question's cut-off remainder must never be paired with the context as a window of its own
    # (the tokenizer's post-processor pairs every part of both sides; sequence ids cannot tell the
    # question's parts apart, as it leaves the first side's unmarked).
    question = "where does the sleeping cat of the garden dream " * 6
    full = tiny_tokenizer(question, add_special_tokens=False)["input_ids"]
    inputs = build_qa_inputs(tiny_tokenizer, [question], ["The cat sleeps in the garden."], max_length=128,
                             doc_stride=64, max_query_length=12)
    assert len(inputs.windows) == 1
    feature, window = inputs.features[0], inputs.windows[0]
    assert feature["input_ids"][1:13] == full[:12] and window.context_first == 14
    assert feature["token_type_ids"] == [0] * 14 + [1] * (len(feature["input_ids"]) - 14)


@pytest.fixture
def context_first_tokenizer(tiny_tokenizer):
    """An XLNet-style tokenizer: context first, then the question, [CLS] last, left padding."""
    import copy

    from tokenizers.processors import TemplateProcessing

    tokenizer = copy.deepcopy(tiny_tokenizer)
    tokenizer.padding_side = "left"
    sep, cls = tokenizer.sep_token_id, tokenizer.cls_token_id
    tokenizer.backend_tokenizer.post_processor = TemplateProcessing(
        single="$A:0 [SEP]:0 [CLS]:2", pair="$A:0 [SEP]:0 $B:1 [SEP]:1 [CLS]:2",
        special_tokens=[("[SEP]", sep), ("[CLS]", cls)])
    return tokenizer


def test_context_first_windows_keep_the_cut_question_after_each_context_window(context_first_tokenizer):
    tokenizer = context_first_tokenizer
    question = "where does the sleeping cat of the garden dream " * 6
    full = tokenizer(question, add_special_tokens=False)["input_ids"]
    context = tokenizer(CONTEXT, add_special_tokens=False, return_offsets_mapping=True)
    inputs = build_qa_inputs(tokenizer, [question, "Where is the cat?"], [CONTEXT, CONTEXT], max_length=48,
                             doc_stride=10, max_query_length=12)
    long_windows = [(f, w) for f, w in zip(inputs.features, inputs.windows) if w.example == 0]
    assert len(long_windows) > 2
    for k, (feature, window) in enumerate(long_windows):
        n = window.context_last - window.context_first + 1
        assert window.context_first == 0 and window.offsets[0] == tuple(context["offset_mapping"][10 * k])
        assert feature["input_ids"][:n] == context["input_ids"][10 * k:10 * k + n]
        assert feature["input_ids"][n + 1:n + 13] == full[:12]  # after the [SEP]: the cut question
        assert feature["token_type_ids"] == [0] * (n + 1) + [1] * 13 + [2]
    short = [f["input_ids"] for f, w in zip(inputs.features, inputs.windows) if w.example == 1]
    q_length = len(tokenizer("Where is the cat?", add_special_tokens=False)["input_ids"])
    direct = tokenizer(CONTEXT, "Where is the cat?", truncation="only_first", max_length=48,
                       return_overflowing_tokens=True, stride=48 - 3 - q_length - 10)
    assert short == direct["input_ids"]
