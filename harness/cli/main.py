"""Entry point. Sub-commands are imported lazily so ``harness tasks`` starts without torch.

Errors: a :class:`HarnessError` (bad input) prints one line on stderr and exits with status 2;
so do argument errors. Only this module prints; the library logs.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from harness import __version__
from harness.errors import HarnessError

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
    sys.exit(code or 0)


if __name__ == "__main__":
    main()
