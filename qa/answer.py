"""Turn retrieved passages into an answer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qa.types import Answer

if TYPE_CHECKING:
    from qa.assistant import Assistant


def answer(assistant: Assistant, question: str) -> Answer:
    """Best passage with its citation."""
    result = assistant.search(question, top_k=5)
    top = result.hits[0]
    return Answer(result.query.text, f"{top.chunk.citation}: {top.chunk.text}", False, result.hits)
