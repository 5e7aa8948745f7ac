"""The one user-facing error type.

Library code raises :class:`HarnessError` with a single line that names the file, key or value
at fault and what was expected; the CLI prints it and exits with status 2.
"""


class HarnessError(Exception):
    """A problem with the user's input or environment, reported as one line."""

    def __init__(self, message: str):
        super().__init__(" ".join(str(message).split()))


class TaskStopped(HarnessError):
    """A problem that concerns a whole task, not one of its languages (labels that cannot be
    mapped, a data file every language reads, an unreachable hub, too many missing images): the
    evaluator stops that task with this one message instead of repeating it per language, and the
    run goes on with the other tasks."""


class MissingHeadError(HarnessError):
    """A checkpoint without trained weights for the head a task needs (a bare encoder given for
    XNLI, say). A checkpoints.yaml entry skips such a task instead of failing on it."""
