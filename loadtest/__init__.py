"""Load test of a live Fasthub server (scripts/loadtest, docs/LOAD.md); not part of the tests."""
