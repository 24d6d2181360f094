"""partychain: party building along the industry chain, as a graph."""

__version__ = "0.1.0"
