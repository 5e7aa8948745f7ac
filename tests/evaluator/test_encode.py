import torch

from harness.evaluator.encode import pool


def test_mean_pooling_follows_the_hidden_states_to_their_device():
    """With a device_map the chosen layer may sit on another GPU than the attention mask; the meta
    device stands in for that second device on a CPU-only machine."""
    hidden = torch.zeros(2, 3, 4, device="meta")
    mask = torch.ones(2, 3, dtype=torch.long)
    assert pool(hidden, mask, "mean").device.type == "meta"


def test_mean_pooling_averages_the_unmasked_positions():
    hidden = torch.arange(24, dtype=torch.float32).reshape(2, 3, 4)
    mask = torch.tensor([[1, 1, 0], [1, 0, 0]])
    expected = torch.stack([hidden[0, :2].mean(0), hidden[1, 0]])
    assert torch.allclose(pool(hidden, mask, "mean"), expected)
    assert torch.equal(pool(hidden, mask, "cls"), hidden[:, 0])
