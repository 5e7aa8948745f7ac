import json
import subprocess

import pytest

from harness.errors import HarnessError
from harness.models.model_args import ModelArgs
from harness.registry.checkpoints import load_registry
from tests.helpers import run_cli

REGISTRY = """
baseline: {text: base}
results_root: runs
checkpoints:
  base:
    family: text
    base: demo
    intermediate: none
    model: demo
    description: the demo checkpoints
  treated:
    family: text
    base: demo
    intermediate: mnli
    model: demo
    tasks:
      xnli: {model: demo, model_args: {max_length: 64}}
    model_args: {pooling: cls}
  treated-s2:
    family: text
    seed_of: treated
    seed: 2
    model: demo
  broken:
    family: text
    model: /no/such/checkpoint
"""


@pytest.fixture
def registry_file(tmp_path):
    path = tmp_path / "checkpoints.yaml"
    path.write_text(REGISTRY)
    return path


def test_entries_seeds_and_baseline(registry_file):
    registry = load_registry(registry_file)
    assert registry.baseline_for("treated") == "base"
    assert [e.name for e in registry.seeds_of("treated-s2")] == ["treated", "treated-s2"]
    assert registry.entries["base"].intermediate is None and registry.entries["treated"].intermediate == "mnli"


def test_entry_resolves_per_task_checkpoints_and_args(registry_file):
    spec = load_registry(registry_file).entries["treated"].model_spec(ModelArgs(dtype="float32"))
    assert spec.args.pooling == "cls" and spec.args.dtype == "float32"
    assert spec.args_for("xnli").max_length == 64 and spec.args_for("xnli").pooling == "cls"
    assert spec.checkpoint_for("xnli").endswith("/xnli") and spec.checkpoint_for("tatoeba").endswith("/encoder")


@pytest.mark.parametrize("text, fragment", [
    ("checkpoints: {a: {family: audio, model: x}}", "key 'family' must be one of text, vision-language"),
    ("checkpoints: {a: {family: text}}", "needs 'model' or 'tasks'"),
    ("checkpoints: {a: {family: text, model: x, colour: red}}", "unknown key 'colour'"),
    ("checkpoints: {a: {family: text, model: x, seed_of: b}}", "seed_of names unknown entry 'b'"),
    ("baseline: {text: z}\ncheckpoints: {a: {family: text, model: x}}", "baseline.text names unknown entry 'z'"),
    ("checkpoints: {a: {family: text, model: x, tasks: {xnli: 3}}}", "checkpoints.a.tasks.xnli"),
    ("checkpoints: {a: {family: text, model: x, model_args: {colour: red}}}",
     "checkpoints.a.model_args: unknown key 'colour'; expected one of"),
    ("checkpoints: {a: {family: text, model: x, model_args: {dtype: fp8}}}",
     "checkpoints.a.model_args: dtype=fp8: expected one of auto, float32, bfloat16, float16"),
    ("checkpoints: {a: {family: text, model: x, tasks: {xnli: {model: y, model_args: {max_length: 0}}}}}",
     "checkpoints.a.tasks.xnli.model_args: max_length=0: expected an integer >= 1"),
    ("checkpoints: {a: {family: text, model: x, tasks: {xnlii: y}}}",
     "checkpoints.a.tasks: unknown task 'xnlii'; expected a task name (harness tasks lists them); did you mean xnli"),
])
def test_schema_errors_name_file_entry_and_key(tmp_path, text, fragment):
    path = tmp_path / "c.yaml"
    path.write_text(text)
    with pytest.raises(HarnessError) as err:
        load_registry(path)
    assert fragment in str(err.value) and "c.yaml" in str(err.value)


def test_eval_resolves_a_registry_name(registry_file, tmp_path):
    result = run_cli("eval", "--checkpoints", registry_file, "--model", "treated", "--tasks", "xnli",
                     "--languages", "de", "--output_path", tmp_path / "run")
    assert result.code == 0, result.err
    config = json.loads((tmp_path / "run" / "results.json").read_text())["config"]
    assert config["model"]["name"] == "treated"
    assert config["tasks"]["xnli"]["model_args"]["max_length"] == 64


