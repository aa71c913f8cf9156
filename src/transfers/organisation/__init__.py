"""Our organisation entities (exporters) and processing descriptions per vendor engagement."""
