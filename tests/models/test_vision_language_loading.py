import pytest

from harness.errors import HarnessError
from tests.iglue_helpers import load_vl


@pytest.mark.parametrize("kind,family,cls", [
    ("vilt", "classifier", "ViltForQuestionAnswering"),
    ("vilt_pair", "classifier", "ViltForImagesAndTextClassification"),
    ("clip", "dual_encoder", "CLIPModel"),
    ("siglip", "dual_encoder", "SiglipModel"),
    ("llava", "generative", "LlavaForConditionalGeneration"),
])
def test_family_is_detected_from_the_checkpoint_config(vl_models, kind, family, cls):
    loaded = load_vl(vl_models(kind))
    assert loaded.family == family
    assert type(loaded.model).__name__ == cls
    assert loaded.info["family"] == family
    # PIL/numpy image processing: torchvision is not installed
    assert type(loaded.processor.image_processor).__name__.endswith("Pil")


def test_family_can_be_overridden_and_bad_values_are_one_line_errors(vl_models):
    with pytest.raises(HarnessError, match="family=ocr: expected one of classifier, dual_encoder, generative"):
        load_vl(vl_models("clip"), family="ocr")


def test_a_text_only_checkpoint_is_not_taken_for_a_vision_language_model(tiny_models):
    with pytest.raises(HarnessError, match="cannot tell which vision-language family .* model type 'bert'"):
        load_vl(tiny_models("sequence_classification", labels=["a", "b"]))
