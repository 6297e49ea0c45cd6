import os

import redis

_redis = redis.Redis.from_url(os.getenv("REDIS_URL", "redis://localhost:6379/1"))


def remember(session: str, message: str) -> None:
    _redis.rpush(f"chat:{session}", message)
    _redis.expire(f"chat:{session}", 3600)
