"""Terminal output shared by the commands: progress, summaries, one-line errors."""
