import numpy as np

from harness.evaluator.qa_windows import QAWindow
from harness.kinds.answer_spans import best_answer_span, top_indices, window_best


def window(first=2, last=7, max_context=None, length=9):
    offsets = [(0, 0)] * first + [(10 * i, 10 * i + 5) for i in range(last - first + 1)] + [(0, 0)] * (length - last - 1)
    mask = np.ones(last - first + 1, dtype=bool) if max_context is None else np.array(max_context)
    return QAWindow(0, first, last, offsets, mask)


def logits(start, end):
    return np.stack([np.asarray(start, dtype=np.float32), np.asarray(end, dtype=np.float32)], axis=-1)


def test_top_indices_keep_the_earlier_index_on_ties():
    assert top_indices(np.array([1.0, 3.0, 3.0, 2.0]), 3).tolist() == [1, 2, 3]


def test_best_pair_skips_question_tokens_reversed_and_overlong_spans():
    start = [9, 0, 8, 0, 1, 0, 0, 0, 0]  # position 0 ([CLS]) and 2 are the best starts; 0 is not context
    end = [9, 7, -5, -5, -5, -5, -5, 6, -5]  # position 1 is a question token; 7 ends a 6-token span
    w = window()
    assert window_best(np.array(start, float), np.array(end, float), w, n_best=20, max_answer_length=30)[1:] == (2, 7)
    # with at most 5 tokens the span 2..7 is too long: the next start (4) gives 4..7
    assert window_best(np.array(start, float), np.array(end, float), w, n_best=20, max_answer_length=5)[1:] == (4, 7)


def test_only_the_n_best_starts_and_ends_are_considered():
    start = [0, 0, 5, 4, 3, 0, 0, 0, 0]
    end = [0, 0, 0, 0, 0, 0, 0, 2, 9]  # 8 is outside the context, so the only valid top-1 end is gone
    w = window()
    assert window_best(np.array(start, float), np.array(end, float), w, n_best=1, max_answer_length=30) is None
    assert window_best(np.array(start, float), np.array(end, float), w, n_best=2, max_answer_length=30)[1:] == (2, 7)


def test_answers_start_only_at_max_context_tokens():
    start = [0, 0, 5, 4, 0, 0, 0, 0, 0]
    end = [0, 0, 0, 0, 3, 0, 0, 0, 0]
    w = window(max_context=[False, True, True, True, True, True])
    assert window_best(np.array(start, float), np.array(end, float), w, n_best=20, max_answer_length=30)[1:] == (3, 4)


def test_best_span_over_windows_maps_to_exact_characters():
    a, b = window(), window()
    span = best_answer_span([logits([0] * 9, [0] * 9), logits([0, 0, 0, 7, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 2, 0, 0, 0])],
                            [a, b], n_best=20, max_answer_length=30)
    assert (span.start_char, span.end_char, span.score) == (10, 35, 9.0)  # tokens 3..5 = context tokens 1..3


def test_ties_go_to_the_earlier_window():
    same = logits([0, 0, 1, 0, 0, 0, 0, 0, 0], [0, 0, 1, 0, 0, 0, 0, 0, 0])
    a, b = window(), window(first=3, last=8)
    span = best_answer_span([same, same], [a, b], n_best=20, max_answer_length=30)
    assert span.start_char == 0
    assert best_answer_span([logits([0] * 9, [0] * 9)], [window(first=-1, last=-2)], 20, 30) is None


def naive_answer(windows_logits, windows, n_best, max_answer_length):
    """XTREME's loop, written plainly: candidates in window, start-rank, end-rank order; the first
    of the highest score wins."""
    best = None
    for k, (lg, w) in enumerate(zip(windows_logits, windows)):
        start, end = [float(x) for x in lg[:, 0]], [float(x) for x in lg[:, 1]]
        for i in sorted(range(len(start)), key=lambda p: start[p], reverse=True)[:n_best]:
            for j in sorted(range(len(end)), key=lambda p: end[p], reverse=True)[:n_best]:
                if not (w.context_first <= i <= w.context_last and w.context_first <= j <= w.context_last):
                    continue
                if not w.max_context[i - w.context_first] or j < i or j - i + 1 > max_answer_length:
                    continue
                if best is None or start[i] + end[j] > best[0]:
                    best = (start[i] + end[j], k, i, j)
    return best


def test_batched_search_equals_the_plain_loop_on_random_windows():
    rng = np.random.default_rng(7)
    for _ in range(200):
        windows, all_logits = [], []
        for _ in range(rng.integers(1, 4)):
            length = int(rng.integers(4, 30))
            first = int(rng.integers(1, length - 1))
            last = int(rng.integers(first, length - 1))
            mask = rng.random(last - first + 1) < 0.8
            windows.append(window(first, last, mask.tolist(), length))
            # rounded logits make ties common, which pins the tie-breaking order
            all_logits.append(np.round(rng.standard_normal((length, 2)), 1).astype(np.float32))
        n_best, max_len = int(rng.integers(1, 8)), int(rng.integers(1, 6))
        expected = naive_answer(all_logits, windows, n_best, max_len)
        span = best_answer_span(all_logits, windows, n_best, max_len)
        if expected is None:
            assert span is None
        else:
            _, k, i, j = expected
            assert (span.start_char, span.end_char) == (windows[k].offsets[i][0], windows[k].offsets[j][1])
            assert span.score == expected[0]
