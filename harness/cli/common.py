"""Argument parsing shared by the sub-commands."""

from __future__ import annotations

from harness.errors import HarnessError


def split_list(value: str | None, flag: str) -> list[str] | None:
    if value is None:
        return None
    items = [part.strip() for part in value.split(",") if part.strip()]
    if not items:
        raise HarnessError(f"{flag}: expected a comma-separated list, got {value!r}")
    return items


def positive_int(flag: str):
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise HarnessError(f"{flag} {value}: expected a positive integer") from None
        if number < 1:
            raise HarnessError(f"{flag} {value}: expected a positive integer")
        return number

    return parse


def open_unit_interval(flag: str, what: str):
    """A number strictly between 0 and 1: a significance level or a confidence level (0 and 1
    themselves would make every test, or no test, significant)."""

    def parse(value: str) -> float:
        try:
            number = float(value)
        except ValueError:
            number = float("nan")
        if not 0.0 < number < 1.0:  # NaN fails too
            raise HarnessError(f"{flag} {value}: expected {what} between 0 and 1")
        return number

    return parse


def random_seed(value: str) -> int:
    """A seed numpy's generators accept: a non-negative integer."""
    try:
        number = int(value)
    except ValueError:
        raise HarnessError(f"--seed {value}: expected a non-negative integer") from None
    if number < 0:
        raise HarnessError(f"--seed {value}: expected a non-negative integer")
    return number


def add_significance_args(parser, correction_help: str = "multiple-comparison correction (default holm)") -> None:
    """--resamples, --seed, --alpha, --correction: the paired tests' settings, the same for
    harness compare, ci and leaderboard."""
    from harness.stats.multiple import CORRECTIONS

    parser.add_argument("--resamples", type=positive_int("--resamples"), default=10_000,
                        help="bootstrap and randomisation resamples (default 10000)")
    parser.add_argument("--seed", type=random_seed, default=0, help="random seed; the same seed gives the same output")
    parser.add_argument("--alpha", type=open_unit_interval("--alpha", "a significance level"), default=0.05,
                        help="significance level of the tests and the * marks (default 0.05)")
    parser.add_argument("--correction", choices=CORRECTIONS, default="holm", help=correction_help)


def batch_size(value: str) -> int | None:
    if value == "auto":
        return None
    return positive_int("--batch_size")(value)


def percentage(value: str) -> float:
    try:
        number = float(value.rstrip("%"))
    except ValueError:
        raise HarnessError(f"--max_missing_images {value}: expected a percentage between 0 and 100") from None
    if not 0 <= number <= 100:
        raise HarnessError(f"--max_missing_images {value}: expected a percentage between 0 and 100")
    return number


def workers(value: str) -> int | None:
    if value == "auto":
        return None
    try:
        number = int(value)
    except ValueError:
        raise HarnessError(f"--num_workers {value}: expected a number >= 0 or auto") from None
    if number < 0:
        raise HarnessError(f"--num_workers {value}: expected a number >= 0 or auto")
    return number


def add_data_args(parser) -> None:
    parser.add_argument("--data_dir", action="append", metavar="TASK=DIR", default=[],
                        help="local data for TASK: its release layout, a parquet mirror of the hub dataset, "
                             "or 'demo' for the shipped sample set (repeatable)")
    parser.add_argument("--include_path", action="append", metavar="DIR", default=[],
                        help="extra folder of task YAML files (repeatable); same-named tasks override")
