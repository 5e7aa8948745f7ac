import torch

from harness.demo.checkpoints import DEMO_HEADS, build_tokenizer, demo_texts, ensure_demo_checkpoints
from harness.demo.training import aligned_embeddings


def test_translations_share_an_embedding_and_unrelated_words_do_not():
    tokenizer = build_tokenizer(demo_texts())
    table = aligned_embeddings(tokenizer, 64, seed=0)

    def vec(word):
        token = tokenizer.convert_tokens_to_ids(word)
        assert token != tokenizer.unk_token_id, word
        return table[token]

    cos = torch.nn.functional.cosine_similarity
    assert cos(vec("Katze"), vec("cat"), dim=0) > 0.99
    assert cos(vec("chat"), vec("gato"), dim=0) > 0.99
    assert abs(cos(vec("Katze"), vec("Garten"), dim=0)) < 0.5


def test_both_variants_have_every_head_and_differ():
    import safetensors.torch

    plain = ensure_demo_checkpoints("baseline")
    inter = ensure_demo_checkpoints("intermediate")
    assert set(plain) == set(inter) and set(DEMO_HEADS) <= set(plain)
    a = safetensors.torch.load_file(plain["encoder"] / "model.safetensors")
    b = safetensors.torch.load_file(inter["encoder"] / "model.safetensors")
    assert any(not torch.equal(a[k], b[k]) for k in a)
    again = ensure_demo_checkpoints("baseline")  # built once, then reused
    assert again == plain
