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
