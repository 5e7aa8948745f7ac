import json

import pytest

from tests.helpers import run_cli


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "demo"
    result = run_cli("eval", "--model", "demo", "--tasks", "xnli,pawsx,tatoeba,bucc2018", "--output_path", out)
    assert result.code == 0, result.err
    return out


def one_line_error(result, *fragments):
    assert result.code == 2, (result.code, result.out, result.err)
    lines = [line for line in result.err.splitlines() if line.startswith("harness: error:")]
    assert lines, result.err
    assert "Traceback" not in result.err
    for fragment in fragments:
        assert any(fragment in line for line in lines), (fragment, result.err)


def test_results_json_layout(demo_run):
    data = json.loads((demo_run / "results.json").read_text())
    assert list(data) == ["results", "groups", "config", "errors"]
    assert data["results"]["xnli"]["de"]["n"] == 30
    config = data["config"]
    assert config["model"]["name"] == "demo"
    for key in ("harness", "libraries", "device", "seed", "started_at", "finished_at", "duration_s", "checkpoints"):
        assert key in config, key
    task = config["tasks"]["tatoeba"]
    assert task["config_hash"] and task["languages"]["de"]["data_fingerprint"]
    assert task["languages"]["de"]["info"]["layer"] == 2 and task["languages"]["de"]["info"]["pooling"] == "mean"
    assert any(info["weights_sha256"] for info in config["checkpoints"].values())
    bucc = data["results"]["bucc2018"]["de"]
    assert {"f1", "precision", "recall", "threshold", "oracle_f1"} <= set(bucc)


def test_samples_hold_per_example_statistics(demo_run):
    rows = [json.loads(line) for line in (demo_run / "samples" / "xnli" / "de.jsonl").read_text().splitlines()]
    assert len(rows) == 30
    assert set(rows[0]) >= {"id", "gold", "prediction", "stats", "probs"}
    accuracy = json.loads((demo_run / "results.json").read_text())["results"]["xnli"]["de"]["accuracy"]
    assert accuracy == pytest.approx(100 * sum(r["stats"]["correct"] for r in rows) / len(rows))
    bucc = [json.loads(line) for line in (demo_run / "samples" / "bucc2018" / "fr.jsonl").read_text().splitlines()]
    assert all(set(r["stats"]) == {"tp", "fp", "fn"} for r in bucc)


def test_scoring_the_runs_own_predictions_gives_identical_numbers(demo_run, tmp_path):
    data_dirs = [arg for task in ("xnli", "pawsx", "tatoeba", "bucc2018") for arg in ("--data_dir", f"{task}=demo")]
    result = run_cli("score", "--predictions", demo_run / "predictions", *data_dirs, "--output_path", tmp_path)
    assert result.code == 0, result.err
    evaluated = json.loads((demo_run / "results.json").read_text())["results"]
    scored = json.loads((tmp_path / "results.json").read_text())["results"]
    for task, per_lang in scored.items():
        for lang, metrics in per_lang.items():
            for metric, value in metrics.items():
                assert evaluated[task][lang][metric] == value, (task, lang, metric)
    assert scored["tatoeba"]["de"].keys() == {"accuracy", "n"}  # the reverse direction needs the model
    assert set(scored) == {"xnli", "pawsx", "tatoeba", "bucc2018"}


def test_a_scored_bucc_run_pairs_with_the_evaluated_one(demo_run, tmp_path):
    # eval reads BUCC's dev split to pick the threshold, score reads only the test split: the
    # fingerprint compare checks covers the test split in both; the dev one is recorded apart.
    from harness.stats.pairing import RunFolder, check_same_setup

    result = run_cli("score", "--predictions", demo_run / "predictions", "--tasks", "bucc2018",
                     "--data_dir", "bucc2018=demo", "--output_path", tmp_path / "scored")
    assert result.code == 0, result.err
    evaluated, scored = RunFolder.load(demo_run, "eval"), RunFolder.load(tmp_path / "scored", "score")
    for lang in ("de", "fr"):
        check_same_setup(evaluated, scored, "bucc2018", lang)
        unit = evaluated.task_meta("bucc2018")["languages"][lang]
        assert set(unit["extra_fingerprints"]) == {"dev"}
        assert unit["extra_fingerprints"]["dev"] != unit["data_fingerprint"]


