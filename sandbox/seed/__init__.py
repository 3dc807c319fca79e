"""Data the product ships: the zone and exemption catalogue, and the demo accounts and files."""
