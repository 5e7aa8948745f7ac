from harness.evaluator import token_cache


def test_cached_ids_equal_fresh_tokenisation_and_are_reused(tiny_tokenizer, monkeypatch):
    first = ["The cat sleeps.", "Où est la gare ?", ""]
    second = ["Tom needs water.", "a b c", "x"]
    direct = tiny_tokenizer(first, second, truncation=True, max_length=6)
    miss = token_cache.tokenize(tiny_tokenizer, first, second, max_length=6)
    assert [f["input_ids"] for f in miss] == direct["input_ids"]
    assert [f["token_type_ids"] for f in miss] == direct["token_type_ids"]

    def fail(*args, **kwargs):
        raise AssertionError("tokenised again")

    monkeypatch.setattr(type(tiny_tokenizer), "__call__", fail)
    assert token_cache.tokenize(tiny_tokenizer, first, second, max_length=6) == miss


def test_different_texts_or_lengths_get_different_entries(tiny_tokenizer):
    a = token_cache.tokenize(tiny_tokenizer, ["The cat sleeps in the garden."], max_length=4)
    b = token_cache.tokenize(tiny_tokenizer, ["The cat sleeps in the garden."], max_length=8)
    c = token_cache.tokenize(tiny_tokenizer, ["The cat sleeps in the house."], max_length=8)
    assert len(a[0]["input_ids"]) == 4 and len(b[0]["input_ids"]) == 8 and b != c


def test_cached_build_runs_once_per_key(tiny_tokenizer):
    calls = []

    def build():
        calls.append(1)
        return {"windows": [1, 2, 3]}

    first = token_cache.cached_build(tiny_tokenizer, "test", ["some text", 384], build)
    second = token_cache.cached_build(tiny_tokenizer, "test", ["some text", 384], build)
    third = token_cache.cached_build(tiny_tokenizer, "test", ["other text", 384], build)
    assert first == second == third == {"windows": [1, 2, 3]} and len(calls) == 2
