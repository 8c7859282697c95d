"""Gradio app: a thin adapter over :mod:`qa`."""