def test_sweep_runs_every_entry_and_a_failure_does_not_stop_the_rest(registry_file, tmp_path):
    root = tmp_path / "root"
    result = run_cli("sweep", "--checkpoints", registry_file, "--tasks", "xnli", "--results", root, "--limit", "3")
    assert result.code == 2
    assert "broken" in result.err
    for name in ("base", "treated", "treated-s2"):
        assert (root / name / "results.json").is_file(), name
    stamp = (root / "base" / "results.json").read_text()
    again = run_cli("sweep", "--checkpoints", registry_file, "--tasks", "xnli", "--results", root, "--limit", "3",
                    "--only", "base")
    assert again.code == 0, again.err
    before = json.loads(stamp)["config"]["tasks"]["xnli"]["languages"]
    after = json.loads((root / "base" / "results.json").read_text())["config"]["tasks"]["xnli"]["languages"]
    assert before == after  # nothing recomputed


def test_slurm_script_is_valid_bash_and_its_command_parses(registry_file, tmp_path):
    script = tmp_path / "sweep.sbatch"
    result = run_cli("sweep", "--checkpoints", registry_file, "--tasks", "xtreme", "--results", tmp_path / "root",
                     "--slurm", script, "--gpus", "2", "--data_dir", "bucc2018=/data/bucc")
    assert result.code == 0, result.err
    text = script.read_text()
    assert "#SBATCH --array=0-3" in text and "torchrun --standalone --nproc_per_node 2 -m harness eval" in text
    assert subprocess.run(["bash", "-n", str(script)]).returncode == 0
    from harness.cli.main import build_parser

    line = next(l for l in text.splitlines() if l.startswith("torchrun"))
    import shlex

    argv = shlex.split(line.replace('"$NAME"', "base"))
    args = build_parser().parse_args(argv[argv.index("harness") + 1:])
    assert args.command == "eval" and args.model == "base" and args.data_dir == ["bucc2018=/data/bucc"]


def test_committed_registry_loads_and_names_demo_entries():
    from pathlib import Path

    registry = load_registry(Path(__file__).resolve().parents[2] / "checkpoints.yaml")
    assert registry.baseline_for("demo-intermediate") == "demo"
    assert registry.entries["demo-intermediate"].intermediate == "nli"
    assert {"text", "vision-language"} <= set(registry.baseline)


def test_committed_tner_panx_head_maps_all_seven_tags():
    from pathlib import Path

    from harness.models.labels import map_labels
    from harness.taskfiles.index import TaskIndex

    registry = load_registry(Path(__file__).resolve().parents[2] / "checkpoints.yaml")
    head = registry.entries["xlmr-large"].model_spec(ModelArgs())
    assert head.checkpoint_for("panx") == "tner/xlm-roberta-large-panx-dataset-en"
    # the head's id2label as tner writes it (person/organization/location, IOB2)
    id2label = dict(enumerate(["B-organization", "I-organization", "O", "B-location", "I-location", "B-person",
                               "I-person"]))
    panx = TaskIndex.load().tasks["panx"]
    mapping = map_labels(id2label, panx.labels, {}, head.args_for("panx").label_map, "panx")
    assert sorted(mapping) == list(range(7))  # every tag reaches a distinct PAN-X label
    assert [panx.labels[i] for i in mapping] == ["B-ORG", "I-ORG", "O", "B-LOC", "I-LOC", "B-PER", "I-PER"]


def test_compare_takes_registry_names_and_finds_every_seed(registry_file, tmp_path):
    root = tmp_path / "root"
    for name in ("base", "treated", "treated-s2"):
        assert run_cli("eval", "--checkpoints", registry_file, "--model", name, "--tasks", "xnli", "--languages",
                       "de", "--output_path", root / name).code == 0
    result = run_cli("compare", "base", "treated", "--checkpoints", registry_file, "--results", root,
                     "--resamples", "200", "--json", tmp_path / "c.json")
    assert result.code == 0, result.err
    data = json.loads((tmp_path / "c.json").read_text())
    assert data["cells"][0]["task"] == "xnli"
    assert data["seeds"], "the two seeds of 'treated' should give an ASO entry"


def test_tasks_from_include_paths_are_accepted_when_named(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("checkpoints: {a: {family: text, model: x, tasks: {my_task: y}}}")
    assert load_registry(path, task_names={"my_task"}).entries["a"].tasks["my_task"].model == "y"


def test_an_entry_uses_the_demo_when_its_model_or_any_head_is_a_demo_checkpoint(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("checkpoints:\n  whole: {family: text, model: demo}\n"
                    "  head: {family: text, model: org/enc, tasks: {xnli: demo-intermediate}}\n"
                    "  hub: {family: text, model: org/enc, tasks: {xnli: org/xnli}}\n")
    entries = load_registry(path).entries
    assert entries["whole"].uses_demo and entries["head"].uses_demo and not entries["hub"].uses_demo
    # the spec the evaluator gets says the same (it picks the demo data from it)
    assert not entries["hub"].model_spec(ModelArgs()).demo
