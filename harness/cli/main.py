"""Entry point. Sub-commands are imported lazily so ``harness tasks`` starts without torch.

Exit status: 0 success; 1 only from ``harness ci``, for a regression it found; 2 bad input (a
:class:`HarnessError` or an argument error: one line on stderr); 3 an internal error (any other
exception: a bug, reported with its traceback), kept apart from 1 so that a crash never reads as
a regression; 130 interrupted. Only this module prints; the library logs.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
import traceback

from harness import __version__
from harness.errors import HarnessError

INTERNAL_ERROR = 3

COMMANDS = {
    "compare": "harness.cli.compare_cmd",
    "eval": "harness.cli.eval_cmd",
    "score": "harness.cli.score_cmd",
    "tasks": "harness.cli.tasks_cmd",
    "sweep": "harness.cli.sweep_cmd",
    "leaderboard": "harness.cli.leaderboard_cmd",
    "ci": "harness.cli.ci_cmd",
}


class OneLineParser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse prints usage plus the error; we print one line
        raise HarnessError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="harness", description="Zero-shot cross-lingual evaluation on XTREME and IGLUE.")
    parser.add_argument("--version", action="version", version=f"harness {__version__}")
    parser.add_argument("--verbosity", choices=["DEBUG", "INFO", "WARNING", "ERROR"], default="INFO",
                        help="log level on stderr (default INFO)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    for name, module in COMMANDS.items():
        importlib.import_module(module).add_parser(sub)
    return parser


def configure_logging(level: str) -> None:
    logging.basicConfig(level=getattr(logging, level), format="%(levelname)s %(name)s: %(message)s",
                        stream=sys.stderr, force=True)
    for noisy in ("urllib3", "filelock", "fsspec", "datasets", "huggingface_hub", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def main(argv: list[str] | None = None) -> None:
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not args.command:
            parser.print_help()
            sys.exit(2)
        configure_logging(args.verbosity)
        code = args.handler(args)
    except HarnessError as err:
        print(f"harness: error: {err}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("harness: interrupted; finished units are saved, re-run to resume", file=sys.stderr)
        sys.exit(130)
    except Exception as err:  # a bug: its traceback, and a status no caller mistakes for a verdict
        traceback.print_exc(file=sys.stderr)
        print(f"harness: internal error: {type(err).__name__}: {err} (exit status 3; please report it with the "
              "traceback above)", file=sys.stderr)
        sys.exit(INTERNAL_ERROR)
    sys.exit(code or 0)


if __name__ == "__main__":
    main()
