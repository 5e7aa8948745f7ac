"""Keeps the model of the current task loaded, and remembers checkpoints that failed to load."""

from __future__ import annotations

import gc
import json
import logging

from harness.errors import HarnessError
from harness.models.loading import LoadedModel, load_model
from harness.models.model_args import ModelArgs

log = logging.getLogger(__name__)


class ModelPool:
    def __init__(self, device):
        self.device = device
        self.current: tuple | None = None
        self.loaded: LoadedModel | None = None
        self.failed: dict[tuple, HarnessError] = {}
        self.infos: dict[str, dict] = {}

    def get(self, checkpoint: str, role: str, args: ModelArgs) -> LoadedModel:
        key = (checkpoint, role, json.dumps(args.settings(), sort_keys=True, default=str))
        if key in self.failed:
            failed = self.failed[key]
            raise type(failed)(str(failed))  # the same kind of error (a missing head stays one)
        if self.current != key:
            self.release()
            log.info("loading %s as %s", checkpoint, role)
            try:
                self.loaded = load_model(checkpoint, role, args, self.device)
            except HarnessError as err:
                self.failed[key] = err
                raise
            self.current = key
            self.infos[f"{checkpoint}#{role}"] = self.loaded.info
        return self.loaded

    def release(self) -> None:
        if self.loaded is not None:
            self.loaded = None
            self.current = None
            gc.collect()
            try:
                import torch

                if torch.cuda.is_available():
                    torch.cuda.empty_cache()
            except ImportError:
                pass
