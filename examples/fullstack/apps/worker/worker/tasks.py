import os

from sqlalchemy import create_engine, text

from worker.celery_app import app

engine = create_engine(os.environ["DATABASE_URL"], pool_pre_ping=True)


@app.task(name="worker.tasks.reindex_item")
def reindex_item(item_id: int) -> int:
    with engine.begin() as conn:
        conn.execute(text("update items set title = trim(title) where id = :id"), {"id": item_id})
    return item_id
