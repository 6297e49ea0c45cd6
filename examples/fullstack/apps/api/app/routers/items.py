import json

import redis
from fastapi import APIRouter
from sqlalchemy import text

from app.db import SessionLocal
from app.settings import settings
from app.tasks import enqueue_reindex

router = APIRouter(prefix="/items", tags=["items"])
cache = redis.Redis.from_url(settings.redis_url)


@router.get("")
def list_items() -> list[dict]:
    cached = cache.get("items")
    if cached:
        return json.loads(cached)
    with SessionLocal() as db:
        rows = db.execute(text("select id, title from items order by id")).mappings().all()
    items = [dict(r) for r in rows]
    cache.setex("items", 30, json.dumps(items))
    return items


@router.post("/{item_id}/reindex", status_code=202)
def reindex(item_id: int) -> dict:
    enqueue_reindex(item_id)
    return {"queued": item_id}
