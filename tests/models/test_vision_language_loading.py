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


def test_device_map_is_passed_through_and_recorded_with_the_same_outputs(vl_models, monkeypatch):
    import torch

    from harness.demo.vl_checkpoints import draw_shape
    from harness.models.vision_language import loading

    passed = {}
    real = loading.model_class

    def spying(config, family):
        cls = real(config, family)

        class Spy:
            __name__ = cls.__name__

            @staticmethod
            def from_pretrained(*args, **kwargs):
                passed.update(kwargs)
                model, info = cls.from_pretrained(*args, **kwargs)
                # as accelerate records a placement over several devices (on one it sets none)
                model.hf_device_map = {"vilt.embeddings": "cpu", "vilt.encoder": "cpu", "classifier": "cpu"}
                return model, info

        return Spy

    plain = load_vl(vl_models("vilt"))
    monkeypatch.setattr(loading, "model_class", spying)
    mapped = load_vl(vl_models("vilt"), device_map="auto")
    assert passed["device_map"] == "auto"  # accelerate places the layers (and moves activations)
    assert "device_map" not in plain.info
    assert mapped.info["device_map"] == {"vilt.embeddings": "cpu", "vilt.encoder": "cpu", "classifier": "cpu"}
    inputs = plain.processor(images=[draw_shape("red", "circle", 32)], text=["the shape is red"], return_tensors="pt")
    with torch.no_grad():
        assert torch.allclose(plain.model(**inputs).logits, mapped.model(**inputs).logits)
