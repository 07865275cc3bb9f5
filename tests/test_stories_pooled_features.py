"""A rebuild's features computed in worker processes equal those computed in process, in order."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

from tuireader.stories import Settings, StoryDoc
from tuireader.stories.index import features, features_in_batches


def _docs(count: int) -> list[StoryDoc]:
    return [
        StoryDoc(
            id=f"{n:012x}",
            title=f"Tin số {n}",
            text=f"Bộ trưởng Lavrov gặp ông Blinken tại Hà Nội, lần {n}.",
            site="a.vn",
        )
        for n in range(1, count + 1)
    ]


def test_pooled_features_match_in_process_ones_in_order() -> None:
    settings, docs = Settings(), _docs(1200)
    with ProcessPoolExecutor(max_workers=2) as pool:
        pooled = list(features_in_batches(docs, settings, pool))
    assert pooled == [features(doc, settings) for doc in docs]


def test_a_pool_shut_down_early_still_gives_every_article() -> None:
    settings, docs = Settings(), _docs(700)
    pool = ProcessPoolExecutor(max_workers=1)
    pool.shutdown()
    assert [row.num for row in features_in_batches(docs, settings, pool)] == [doc.num for doc in docs]
