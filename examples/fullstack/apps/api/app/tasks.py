from celery import Celery

from app.settings import settings

# The API only enqueues; apps/worker consumes.
producer = Celery("api", broker=settings.celery_broker_url)


def enqueue_reindex(item_id: int) -> None:
    producer.send_task("worker.tasks.reindex_item", args=[item_id])
