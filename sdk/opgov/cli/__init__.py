"""The `opgov` command line: one file per group of verbs, all calling the SDK."""
