"""The pure core: domain model, taxonomy, index and model maths. No I/O, no adapters."""
