"""Corpus stage: load documents, clean them, parse their structure and cut chunks."""
