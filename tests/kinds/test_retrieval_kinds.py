import numpy as np
import pytest

from harness.data.records import LanguageData
from harness.kinds import get_kind
from harness.kinds.base import Predictions
from harness.taskfiles.index import TaskIndex


def test_tatoeba_english_queries_the_non_english_index(monkeypatch):
    import harness.kinds.bitext_retrieval as module

    task = TaskIndex.load().tasks["tatoeba"]
    rows = [{"id": str(i), "source": f"s{i}", "target": f"t{i}"} for i in range(3)]
    vectors = {"s0": [1, 0, 0], "s1": [0, 1, 0], "s2": [0, 1, 0.1], "t0": [1, 0.1, 0], "t1": [0, 0.2, 1], "t2": [0, 1, 0.2]}
    monkeypatch.setattr(module, "retrieval_settings", lambda task, loaded: {"layer": 1, "pooling": "mean"})
    monkeypatch.setattr(module, "effective_max_length", lambda task, loaded: 8)
    monkeypatch.setattr(module, "encode_sentences",
                        lambda loaded, runner, texts, *a, **k: np.array([vectors[t] for t in texts], dtype=np.float32))

    class Runner:
        device = "cpu"

    kind = get_kind("bitext_retrieval")
    data = LanguageData("tatoeba", "de", "test", rows, "t")
    class Loaded:
        memo: dict = {}

    predictions = kind.predict(task, data, Loaded(), Runner())
    # English t0 → s0; t1 = (0, .2, 1) is closest to s2 = (0, 1, .1); t2 → s2
    assert predictions.values == [0, 2, 2]
    unit = kind.score(task, data, predictions)
    assert unit.metrics["accuracy"] == pytest.approx(200 / 3)
    # reverse: s0 → t0, s1 → t2, s2 → t2
    assert unit.metrics["accuracy_reverse"] == pytest.approx(200 / 3)


def test_bucc_samples_sum_to_the_corpus_counts():
    task = TaskIndex.load().tasks["bucc2018"]
    rows = {"source": [["d1", "a"], ["d2", "b"], ["d3", "c"]], "target": [["e1", "x"], ["e2", "y"]],
            "gold": [["d1", "e1"], ["d2", "e2"]]}
    kind = get_kind("bitext_mining")
    unit = kind.score(task, LanguageData("bucc2018", "de", "test", rows, "t"), Predictions([["d1", "e1"], ["d3", "e2"]]))
    assert unit.metrics["precision"] == 50.0 and unit.metrics["recall"] == 50.0 and unit.metrics["f1"] == 50.0
    stats = {row["id"]: row["stats"] for row in unit.samples}
    assert stats == {"d1": {"tp": 1, "fp": 0, "fn": 0}, "d2": {"tp": 0, "fp": 0, "fn": 1}, "d3": {"tp": 0, "fp": 1, "fn": 0}}


def test_tatoeba_submission_lists_english_queries_in_sorted_order_like_xtreme(tmp_path):
    task = TaskIndex.load().tasks["tatoeba"]
    rows = [{"id": "0", "source": "s0", "target": "Zebra."}, {"id": "1", "source": "s1", "target": "Apple."},
            {"id": "2", "source": "s2", "target": "Mango."}]
    data = LanguageData("tatoeba", "de", "test", rows, "t")
    kind = get_kind("bitext_retrieval")
    predictions = Predictions([0, 2, 1])  # query 0 → 0 (right), 1 → 2, 2 → 1
    text = kind.format_submission(data, predictions)
    assert text == "2\n1\n0\n"  # Apple (query 1), Mango (query 2), Zebra (query 0)
    (tmp_path / "p.tsv").write_text(text)
    assert kind.read_submission(tmp_path / "p.tsv", task, data).values == [0, 2, 1]


def _loaded(model_type, layers, vocab_size=250002, retrieval_layer=None, pooling=None):
    from types import SimpleNamespace

    config = SimpleNamespace(model_type=model_type, num_hidden_layers=layers, vocab_size=vocab_size)
    return SimpleNamespace(config=config, args=SimpleNamespace(retrieval_layer=retrieval_layer, pooling=pooling))


@pytest.mark.parametrize("task, loaded, layer, pooling", [
    # XTREME run_tatoeba.sh: --num_layers 24 --specific_layer 13 (XLM-R Large), 12 / 7 (mBERT), mean pooling
    ("tatoeba", _loaded("xlm-roberta", 24), 14, "mean"),
    ("tatoeba", _loaded("bert", 12, vocab_size=119547), 8, "mean"),
    # XTREME run_bucc2018.sh: --pool_type cls --specific_layer 7 and the default --num_layers 12, so
    # entry 7 of the last 12 hidden states
    ("bucc2018", _loaded("xlm-roberta", 24), 20, "cls"),
    ("bucc2018", _loaded("xlm-roberta", 12), 8, "cls"),
    ("bucc2018", _loaded("bert", 12, vocab_size=119547), 8, "cls"),
    # other models: the last layer, mean-pooled
    ("bucc2018", _loaded("bert", 6, vocab_size=30522), 6, "mean"),
    ("tatoeba", _loaded("xlm-roberta", 12), 12, "mean"),
    # --model_args win
    ("bucc2018", _loaded("xlm-roberta", 24, retrieval_layer=14, pooling="mean"), 14, "mean"),
])
def test_retrieval_defaults_follow_each_xtreme_script(task, loaded, layer, pooling):
    from harness.kinds.retrieval_settings import retrieval_settings

    settings = retrieval_settings(TaskIndex.load().tasks[task], loaded)
    assert (settings["layer"], settings["pooling"]) == (layer, pooling)
    if task == "bucc2018" and loaded.args.pooling is None and pooling == "cls":
        assert "run_bucc2018.sh" in settings["layer_from"] and "run_bucc2018.sh" in settings["pooling_from"]
