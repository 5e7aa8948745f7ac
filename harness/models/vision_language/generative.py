"""Generative VLMs (``AutoModelForImageTextToText`` + processor): label log-likelihoods for
multiple choice, and greedy short answers.

Prompts go through the processor's chat template when it has one (a user turn holding the
images and the text, then the generation prompt); otherwise the images' placeholder tokens, the
text and "Answer:". A choice is scored as lm-evaluation-harness scores a continuation: the
tokens that ``prompt + choice`` has beyond ``prompt``, summed log-probabilities, the prompt and
image seen once per choice. Nothing is generated freely for multiple choice.
"""

from __future__ import annotations

import inspect
import time
from dataclasses import dataclass

import numpy as np

from harness.errors import HarnessError
from harness.evaluator.image_inputs import ImageExamples, image_token_cost
from harness.evaluator.runner import CollatedBatch
from harness.models.vision_language.batches import accepted_inputs, notes_for, prep_seconds

# Model types whose checkpoints are trained on several images per prompt; others see MaRVL's pair
# side by side in one image (two_images=concat) unless --model_args says otherwise.
MULTI_IMAGE_TYPES = ("idefics", "idefics2", "idefics3", "smolvlm", "qwen2_vl", "qwen2_5_vl", "qwen3_vl",
                     "llava_onevision", "mllama", "gemma3", "pixtral", "mistral3", "internvl", "aya_vision",
                     "llama4", "phi4_multimodal", "kimi_vl")


def render_prompt(processor, text: str, n_images: int) -> str:
    if getattr(processor, "chat_template", None):
        content = [{"type": "image"} for _ in range(n_images)] + [{"type": "text", "text": text}]
        return processor.apply_chat_template([{"role": "user", "content": content}], add_generation_prompt=True,
                                             tokenize=False)
    token = getattr(processor, "image_token", None)
    if not token:
        raise HarnessError(f"{type(processor).__name__} has neither a chat template nor an image token: "
                           "cannot place the images in a prompt")
    return f"{token * n_images}\n{text}\nAnswer:"


def continuation_text(prompt: str, choice: str) -> str:
    return choice if not prompt or prompt[-1].isspace() else f" {choice}"


def continuation_length(tokenizer, prompt: str, continuation: str) -> int:
    whole = tokenizer(prompt + continuation, add_special_tokens=False)["input_ids"]
    head = tokenizer(prompt, add_special_tokens=False)["input_ids"]
    return max(1, len(whole) - len(head))


def trailing_specials(tokenizer, text: str, add_special_tokens: bool) -> int:
    """Special tokens the tokenizer appends after the text (an EOS, say), which the scored
    continuation sits before."""
    if not add_special_tokens:
        return 0
    plain = tokenizer(text, add_special_tokens=False)["input_ids"]
    full = tokenizer(text)["input_ids"]
    for start in range(len(full) - len(plain) + 1):
        if full[start:start + len(plain)] == plain:
            return len(full) - start - len(plain)
    return 0


def adds_own_bos(tokenizer, prompt: str) -> bool:
    """Chat templates that write the BOS token themselves must not get a second one."""
    bos = getattr(tokenizer, "bos_token", None)
    return bool(bos) and prompt.startswith(bos)


@dataclass(frozen=True)
class ChoicePlan:
    continuations: tuple[str, ...]  # per choice, with its leading delimiter
    lengths: tuple[tuple[int, ...], ...]  # per example, per choice: scored tokens
    trailing: tuple[tuple[int, ...], ...]


class ChoiceCollate:
    def __init__(self, processor, plan: ChoicePlan, add_special_tokens: bool):
        self.processor = processor
        self.plan = plan
        self.add_special_tokens = add_special_tokens

    def __call__(self, items) -> CollatedBatch:
        started = time.perf_counter()
        texts, images, trailing, scored = [], [], [], []
        for index, prompt, pictures, _unreadable, _seconds in items:
            for c, continuation in enumerate(self.plan.continuations):
                texts.append(prompt + continuation)
                images.extend(pictures)
                trailing.append(self.plan.trailing[index][c])
                scored.append(self.plan.lengths[index][c])
        self.processor.tokenizer.padding_side = "right"
        encoded = self.processor(text=texts, images=images, padding=True, return_tensors="pt",
                                 add_special_tokens=self.add_special_tokens)
        import torch

        inputs = dict(encoded)
        # Right padding: each sequence's choice tokens end where its real tokens (minus any
        # appended special tokens) end.
        end = inputs["attention_mask"].sum(dim=1) - torch.tensor(trailing)
        inputs["score_end"] = end
        inputs["score_start"] = end - torch.tensor(scored)
        return CollatedBatch(inputs, notes_for(items), prep_seconds(items, started))


def _takes_logits_to_keep(model) -> bool:
    return "logits_to_keep" in inspect.signature(model.forward).parameters


