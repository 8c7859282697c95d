"""Index stage: embed and tokenise chunks into a folder of plain, checked files."""
