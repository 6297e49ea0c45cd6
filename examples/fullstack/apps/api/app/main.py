from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app.db import ping
from app.routers import items
from app.settings import settings

app = FastAPI(title="Items API")
app.add_middleware(
    CORSMiddleware,
    allow_origins=settings.cors_origins.split(","),
    allow_methods=["*"],
    allow_headers=["*"],
)
app.include_router(items.router)


@app.get("/healthz")
def healthz() -> dict:
    return {"status": "ok"}


@app.get("/readyz")
def readyz() -> dict:
    ping()
    return {"status": "ready"}
