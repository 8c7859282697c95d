"""QA stage: a question in, cited passages and an answer out."""
