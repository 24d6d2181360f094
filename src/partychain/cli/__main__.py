"""``python -m partychain.cli``."""

from partychain.cli import main

main()
