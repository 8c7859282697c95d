"""Evaluation: the Q&A set, the runner and the report."""
