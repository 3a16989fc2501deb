"""The suite's benchmarks: they run services in process on the embedded stack's store."""

import services.embedded.memorystore  # noqa: F401  (mongomock:// is the in-process store)
