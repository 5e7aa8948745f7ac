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


def number(flag: str, convert, expected: str, accept):
    """An argparse type: ``convert(value)`` (int or float) that ``accept`` takes, else one line
    naming the flag, the value and what was ``expected``."""

    def parse(value: str):
        try:
            parsed = convert(value)
        except ValueError:
            raise HarnessError(f"{flag} {value}: expected {expected}") from None
        if not accept(parsed):  # NaN fails every comparison, so a range check refuses it too
            raise HarnessError(f"{flag} {value}: expected {expected}")
        return parsed

    return parse


def positive_int(flag: str):
    return number(flag, int, "a positive integer", lambda n: n >= 1)


def open_unit_interval(flag: str, what: str):
    """A number strictly between 0 and 1: a significance level or a confidence level (0 and 1
    themselves would make every test, or no test, significant)."""
    return number(flag, float, f"{what} between 0 and 1", lambda x: 0.0 < x < 1.0)


# A seed numpy's generators accept: a non-negative integer.
random_seed = number("--seed", int, "a non-negative integer", lambda n: n >= 0)


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


_percentage = number("--max_missing_images", float, "a percentage between 0 and 100", lambda x: 0 <= x <= 100)


def percentage(value: str) -> float:
    return _percentage(value.rstrip("%"))


_workers = number("--num_workers", int, "a number >= 0 or auto", lambda n: n >= 0)


def workers(value: str) -> int | None:
    return None if value == "auto" else _workers(value)


def add_data_args(parser) -> None:
    parser.add_argument("--data_dir", action="append", metavar="TASK=DIR", default=[],
                        help="local data for TASK: its release layout, a parquet mirror of the hub dataset, "
                             "or 'demo' for the shipped sample set (repeatable)")
    parser.add_argument("--include_path", action="append", metavar="DIR", default=[],
                        help="extra folder of task YAML files (repeatable); same-named tasks override")
