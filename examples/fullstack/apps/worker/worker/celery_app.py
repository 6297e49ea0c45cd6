import os

from celery import Celery

app = Celery(
    "worker",
    broker=os.environ["CELERY_BROKER_URL"],
    backend=os.getenv("CELERY_RESULT_BACKEND", "redis://localhost:6379/2"),
    include=["worker.tasks"],
)
app.conf.task_acks_late = True
