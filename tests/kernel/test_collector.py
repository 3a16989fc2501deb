"""A serving process's full collections examine only what was allocated since the last one."""

import gc

from services.kernel import collector


def test_what_survives_a_full_collection_is_not_examined_again():
    thresholds, callbacks = gc.get_threshold(), list(gc.callbacks)
    collector.tune_for_serving()
    try:
        held = [{"n": n, "items": [n]} for n in range(10_000)]
        gc.collect()

        assert gc.get_freeze_count() >= len(held) * 2  # the dicts and lists held, at least
    finally:
        gc.callbacks[:] = callbacks
        gc.unfreeze()
        gc.set_threshold(*thresholds)