def test_score_into_a_folder_holding_another_run_is_refused_and_its_predictions_survive(demo_run, tmp_path):
    import shutil

    run = tmp_path / "X"
    shutil.copytree(demo_run, run)
    before = sorted(p.relative_to(run) for p in run.rglob("*"))
    args = ["score", "--predictions", run / "predictions", "--tasks", "xnli", "--data_dir", "xnli=demo",
            "--output_path", run]
    one_line_error(run_cli(*args), "holds a run with different model", "--overwrite")
    # --overwrite would delete X/predictions, the folder being read: refused too
    one_line_error(run_cli(*args, "--overwrite"), "--predictions", "choose another --output_path")
    assert sorted(p.relative_to(run) for p in run.rglob("*")) == before
    assert json.loads((run / "results.json").read_text())["config"]["model"]["name"] == "demo"
    assert len(run_cli(*args).err.strip().splitlines()) == 1


def test_score_overwrite_replaces_another_scored_run(demo_run, tmp_path):
    out = tmp_path / "o"
    first = ["score", "--predictions", demo_run / "predictions", "--tasks", "xnli", "--data_dir", "xnli=demo"]
    assert run_cli(*first, "--output_path", out).code == 0
    (tmp_path / "p" / "xnli").mkdir(parents=True)
    german = (demo_run / "predictions" / "xnli" / "test-de.tsv").read_text()
    (tmp_path / "p" / "xnli" / "test-de.tsv").write_text(german)
    other = ["score", "--predictions", tmp_path / "p", "--data_dir", "xnli=demo", "--output_path", out]
    one_line_error(run_cli(*other), "--overwrite")
    assert run_cli(*other, "--overwrite").code == 0
    assert set(json.loads((out / "results.json").read_text())["results"]["xnli"]) == {"de"}


def test_gold_as_prediction_scores_100(tmp_path):
    from harness.data.sources import resolve_source
    from harness.taskfiles.index import TaskIndex

    rows = resolve_source(TaskIndex.load().tasks["xnli"], {}, demo=True).load("de")
    (tmp_path / "preds" / "xnli").mkdir(parents=True)
    (tmp_path / "preds" / "xnli" / "test-de.tsv").write_text("".join(r["label"] + "\n" for r in rows))
    result = run_cli("score", "--predictions", tmp_path / "preds", "--data_dir", "xnli=demo", "--output_path", tmp_path / "o")
    assert result.code == 0, result.err
    assert json.loads((tmp_path / "o" / "results.json").read_text())["results"]["xnli"]["de"]["accuracy"] == 100.0


def test_rerun_skips_finished_units_and_overwrite_recomputes(tmp_path):
    out = tmp_path / "run"
    assert run_cli("eval", "--model", "demo", "--tasks", "xnli", "--languages", "de,fr", "--output_path", out).code == 0
    first = json.loads((out / "results.json").read_text())
    stamp = first["config"]["tasks"]["xnli"]["languages"]["de"]["finished_at"]
    (out / "samples" / "xnli" / "de.jsonl").write_text("sentinel\n")
    result = run_cli("eval", "--model", "demo", "--tasks", "xnli", "--languages", "de,fr,en", "--output_path", out)
    assert result.code == 0, result.err
    second = json.loads((out / "results.json").read_text())
    assert second["config"]["tasks"]["xnli"]["languages"]["de"]["finished_at"] == stamp
    assert (out / "samples" / "xnli" / "de.jsonl").read_text() == "sentinel\n"  # not recomputed
    assert set(second["results"]["xnli"]) == {"de", "fr", "en"}
    assert run_cli("eval", "--model", "demo", "--tasks", "xnli", "--languages", "de", "--output_path", out,
                   "--overwrite").code == 0
    assert (out / "samples" / "xnli" / "de.jsonl").read_text() != "sentinel\n"


def test_a_changed_data_source_recomputes_the_unit(tmp_path):
    import shutil

    from harness.data.sources import DEMO_DATA_DIR

    data = tmp_path / "xnli-a"
    shutil.copytree(DEMO_DATA_DIR / "xnli", data)
    out = tmp_path / "run"
    args = ["eval", "--model", "demo", "--tasks", "xnli", "--languages", "de,en", "--output_path", out]
    assert run_cli(*args, "--data_dir", f"xnli={data}").code == 0

    def stamps():
        langs = json.loads((out / "results.json").read_text())["config"]["tasks"]["xnli"]["languages"]
        return {lang: unit["finished_at"] + unit["data_fingerprint"] for lang, unit in langs.items()}

    first = stamps()
    # same folder, German content changed: German is recomputed, English skipped
    lines = (data / "xnli.test.tsv").read_text(encoding="utf-8").splitlines(keepends=True)
    row = next(i for i, line in enumerate(lines) if line.startswith("de\t"))
    fields = lines[row].split("\t")
    fields[6] = "Ein anderer Satz."  # sentence1
    lines[row] = "\t".join(fields)
    (data / "xnli.test.tsv").write_text("".join(lines), encoding="utf-8")
    result = run_cli(*args, "--data_dir", f"xnli={data}")
    assert result.code == 0, result.err
    second = stamps()
    assert second["de"] != first["de"] and second["en"] == first["en"]
    # another --data_dir with the same content: the source differs, every unit is recomputed
    other = tmp_path / "xnli-b"
    shutil.copytree(data, other)
    assert run_cli(*args, "--data_dir", f"xnli={other}").code == 0
    units = json.loads((out / "results.json").read_text())["config"]["tasks"]["xnli"]["languages"]
    assert all(unit["source"] == f"local:{other}" for unit in units.values())


