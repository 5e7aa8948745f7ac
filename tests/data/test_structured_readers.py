import json

import pytest

from harness.data.sources import resolve_source
from harness.errors import HarnessError
from harness.taskfiles.index import TaskIndex


@pytest.fixture(scope="module")
def index():
    return TaskIndex.load()


def conllu(*sentences):
    lines = []
    for words in sentences:
        lines.append("# text = …")
        for word in words:
            lines.append("\t".join([*word, *["_"] * (10 - len(word))]) if isinstance(word, tuple) else word)
        lines.append("")
    return "\n".join(lines) + "\n"


def test_panx_reader_drops_the_language_prefix_and_splits_on_blank_lines(index, tmp_path):
    (tmp_path / "de").mkdir()
    text = "de:Anna\tB-PER\nde:in\tO\nde:http://x.de\tO\n\n\nde:Köln\tB-LOC"  # no final newline
    (tmp_path / "de" / "test").write_text(text, encoding="utf-8")
    rows = resolve_source(index.tasks["panx"], {"panx": str(tmp_path)}).load("de")
    assert rows == [{"id": "0", "tokens": ["Anna", "in", "http://x.de"], "tags": ["B-PER", "O", "O"]},
                    {"id": "1", "tokens": ["Köln"], "tags": ["B-LOC"]}]


def test_panx_reader_names_file_and_line_of_a_malformed_line(index, tmp_path):
    (tmp_path / "de").mkdir()
    (tmp_path / "de" / "test").write_text("de:Anna\tB-PER\nde:kaputt\n", encoding="utf-8")
    with pytest.raises(HarnessError, match=r"de/test:2: expected token<TAB>tag"):
        resolve_source(index.tasks["panx"], {"panx": str(tmp_path)}).load("de")


def test_panx_reader_refuses_a_gold_tag_the_task_does_not_have(index, tmp_path):
    (tmp_path / "de").mkdir()
    (tmp_path / "de" / "test").write_text("de:Anna\tB-PER\nde:Bonn\tB-MISC\n", encoding="utf-8")
    with pytest.raises(HarnessError, match=r"de/test:2: unknown tag 'B-MISC'; expected one of O, B-PER"):
        resolve_source(index.tasks["panx"], {"panx": str(tmp_path)}).load("de")


def test_conllu_reader_skips_ranges_and_empty_nodes_and_joins_treebanks_in_order(index, tmp_path):
    (tmp_path / "UD_German-B").mkdir()
    (tmp_path / "UD_German-A").mkdir()
    (tmp_path / "UD_English-X").mkdir()
    (tmp_path / "UD_German-B" / "de_b-ud-test.conllu").write_text(conllu(
        [("1", "Er", "_", "PRON"), ("2-3", "im"), ("2", "in", "_", "ADP"), ("3", "dem", "_", "DET"), ("3.1", "ist", "_", "AUX"),
         ("4", "Haus", "_", "NOUN")]), encoding="utf-8")
    (tmp_path / "UD_German-A" / "de_a-ud-test.conllu").write_text(conllu([("1", "Ja", "_", "INTJ")]), encoding="utf-8")
    (tmp_path / "UD_German-A" / "de_a-ud-dev.conllu").write_text(conllu([("1", "Dev", "_", "X")]), encoding="utf-8")
    (tmp_path / "UD_English-X" / "en_x-ud-test.conllu").write_text(conllu([("1", "Yes", "_", "INTJ")]), encoding="utf-8")
    rows = resolve_source(index.tasks["udpos"], {"udpos": str(tmp_path)}).load("de")
    assert [r["tokens"] for r in rows] == [["Ja"], ["Er", "in", "dem", "Haus"]]
    assert rows[1]["tags"] == ["PRON", "ADP", "DET", "NOUN"]
    assert [r["id"] for r in rows] == ["0", "1"]


def test_conllu_reader_skips_sentences_released_without_text(index, tmp_path):
    (tmp_path / "UD_English-ESL").mkdir()
    (tmp_path / "UD_English-ESL" / "en_esl-ud-test.conllu").write_text(conllu(
        [("1", "_", "_", "PRON"), ("2", "_", "_", "VERB"), ("3", ".", "_", "PUNCT")],
        [("1", "Hi", "_", "INTJ")]), encoding="utf-8")
    rows = resolve_source(index.tasks["udpos"], {"udpos": str(tmp_path)}).load("en")
    assert [r["tokens"] for r in rows] == [["Hi"]]


@pytest.mark.parametrize("line, message", [
    ("1\tEr\t_\tPRON", r"de_x-ud-test.conllu:3: expected 10 tab-separated CoNLL-U fields, got 4"),
    ("2\tEr\t_\tPRON\t_\t_\t_\t_\t_\t_", r"de_x-ud-test.conllu:3: word id '2' out of sequence"),
    ("1\tEr\t_\tPRN\t_\t_\t_\t_\t_\t_", r"de_x-ud-test.conllu:3: unknown UPOS tag 'PRN'; expected one of ADJ"),
])
def test_malformed_conllu_line_names_file_and_line(index, tmp_path, line, message):
    (tmp_path / "UD_German-X").mkdir()
    (tmp_path / "UD_German-X" / "de_x-ud-test.conllu").write_text(f"# sent_id = 1\n# text = Er\n{line}\n\n")
    with pytest.raises(HarnessError, match=message):
        resolve_source(index.tasks["udpos"], {"udpos": str(tmp_path)}).load("de")


def test_udpos_without_files_for_the_language_says_what_layout_it_expects(index, tmp_path):
    with pytest.raises(HarnessError, match=r"no fr_\*-ud-test.conllu files"):
        resolve_source(index.tasks["udpos"], {"udpos": str(tmp_path)}).load("fr")