def choice_forward(model, n_choices: int):
    import torch

    keep = _takes_logits_to_keep(model)

    def forward(batch):
        start, end = batch.pop("score_start"), batch.pop("score_end")
        ids = batch["input_ids"]
        # Only the positions predicting a continuation token need vocabulary logits.
        predicting = torch.cat([torch.arange(int(s) - 1, int(e) - 1) for s, e in zip(start, end)]).unique()
        inputs = accepted_inputs(model.forward, batch)
        if keep:
            logits = model(**inputs, logits_to_keep=predicting.to(ids.device)).logits
            column = {int(p): i for i, p in enumerate(predicting)}
        else:
            logits = model(**inputs).logits
            column = {int(p): int(p) for p in predicting}
        ids = ids.to(logits.device)  # with a device_map the logits come from the last layer's device
        scores = []
        for row in range(ids.shape[0]):
            total = logits.new_zeros((), dtype=torch.float32)
            for position in range(int(start[row]), int(end[row])):
                log_probs = torch.log_softmax(logits[row, column[position - 1]].float(), dim=-1)
                total = total + log_probs[ids[row, position]]
            scores.append(total)
        return torch.stack(scores).reshape(-1, n_choices)

    return forward


def choice_log_likelihoods(loaded, runner, examples, store, choices, concat: bool, desc: str):
    """Per example, the summed log-probability of each choice's tokens after its prompt.
    ``examples[i].text`` is the rendered prompt (see :func:`render_prompt`)."""
    tokenizer = loaded.tokenizer
    add_special = not adds_own_bos(tokenizer, examples[0].text) if examples else True
    continuations = tuple(continuation_text(examples[0].text if examples else "", c) for c in choices)
    lengths, trailing, costs = [], [], []
    per_example = 1 if concat else (len(examples[0].payloads) if examples else 1)
    image_cost = per_example * image_token_cost(loaded.config)
    for example in examples:
        lengths.append(tuple(continuation_length(tokenizer, example.text, c) for c in continuations))
        trailing.append(tuple(trailing_specials(tokenizer, example.text + c, add_special) for c in continuations))
        prompt_tokens = len(tokenizer(example.text)["input_ids"])
        costs.append(len(continuations) * (prompt_tokens + image_cost + max(lengths[-1])))
    plan = ChoicePlan(continuations, tuple(lengths), tuple(trailing))
    collate = ChoiceCollate(loaded.processor, plan, add_special)
    forward = choice_forward(loaded.model, len(continuations))
    return runner.run_loader(ImageExamples(examples, store, concat), costs, collate, forward, desc=desc)


class GenerateCollate:
    def __init__(self, processor, add_special_tokens: bool):
        self.processor = processor
        self.add_special_tokens = add_special_tokens

    def __call__(self, items) -> CollatedBatch:
        started = time.perf_counter()
        self.processor.tokenizer.padding_side = "left"  # batched greedy decoding continues on the right
        encoded = self.processor(text=[item[1] for item in items], images=[i for item in items for i in item[2]],
                                 padding=True, return_tensors="pt", add_special_tokens=self.add_special_tokens)
        return CollatedBatch(dict(encoded), notes_for(items), prep_seconds(items, started))


def generate_answers(loaded, runner, examples, store, max_new_tokens: int, desc: str) -> tuple[list[str], list[dict]]:
    """Greedy continuations (decoded, special tokens dropped) of each example's prompt."""
    import torch

    tokenizer = loaded.tokenizer
    model = loaded.model
    add_special = not adds_own_bos(tokenizer, examples[0].text) if examples else True
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    per_example = len(examples[0].payloads) if examples else 1
    costs = [len(tokenizer(e.text)["input_ids"]) + per_example * image_token_cost(loaded.config) + max_new_tokens
             for e in examples]

    def forward(batch):
        prompt_length = batch["input_ids"].shape[1]
        generated = model.generate(**accepted_inputs(model.forward, batch), max_new_tokens=max_new_tokens,
                                   do_sample=False, num_beams=1, pad_token_id=pad_id)
        new = generated[:, prompt_length:]
        return new if new.shape[1] else torch.full((new.shape[0], 1), pad_id, device=new.device)

    outputs, notes = runner.run_loader(ImageExamples(examples, store), costs, GenerateCollate(loaded.processor, add_special),
                                       forward, desc=desc)
    texts = [tokenizer.decode([int(t) for t in ids if int(t) != pad_id], skip_special_tokens=True) for ids in outputs]
    return texts, notes


def default_two_images(loaded) -> str:
    return "separate" if getattr(loaded.config, "model_type", "") in MULTI_IMAGE_TYPES else "concat"


def output_scores(outputs) -> np.ndarray:
    return np.stack([np.asarray(o, dtype=np.float64) for o in outputs]) if outputs else np.zeros((0, 0))
