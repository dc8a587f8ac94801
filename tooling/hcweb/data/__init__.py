"""External data: snapshots of feeds the pages show (waiting times, helsenorge.no summaries)."""
