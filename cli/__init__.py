"""The ``qa`` console script: the one module above every stage, mounting each stage's commands."""