def test_every_shared_xquad_file_loads_with_exact_answer_spans(index, shared_data):
    task = index.tasks["xquad"]
    source = resolve_source(task, {"xquad": str(shared_data / "xquad")})
    ids = None
    for lang in task.languages:
        rows = source.load(lang)
        assert len(rows) == 1190, lang
        assert len({r["id"] for r in rows}) == 1190
        ids = ids or [r["id"] for r in rows]
        assert [r["id"] for r in rows] == ids  # the same questions, translated
        for row in rows:
            for answer in row["answers"]:
                start = answer["answer_start"]
                assert row["context"][start:start + len(answer["text"])] == answer["text"], (lang, row["id"])


def squad(qids, context="Anna lives in Köln."):
    qas = [{"id": q, "question": "Who?", "answers": [{"text": "Anna", "answer_start": 0}]} for q in qids]
    return {"version": "1.1", "data": [{"title": "t", "paragraphs": [{"context": context, "qas": qas}]}]}


def test_mlqa_reader_finds_in_language_and_cross_lingual_files(index, tmp_path):
    (tmp_path / "test").mkdir()
    (tmp_path / "test" / "test-context-de-question-de.json").write_text(json.dumps(squad(["a"])))
    (tmp_path / "test" / "test-context-de-question-en.json").write_text(json.dumps(squad(["b"])))
    assert resolve_source(index.tasks["mlqa"], {"mlqa": str(tmp_path)}).load("de")[0]["id"] == "a"
    gxlt = resolve_source(index.tasks["mlqa_gxlt"], {"mlqa_gxlt": str(tmp_path)}).load("de-en")
    assert gxlt == [{"id": "b", "title": "t", "context": "Anna lives in Köln.", "question": "Who?",
                     "answers": [{"text": "Anna", "answer_start": 0}]}]


def test_tydiqa_reader_takes_the_language_from_the_id_prefix(index, tmp_path):
    ids = ["arabic-1-0", "english-2-0", "arabic-3-1", "bengali-4-0"]
    (tmp_path / "tydiqa-goldp-v1.1-dev.json").write_text(json.dumps(squad(ids)))
    source = resolve_source(index.tasks["tydiqa"], {"tydiqa": str(tmp_path)})
    assert [r["id"] for r in source.load("ar")] == ["arabic-1-0", "arabic-3-1"]


@pytest.mark.parametrize("document, message", [
    ({"data": [{"paragraphs": [{"qas": []}]}]}, "not SQuAD v1.1 JSON"),
    ([1, 2], "no 'data' list"),
    (squad(["x", "x"]), "question id 'x' appears twice"),
])
def test_malformed_squad_json_is_one_error_naming_the_file(index, tmp_path, document, message):
    (tmp_path / "xquad.de.json").write_text(json.dumps(document))
    with pytest.raises(HarnessError, match=message):
        resolve_source(index.tasks["xquad"], {"xquad": str(tmp_path)}).load("de")


def write_mirror_with_features(folder, config, split, columns, features):
    import datasets

    datasets.Dataset.from_dict(columns, features=datasets.Features(features)).to_parquet(
        str(folder / config / f"{split}-00000-of-00001.parquet"))
    (folder / "README.md").write_text(
        f"---\nconfigs:\n- config_name: {config}\n  data_files:\n  - split: {split}\n    path: {config}/{split}-*\n---\n")


def test_hub_mirror_class_labels_become_tag_names(index, tmp_path):
    from datasets import ClassLabel, List, Value

    (tmp_path / "PAN-X.de").mkdir()
    names = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC"]
    write_mirror_with_features(tmp_path, "PAN-X.de", "test",
                               {"tokens": [["Anna", "in", "Köln"]], "ner_tags": [[1, 0, 5]], "langs": [["de"] * 3]},
                               {"tokens": List(Value("string")), "ner_tags": List(ClassLabel(names=names)),
                                "langs": List(Value("string"))})
    rows = resolve_source(index.tasks["panx"], {"panx": str(tmp_path)}).load("de")
    assert rows == [{"id": "0", "tokens": ["Anna", "in", "Köln"], "tags": ["B-PER", "O", "B-LOC"]}]


def test_hub_mirror_udpos_config_is_named_by_the_english_language_name(index, tmp_path):
    from datasets import ClassLabel, List, Value

    (tmp_path / "udpos.German").mkdir()
    write_mirror_with_features(tmp_path, "udpos.German", "test", {"tokens": [["Ja"]], "pos_tags": [[6]]},
                               {"tokens": List(Value("string")),
                                "pos_tags": List(ClassLabel(names=list(index.tasks["udpos"].labels)))})
    rows = resolve_source(index.tasks["udpos"], {"udpos": str(tmp_path)}).load("de")
    assert rows[0]["tags"] == ["INTJ"]


def test_hub_mirror_squad_answers_become_records_and_tydiqa_filters_by_id_prefix(index, tmp_path):
    from datasets import Sequence, Value

    (tmp_path / "tydiqa").mkdir()
    write_mirror_with_features(
        tmp_path, "tydiqa", "validation",
        {"id": ["english-1", "arabic-2", "english-3"], "title": ["t"] * 3, "context": ["Anna lives."] * 3,
         "question": ["Who?"] * 3, "answers": [{"text": ["Anna"], "answer_start": [0]}] * 3},
        {"id": Value("string"), "title": Value("string"), "context": Value("string"), "question": Value("string"),
         "answers": Sequence({"text": Value("string"), "answer_start": Value("int32")})})
    rows = resolve_source(index.tasks["tydiqa"], {"tydiqa": str(tmp_path)}).load("en")
    assert [r["id"] for r in rows] == ["english-1", "english-3"]
    assert rows[0]["answers"] == [{"text": "Anna", "answer_start": 0}]
