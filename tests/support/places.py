"""Addresses of the BAN fixture (tests/fixtures/ban), imported once per test run."""

from __future__ import annotations

# 48.91466, 2.28736: where the factories put Asnières-sur-Seine (48.9146, 2.2874)
ADDRESS = "3 Rue des Bourguignons 92600 Asnières-sur-Seine"
ADDRESS_POSITION = (48.91466, 2.287355)
HOME = "1 Rue des Bourguignons 92600 Asnières-sur-Seine"  # a helper's home, ~50 m away
COLOMBES = "9 Rue Saint-Denis 92700 Colombes"
CANEBIERE = "10 La Canebière 13001 Marseille"
