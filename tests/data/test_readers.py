import pytest

from harness.data.sources import resolve_source
from harness.errors import HarnessError
from harness.taskfiles.index import TaskIndex
from tests.helpers import write_hub_mirror


@pytest.fixture(scope="module")
def index():
    return TaskIndex.load()


def test_every_shared_tatoeba_file_loads_line_aligned(index, shared_data):
    task = index.tasks["tatoeba"]
    source = resolve_source(task, {"tatoeba": str(shared_data / "tatoeba")})
    total = 0
    for lang in task.languages:
        rows = source.load(lang)
        assert rows, lang
        assert all(r["source"] and r["target"] for r in rows[:5])
        assert rows[0]["id"] == "0"
        total += len(rows)
    assert total > 30000  # 36 languages, up to 1,000 pairs each


def test_tatoeba_uses_source_codes_and_keeps_line_order(index, shared_data):
    source = resolve_source(index.tasks["tatoeba"], {"tatoeba": str(shared_data / "tatoeba")})
    rows = source.load("de")
    first_de = (shared_data / "tatoeba" / "tatoeba.deu-eng.deu").read_text(encoding="utf-8").splitlines()[0]
    assert rows[0]["source"] == first_de


def test_xnli_tsv_is_read_without_quote_processing(index, tmp_path):
    header = "language\tgold_label\tsentence1\tsentence2\tpairID"
    lines = [header, 'de\tneutral\tEr sagte "Hallo\tund ging.\t1', 'en\tentailment\t"Quoted" start\tx\t2']
    (tmp_path / "xnli.test.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    source = resolve_source(index.tasks["xnli"], {"xnli": str(tmp_path)})
    de = source.load("de")
    assert de == [{"id": "0", "sentence1": 'Er sagte "Hallo', "sentence2": "und ging.", "label": "neutral"}]
    assert source.load("en")[0]["sentence1"] == '"Quoted" start'


def test_pawsx_tsv_keeps_every_row_as_xtremes_preprocessing_does(index, tmp_path, caplog):
    # utils_preprocess.py pawsx_preprocess: line.strip().split('\t'), fields 1-3 by position,
    # sentences stripped; nothing dropped (a stray tab keeps the row, its fields by position).
    # ' '.join(s.strip().split(' ')) splits on single spaces and joins them back: runs of spaces
    # inside a sentence stay as they are (it is not a whitespace tokenisation).
    (tmp_path / "de").mkdir()
    text = "id\tsentence1\tsentence2\tlabel\n1\t a  z \tb\t1\n2\tc\td\t0\textra\n3\te\tf\t0\n"
    (tmp_path / "de" / "test_2k.tsv").write_text(text, encoding="utf-8")
    with caplog.at_level("WARNING"):
        rows = resolve_source(index.tasks["pawsx"], {"pawsx": str(tmp_path)}).load("de")
    triples = [(r["sentence1"], r["sentence2"], r["label"]) for r in rows]
    assert triples == [("a  z", "b", "1"), ("c", "d", "0"), ("e", "f", "0")]
    assert "1 line(s) have more than 4" in caplog.text and "lines 3" in caplog.text


def test_pawsx_tsv_row_with_too_few_fields_is_named_not_dropped(index, tmp_path):
    (tmp_path / "de").mkdir()
    text = "id\tsentence1\tsentence2\tlabel\n1\ta\tb\t1\n2\tbroken row\t0\n"
    (tmp_path / "de" / "test_2k.tsv").write_text(text, encoding="utf-8")
    with pytest.raises(HarnessError, match="test_2k.tsv:3: expected 4 tab-separated fields .* got 3"):
        resolve_source(index.tasks["pawsx"], {"pawsx": str(tmp_path)}).load("de")


def test_bucc_reader_finds_files_one_folder_down(index, tmp_path):
    folder = tmp_path / "de-en"
    folder.mkdir()
    for release in ("sample", "training"):
        (folder / f"de-en.{release}.de").write_text("de-1\tHallo Welt\nde-2\tNoch ein Satz\n", encoding="utf-8")
        (folder / f"de-en.{release}.en").write_text("en-1\tHello world\n", encoding="utf-8")
        (folder / f"de-en.{release}.gold").write_text("de-1\ten-1\n", encoding="utf-8")
    source = resolve_source(index.tasks["bucc2018"], {"bucc2018": str(tmp_path)})
    rows = source.load("de")
    assert rows == {"source": [["de-1", "Hallo Welt"], ["de-2", "Noch ein Satz"]],
                    "target": [["en-1", "Hello world"]], "gold": [["de-1", "en-1"]]}


def test_missing_release_file_names_it(index, tmp_path):
    source = resolve_source(index.tasks["xnli"], {"xnli": str(tmp_path)})
    with pytest.raises(HarnessError, match="missing file xnli.test.tsv"):
        source.load("de")


def test_hub_mirror_filters_xnli_by_language_column(index, tmp_path):
    rows = [
        {"language": "de", "sentence1": "a", "sentence2": "b", "gold_label": "neutral"},
        {"language": "en", "sentence1": "c", "sentence2": "d", "gold_label": "entailment"},
        {"language": "de", "sentence1": "e", "sentence2": "f", "gold_label": "contradiction"},
    ]
    write_hub_mirror(tmp_path, {"XNLI": {"test": rows}})
    source = resolve_source(index.tasks["xnli"], {"xnli": str(tmp_path)})
    assert source.mode == "mirror"
    assert source.load("de") == [
        {"id": "0", "sentence1": "a", "sentence2": "b", "label": "neutral"},
        {"id": "1", "sentence1": "e", "sentence2": "f", "label": "contradiction"},
    ]


def test_hub_mirror_tatoeba_rows_lose_the_trailing_newline(index, tmp_path):
    rows = [{"source_sentence": "Hallo\n", "target_sentence": "Hello\n", "source_lang": "deu", "target_lang": "eng"}]
    write_hub_mirror(tmp_path, {"tatoeba.deu": {"validation": rows}})
    source = resolve_source(index.tasks["tatoeba"], {"tatoeba": str(tmp_path)})
    assert source.load("de") == [{"id": "0", "source": "Hallo", "target": "Hello"}]


def test_hub_mirror_missing_column_is_named(index, tmp_path):
    write_hub_mirror(tmp_path, {"PAWS-X.de": {"test": [{"sentence1": "a", "sentence2": "b"}]}})
    source = resolve_source(index.tasks["pawsx"], {"pawsx": str(tmp_path)})
    with pytest.raises(HarnessError, match="lacks column\\(s\\) label"):
        source.load("de")


def test_unreachable_hub_names_dataset_and_how_to_pass_a_local_copy(index):
    source = resolve_source(index.tasks["xnli"], {})
    with pytest.raises(HarnessError) as err:
        source.load("de")
    message = str(err.value)
    assert "google/xtreme" in message and "--data_dir xnli=DIR" in message and "\n" not in message


def test_bucc_hub_copy_is_refused_because_it_lacks_candidates(index, tmp_path):
    with pytest.raises(HarnessError, match="gold pairs"):
        resolve_source(index.tasks["bucc2018"], {})
    write_hub_mirror(tmp_path, {"bucc18.de": {"test": [{"source_sentence": "a", "target_sentence": "b"}]}})
    with pytest.raises(HarnessError, match="--data_dir bucc2018=DIR"):
        resolve_source(index.tasks["bucc2018"], {"bucc2018": str(tmp_path)})


def test_demo_source_lists_its_languages(index):
    source = resolve_source(index.tasks["xnli"], {}, demo=True)
    assert source.available_languages() == {"de", "en", "es", "fr"}
    assert len(source.load("fr")) == 30


def test_demo_data_is_what_the_generator_writes(tmp_path, monkeypatch):
    """The committed demo sets are reproducible from harness/demo/make_data.py."""
    import filecmp

    from harness.demo import make_data
    from harness.data.sources import DEMO_DATA_DIR

    monkeypatch.setattr(make_data, "OUT", tmp_path)
    make_data.main()
    generated = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    committed = sorted(p.relative_to(DEMO_DATA_DIR) for p in DEMO_DATA_DIR.rglob("*") if p.is_file())
    assert generated == committed
    for rel in generated:
        assert filecmp.cmp(tmp_path / rel, DEMO_DATA_DIR / rel, shallow=False), rel


@pytest.mark.parametrize("source, gold, fragment", [
    ("", "de-1\ten-1\n", "no sentences"),
    ("de-1\tHallo\n", "de-9\ten-1\n", "names id 'de-9'"),
])
def test_bucc_release_problems_are_named(index, tmp_path, source, gold, fragment):
    for release in ("sample", "training"):
        (tmp_path / f"de-en.{release}.de").write_text(source, encoding="utf-8")
        (tmp_path / f"de-en.{release}.en").write_text("en-1\tHello\n", encoding="utf-8")
        (tmp_path / f"de-en.{release}.gold").write_text(gold, encoding="utf-8")
    with pytest.raises(HarnessError, match=fragment):
        resolve_source(index.tasks["bucc2018"], {"bucc2018": str(tmp_path)}).load("de")


def test_a_parquet_file_deep_in_a_folder_does_not_make_it_a_hub_mirror(tmp_path):
    from harness.data.hub import is_hub_mirror

    (tmp_path / "a" / "b" / "c").mkdir(parents=True)
    (tmp_path / "a" / "b" / "c" / "x.parquet").write_bytes(b"")
    assert not is_hub_mirror(tmp_path)
    (tmp_path / "README.md").write_text("Some notes.\n\nconfigs: none here\n")
    assert not is_hub_mirror(tmp_path)  # "configs:" outside a YAML header


def test_config_folders_of_parquet_files_make_a_hub_mirror(tmp_path):
    from harness.data.hub import is_hub_mirror

    (tmp_path / "PAWS-X.de").mkdir()
    (tmp_path / "PAWS-X.de" / "test-00000-of-00001.parquet").write_bytes(b"")
    assert is_hub_mirror(tmp_path)


def test_a_readme_configs_header_makes_a_hub_mirror(tmp_path):
    from harness.data.hub import is_hub_mirror

    write_hub_mirror(tmp_path, {"XNLI": {"test": [{"language": "de"}]}})
    assert is_hub_mirror(tmp_path)


def test_data_dir_with_parquet_deep_below_is_read_as_a_release_layout(index, tmp_path):
    (tmp_path / "cache" / "some" / "where" / "x.parquet").parent.mkdir(parents=True)
    (tmp_path / "cache" / "some" / "where" / "x.parquet").write_bytes(b"")
    source = resolve_source(index.tasks["xnli"], {"xnli": str(tmp_path)})
    assert source.mode == "local"


def test_an_unreachable_hub_is_tried_once_for_all_languages_and_stops_the_task(index, unreachable_hub):
    from harness.errors import TaskStopped

    source = resolve_source(index.tasks["pawsx"], {})  # one hub config per language
    for lang in ("de", "fr", "ja"):
        with pytest.raises(TaskStopped) as err:
            source.load(lang)
        assert "google/xtreme" in str(err.value) and "--data_dir pawsx=DIR" in str(err.value)
    assert unreachable_hub == ["PAWS-X.de"]


def test_a_missing_hub_config_concerns_only_its_language(index, monkeypatch):
    from harness.data import hub
    from harness.errors import TaskStopped

    def missing(path, config, split, revision):
        raise ValueError(f"BuilderConfig '{config}' not found")

    monkeypatch.setattr(hub, "_load_split_cached", missing)
    monkeypatch.setattr(hub, "_FAILED", {})
    with pytest.raises(HarnessError) as err:
        resolve_source(index.tasks["pawsx"], {}).load("de")
    assert not isinstance(err.value, TaskStopped) and "PAWS-X.de" in str(err.value)


def test_a_languages_own_folder_is_not_read_for_another_language(index, tmp_path):
    """PAWS-X's template starts with the language's folder: unlike IGLUE's task folder, it is
    never dropped, or --data_dir pawsx=…/de would serve German rows as French."""
    (tmp_path / "de").mkdir()
    (tmp_path / "de" / "test_2k.tsv").write_text("id\tsentence1\tsentence2\tlabel\n1\ta\tb\t1\n", encoding="utf-8")
    with pytest.raises(HarnessError, match="missing file fr/test_2k.tsv"):
        resolve_source(index.tasks["pawsx"], {"pawsx": str(tmp_path / "de")}).load("fr")


def test_a_missing_file_every_language_reads_stops_the_task(index, tmp_path):
    from harness.errors import TaskStopped

    with pytest.raises(TaskStopped, match="missing file xnli.test.tsv"):
        resolve_source(index.tasks["xnli"], {"xnli": str(tmp_path)}).load("de")
    (tmp_path / "de").mkdir()
    with pytest.raises(HarnessError) as err:  # PAWS-X: one file per language
        resolve_source(index.tasks["pawsx"], {"pawsx": str(tmp_path)}).load("fr")
    assert not isinstance(err.value, TaskStopped)
