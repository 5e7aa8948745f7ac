import json

import pytest

from harness.data.sources import resolve_source
from harness.taskfiles.index import TaskIndex
from tests.helpers import run_cli

STRUCTURED = ("udpos", "panx", "xquad", "mlqa", "tydiqa")
DEMO_DATA = [arg for task in STRUCTURED for arg in ("--data_dir", f"{task}=demo")]


@pytest.fixture(scope="module")
def xtreme_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "xtreme"
    result = run_cli("eval", "--model", "demo", "--tasks", "xtreme", "--output_path", out)
    assert result.code == 0, result.err
    return out


def one_line_error(result, *fragments):
    assert result.code == 2, (result.code, result.out, result.err)
    lines = [line for line in result.err.splitlines() if line.startswith("harness: error:")]
    assert lines and "Traceback" not in result.err, result.err
    for fragment in fragments:
        assert any(fragment in line for line in lines), (fragment, result.err)


def test_demo_xtreme_reports_all_nine_tasks_with_category_and_overall_averages(xtreme_run):
    data = json.loads((xtreme_run / "results.json").read_text())
    group = data["groups"]["xtreme"]
    assert set(group["tasks"]) == {"xnli", "pawsx", "udpos", "panx", "xquad", "mlqa", "tydiqa", "bucc2018", "tatoeba"}
    assert not group["missing_tasks"] and group["score"] is not None
    assert set(group["categories"]) == {"classification", "tagging", "qa", "retrieval"}
    assert all(score is not None for score in group["categories"].values())
    xquad = data["results"]["xquad"]
    assert group["tasks"]["xquad"]["score"] == pytest.approx(
        sum((m["exact_match"] + m["f1"]) / 2 for m in xquad.values()) / len(xquad))
    assert {"f1", "accuracy", "precision", "recall"} <= set(data["results"]["udpos"]["de"])


def test_samples_keep_answer_span_score_and_per_question_stats(xtreme_run):
    row = json.loads((xtreme_run / "samples" / "mlqa" / "de.jsonl").read_text().splitlines()[0])
    assert {"id", "gold", "prediction", "span", "score", "stats"} <= set(row)
    assert set(row["stats"]) == {"exact", "f1"}
    tags = json.loads((xtreme_run / "samples" / "panx" / "fr.jsonl").read_text().splitlines()[0])
    assert set(tags["stats"]) == {"tp", "fp", "fn", "correct", "tokens"}


def test_scoring_the_runs_own_predictions_reproduces_its_numbers(xtreme_run, tmp_path):
    result = run_cli("score", "--predictions", xtreme_run / "predictions", "--tasks", ",".join(STRUCTURED),
                     *DEMO_DATA, "--output_path", tmp_path)
    assert result.code == 0, result.err
    evaluated = json.loads((xtreme_run / "results.json").read_text())["results"]
    scored = json.loads((tmp_path / "results.json").read_text())["results"]
    assert set(scored) == set(STRUCTURED)
    for task, per_lang in scored.items():
        assert per_lang == evaluated[task], task


def gold_files(folder, task_name, lang):
    task = TaskIndex.load().tasks[task_name]
    rows = resolve_source(task, {}, demo=True).load(lang)
    (folder / task_name).mkdir(parents=True, exist_ok=True)
    if task.kind == "token_tagging":
        text = "".join("".join(f"{t}\n" for t in r["tags"]) + "\n" for r in rows)
        path = folder / task_name / f"test-{lang}.tsv"
    else:
        text = json.dumps({r["id"]: r["answers"][0]["text"] for r in rows}, ensure_ascii=False)
        path = folder / task_name / f"test-{lang}.json"
    path.write_text(text, encoding="utf-8")
    return path


def test_gold_as_prediction_scores_100_for_every_structured_task(tmp_path):
    for task, lang in [("udpos", "de"), ("panx", "es"), ("xquad", "de"), ("mlqa", "es"), ("tydiqa", "en")]:
        gold_files(tmp_path / "preds", task, lang)
    result = run_cli("score", "--predictions", tmp_path / "preds", *DEMO_DATA, "--output_path", tmp_path / "out")
    assert result.code == 0, result.err
    scores = json.loads((tmp_path / "out" / "results.json").read_text())["results"]
    for task, per_lang in scores.items():
        for lang, metrics in per_lang.items():
            assert all(v == 100.0 for k, v in metrics.items() if k != "n"), (task, lang, metrics)


def test_missing_question_ids_count_as_wrong_and_are_reported(tmp_path):
    path = gold_files(tmp_path / "preds", "xquad", "en")
    answers = json.loads(path.read_text())
    answers.pop(next(iter(answers)))
    path.write_text(json.dumps(answers))
    result = run_cli("score", "--predictions", tmp_path / "preds", "--data_dir", "xquad=demo",
                     "--output_path", tmp_path / "out")
    assert result.code == 0, result.err
    metrics = json.loads((tmp_path / "out" / "results.json").read_text())["results"]["xquad"]["en"]
    assert metrics["missing_predictions"] == 1
    assert metrics["exact_match"] == pytest.approx(100 * (metrics["n"] - 1) / metrics["n"])


@pytest.mark.parametrize("task, edit, fragments", [
    ("panx", lambda text: text.replace("\n\n", "\n", 1), [".tsv:1: sentence 1 has"]),
    ("udpos", lambda text: text.rstrip("\n").rsplit("\n\n", 1)[0] + "\n\n", ["sentences, expected 36"]),
    ("udpos", lambda text: "NOUNS\n" + text.split("\n", 1)[1], [".tsv:1: tag 'NOUNS' is not one of"]),
    ("xquad", lambda text: "[1, 2]", ["expected a JSON object"]),
    ("xquad", lambda text: text[:-3], ["not valid JSON"]),
])
def test_bad_prediction_files_exit_2_with_one_line(tmp_path, task, edit, fragments):
    lang = "de"
    path = gold_files(tmp_path / "preds", task, lang)
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    result = run_cli("score", "--predictions", tmp_path / "preds", "--data_dir", f"{task}=demo",
                     "--output_path", tmp_path / "out")
    one_line_error(result, str(path), *fragments)


def test_malformed_conllu_stops_with_file_and_line(tmp_path):
    folder = tmp_path / "ud" / "UD_German-Bad"
    folder.mkdir(parents=True)
    (folder / "de_bad-ud-test.conllu").write_text("# text = x\n1\tx\t_\tNOUN\n\n", encoding="utf-8")
    result = run_cli("eval", "--model", "demo", "--tasks", "udpos", "--languages", "de", "--data_dir",
                     f"udpos={tmp_path / 'ud'}", "--output_path", tmp_path / "run")
    one_line_error(result, "de_bad-ud-test.conllu:2: expected 10 tab-separated CoNLL-U fields")


def test_mlqa_cross_lingual_pairs_run_by_name_only(tmp_path):
    assert "mlqa_gxlt" not in TaskIndex.load().groups["xtreme"].tasks
    result = run_cli("eval", "--model", "demo", "--tasks", "mlqa_gxlt", "--languages", "de-en,es-de",
                     "--output_path", tmp_path / "run")
    assert result.code == 0, result.err
    results = json.loads((tmp_path / "run" / "results.json").read_text())["results"]["mlqa_gxlt"]
    assert set(results) == {"de-en", "es-de"} and results["de-en"]["n"] == 24
