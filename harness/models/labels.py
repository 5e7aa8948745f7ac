"""Map a checkpoint's output labels to a task's labels by name — never by index order.

MNLI checkpoints disagree on label order (roberta-large-mnli: contradiction, neutral,
entailment; others entailment first), so the only safe link is ``config.id2label``. Generic names
(``LABEL_0``…) carry no meaning and need an explicit ``label_map`` in ``--model_args``.
"""

from __future__ import annotations

import re
from typing import Mapping, Sequence

from harness.errors import HarnessError

GENERIC = re.compile(r"^label_\d+$", re.IGNORECASE)


def _norm(name: str) -> str:
    return " ".join(str(name).strip().lower().replace("_", " ").replace("-", " ").split())


def map_labels(
    id2label: Mapping[int, str],
    task_labels: Sequence[str],
    aliases: Mapping[str, Sequence[str]],
    label_map: Mapping[str, str],
    where: str,
) -> list[int | None]:
    """For each checkpoint output index, the index of its task label (None: output ignored).

    Every task label must be reached by exactly one output. Without a ``label_map`` every output
    must match a task label by name. A ``label_map`` may be partial: the outputs it names go where
    it says, the others fall back to matching by name — onto task labels the map does not already
    claim — and outputs that match nothing are ignored (a 4-way checkpoint on a 3-way task, say)."""
    outputs = {int(i): str(name) for i, name in id2label.items()}
    lookup: dict[str, int] = {}
    for t_index, label in enumerate(task_labels):
        for name in (label, *aliases.get(label, ())):
            lookup.setdefault(_norm(name), t_index)
    mapping: dict[int, int | None] = {}
    if label_map:
        explicit = {_norm(k): v for k, v in label_map.items()}
        unnamed = []
        for index, name in outputs.items():
            target = explicit.get(_norm(name), explicit.get(str(index)))
            if target is None:
                unnamed.append(index)
                continue
            if _norm(target) not in lookup:
                raise HarnessError(
                    f"{where}: label_map sends {name!r} to {target!r}, which is not a task label "
                    f"({', '.join(task_labels)})"
                )
            mapping[index] = lookup[_norm(target)]
        claimed = set(mapping.values())
        for index in unnamed:
            by_name = lookup.get(_norm(outputs[index]))
            mapping[index] = by_name if by_name not in claimed else None
    else:
        generic = [name for name in outputs.values() if GENERIC.match(name)]
        if generic:
            raise HarnessError(
                f"{where}: checkpoint labels are generic ({', '.join(outputs.values())}); pass "
                f"--model_args label_map=LABEL_0:{task_labels[0]};... for task labels {', '.join(task_labels)}"
            )
        for index, name in outputs.items():
            mapping[index] = lookup.get(_norm(name))
        unmapped = [outputs[i] for i, t in mapping.items() if t is None]
        if unmapped:
            raise HarnessError(
                f"{where}: cannot map checkpoint labels {', '.join(outputs.values())} to task labels "
                f"{', '.join(task_labels)} (no match for {', '.join(unmapped)}); pass --model_args label_map=..."
            )
    reached = [t for t in mapping.values() if t is not None]
    for t_index, label in enumerate(task_labels):
        count = reached.count(t_index)
        if count != 1:
            problem = "no checkpoint label maps" if count == 0 else f"{count} checkpoint labels map"
            raise HarnessError(
                f"{where}: {problem} to task label {label!r}; checkpoint labels {', '.join(outputs.values())}, "
                f"task labels {', '.join(task_labels)}"
            )
    return [mapping[i] for i in sorted(mapping)]