def test_a_failed_recompute_keeps_the_finished_unit(tmp_path, monkeypatch):
    from harness.errors import HarnessError
    from harness.kinds.pair_classification import PairClassification

    out = tmp_path / "run"
    args = ["eval", "--model", "demo", "--tasks", "xnli", "--languages", "de", "--output_path", out]
    assert run_cli(*args).code == 0
    before = json.loads((out / "results.json").read_text())
    samples = (out / "samples" / "xnli" / "de.jsonl").read_text()

    def fails(self, task, data, loaded, runner):
        raise HarnessError("recompute failed")

    monkeypatch.setattr(PairClassification, "predict", fails)
    one_line_error(run_cli(*args, "--overwrite"), "recompute failed")
    after = json.loads((out / "results.json").read_text())
    assert after["results"]["xnli"]["de"] == before["results"]["xnli"]["de"]
    assert after["config"]["tasks"]["xnli"]["languages"]["de"] == before["config"]["tasks"]["xnli"]["languages"]["de"]
    assert after["errors"] == {"xnli/de": "recompute failed"}
    assert (out / "samples" / "xnli" / "de.jsonl").read_text() == samples
    monkeypatch.undo()
    assert run_cli(*args, "--overwrite").code == 0
    assert json.loads((out / "results.json").read_text())["errors"] == {}


def test_interrupted_run_keeps_finished_units(tmp_path, monkeypatch):
    from harness.kinds.pair_classification import PairClassification

    out = tmp_path / "run"
    original = PairClassification.predict
    calls = []

    def flaky(self, task, data, loaded, runner):
        calls.append(data.lang)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return original(self, task, data, loaded, runner)

    monkeypatch.setattr(PairClassification, "predict", flaky)
    result = run_cli("eval", "--model", "demo", "--tasks", "xnli", "--output_path", out)
    assert result.code == 130
    kept = json.loads((out / "results.json").read_text())["results"]["xnli"]
    assert list(kept) == [calls[0]]
    monkeypatch.setattr(PairClassification, "predict", original)
    assert run_cli("eval", "--model", "demo", "--tasks", "xnli", "--output_path", out).code == 0
    assert len(json.loads((out / "results.json").read_text())["results"]["xnli"]) == 4


def test_a_different_model_in_the_same_folder_needs_overwrite(tmp_path, tiny_models):
    out = tmp_path / "run"
    assert run_cli("eval", "--model", "demo", "--tasks", "xnli", "--languages", "de", "--output_path", out).code == 0
    folder = tiny_models("sequence_classification", ["entailment", "neutral", "contradiction"])
    result = run_cli("eval", "--model", folder, "--tasks", "xnli", "--data_dir", "xnli=demo", "--languages", "de",
                     "--output_path", out)
    one_line_error(result, "different model", "--overwrite")
    assert json.loads((out / "results.json").read_text())["config"]["model"]["name"] == "demo"


@pytest.mark.parametrize("args, fragments", [
    (["--tasks", "xnlii"], ["unknown task or group 'xnlii'", "did you mean xnli"]),
    (["--tasks", "xnli", "--languages", "dee"], ["'dee'", "did you mean de"]),
    (["--tasks", "xnli", "--model_args", "dtype=fp8"], ["dtype=fp8"]),
    (["--tasks", "xnli", "--data_dir", "xnli"], ["TASK=DIR"]),
    (["--tasks", "xnli", "--batch_size", "0"], ["--batch_size 0"]),
])
def test_bad_arguments_exit_2_with_one_line(args, fragments):
    one_line_error(run_cli("eval", "--model", "demo", *args), *fragments)


def test_missing_checkpoint_exits_2(tmp_path):
    one_line_error(run_cli("eval", "--model", tmp_path / "missing", "--tasks", "xnli"), "no such checkpoint folder")


