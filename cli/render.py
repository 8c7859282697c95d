"""Terminal output for people: citation first, then the passage with matched words highlighted."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from qa.highlight import match_spans
from qa.query import Query
from qa.types import Answer, Hit, SearchResult

_console = Console(highlight=False)


def _passage(hit: Hit, query: Query | None, answer_span: tuple[int, int] | None = None) -> Text:
    text = Text(hit.chunk.text)
    for start, end in match_spans(hit.chunk.text, query) if query is not None else []:
        text.stylize("bold yellow", start, end)
    if answer_span:
        text.stylize("bold reverse", *answer_span)
    return text


def print_hits(result: SearchResult) -> None:
    """Numbered hits: citation and score, then the passage."""
    if not result.hits:
        _console.print("Không tìm thấy đoạn nào phù hợp.")
        return
    for hit in result.hits:
        _console.print(Text(f"[{hit.rank}] {hit.chunk.citation}", style="bold cyan"),
                       Text(f"  (điểm {hit.score:.3f})", style="dim"))
        _console.print(_passage(hit, result.query))
        _console.print()


def print_answer(answer: Answer) -> None:
    """The answer, then its numbered sources."""
    query = answer.query
    style = "bold magenta" if answer.abstained else "bold green"
    _console.print(Text(answer.text, style=style))
    for note in answer.notes:
        _console.print(Text(f"⚠ {note}", style="yellow"))
    _console.print()
    title = "Các đoạn gần nhất (có thể liên quan):" if answer.abstained else "Nguồn:"
    _console.print(Text(title, style="bold"))
    for hit in answer.citations:
        span = None
        if answer.span and answer.span.chunk_id == hit.chunk.id:
            span = (answer.span.start, answer.span.end)
        _console.print(Text(f"[{hit.rank}] {hit.chunk.citation}", style="bold cyan"))
        _console.print(_passage(hit, query, span))
        _console.print()
