"""Write styled replies and their labels: python -m simulator.styles OUT [--seed N]."""

from __future__ import annotations

import argparse
from pathlib import Path

from simulator.styles.families import FAMILIES
from simulator.styles.generate import generate_styled_replies, write_labels, write_styled_replies
from simulator.styles.sample import sample_letters


def main(argv: list[str] | None = None) -> None:
    """Reply to the sample letters in every style; write OUT/inbox/*.eml and OUT/labels.csv."""
    parser = argparse.ArgumentParser(prog="python -m simulator.styles", description=__doc__)
    parser.add_argument("out", type=Path, help="directory for inbox/ and labels.csv")
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--rounds", type=int, default=3,
                        help="yearly rounds of the letter to the 51 trusts (default 3: 153)")
    parser.add_argument("--families", default=",".join(FAMILIES),
                        help="comma-separated families, cycled over the letters")
    args = parser.parse_args(argv)
    replies = generate_styled_replies(sample_letters(args.rounds), seed=args.seed,
                                      families=args.families.split(","))
    write_styled_replies(replies, args.out / "inbox")
    write_labels(replies, args.out / "labels.csv")
    print(f"{len(replies)} replies in {args.out / 'inbox'}, labels in {args.out / 'labels.csv'}")


if __name__ == "__main__":
    main()
