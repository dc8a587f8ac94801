"""One static website per provider: pages from the merged content, rendered by MkDocs."""