def test_broken_task_yaml_exits_2(tmp_path):
    (tmp_path / "t.yaml").write_text("task: x\nkind: pair_classification\nlanguages: de\n  bad: indent\n")
    one_line_error(run_cli("eval", "--model", "demo", "--tasks", "xnli", "--include_path", tmp_path), "t.yaml")


def test_missing_data_fails_that_task_and_the_others_complete(tmp_path, tiny_models):
    folder = tiny_models("sequence_classification", ["entailment", "neutral", "contradiction"])
    out = tmp_path / "run"
    result = run_cli("eval", "--model", folder, "--tasks", "xnli,tatoeba", "--languages", "de",
                     "--data_dir", "tatoeba=demo", "--output_path", out)
    one_line_error(result, "google/xtreme", "--data_dir xnli=DIR")
    data = json.loads((out / "results.json").read_text())
    assert "tatoeba" in data["results"] and "xnli" not in data["results"]
    assert any(key.startswith("xnli") for key in data["errors"])


def test_language_of_other_tasks_names_them_instead_of_a_spelling():
    result = run_cli("eval", "--model", "demo", "--tasks", "xnli", "--languages", "ja")
    one_line_error(result, "'ja' is not a language of the task xnli", "tasks that have it:", "pawsx", "tatoeba")
    assert "did you mean" not in result.err


def test_task_level_errors_are_reported_once_not_per_language(tmp_path, tiny_models):
    folder = tiny_models("sequence_classification", ["positive", "negative"])
    result = run_cli("eval", "--model", folder, "--tasks", "xnli", "--data_dir", "xnli=demo",
                     "--output_path", tmp_path / "run")
    one_line_error(result, "positive, negative")
    # one line: not once per language, and not logged as well as printed
    assert sum("positive, negative" in line for line in result.err.splitlines()) == 1, result.err
    assert list(json.loads((tmp_path / "run" / "results.json").read_text())["errors"]) == ["xnli"]
    (tmp_path / "empty").mkdir()
    result = run_cli("eval", "--model", "demo", "--tasks", "xnli", "--data_dir", f"xnli={tmp_path / 'empty'}")
    one_line_error(result, "missing file xnli.test.tsv")
    assert result.err.count("missing file") == 1, result.err


def test_an_unreachable_hub_is_waited_for_once(tmp_path, tiny_models, unreachable_hub):
    folder = tiny_models("sequence_classification", ["0", "1"])
    result = run_cli("eval", "--model", folder, "--tasks", "pawsx")
    one_line_error(result, "google/xtreme", "--data_dir pawsx=DIR")
    assert unreachable_hub == ["PAWS-X.de"] and result.err.count("cannot load hub dataset") == 1, result.err


def test_include_path_override_warns_once(tmp_path):
    import shutil

    from harness.taskfiles.index import builtin_task_dir

    shutil.copy(builtin_task_dir() / "xtreme" / "xnli.yaml", tmp_path / "xnli.yaml")
    result = run_cli("eval", "--model", "demo", "--tasks", "xnli", "--languages", "de", "--include_path", tmp_path)
    assert result.code == 0, result.err
    assert result.err.count("overrides") == 1, result.err


def test_unmappable_labels_stop_the_task(tmp_path, tiny_models):
    folder = tiny_models("sequence_classification", ["positive", "negative"])
    result = run_cli("eval", "--model", folder, "--tasks", "xnli", "--data_dir", "xnli=demo", "--languages", "de")
    one_line_error(result, "positive, negative", "entailment, neutral, contradiction")


def test_prediction_file_with_wrong_line_count_exits_2(tmp_path):
    (tmp_path / "p" / "xnli").mkdir(parents=True)
    (tmp_path / "p" / "xnli" / "test-de.tsv").write_text("neutral\n")
    result = run_cli("score", "--predictions", tmp_path / "p", "--data_dir", "xnli=demo", "--output_path", tmp_path / "o")
    one_line_error(result, "test-de.tsv", "1 lines, expected 30")


def test_tasks_command_lists_languages_metrics_sources():
    result = run_cli("tasks")
    assert result.code == 0
    assert "tatoeba" in result.out and "google/xtreme" in result.out and "accuracy_reverse" in result.out


def test_model_args_help_lists_every_key_the_parser_accepts():
    import argparse

    from harness.cli.main import build_parser
    from harness.models.model_args import EXTRA_KEYS, KEYS

    subcommands = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    text = " ".join(subcommands.choices["eval"].format_help().split())
    for key in [*KEYS, *EXTRA_KEYS]:
        assert f"{key}," in text or f"{key};" in text or f"{key} " in text, key
    assert "doc_stride" in text and "device_map" in text
