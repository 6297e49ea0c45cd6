import os

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from chat.history import remember
from chat.llm import stream_answer


class ChatRequest(BaseModel):
    message: str
    session: str = "anonymous"


def create_app() -> FastAPI:
    app = FastAPI(title="Chat")
    app.add_middleware(
        CORSMiddleware,
        allow_origins=[os.getenv("ALLOWED_ORIGIN", "http://localhost:3000")],
        allow_methods=["POST"],
        allow_headers=["*"],
    )

    @app.get("/health")
    def health() -> dict:
        return {"status": "ok"}

    @app.post("/chat")
    def chat(req: ChatRequest) -> StreamingResponse:
        remember(req.session, req.message)
        return StreamingResponse(stream_answer(req.message), media_type="text/plain")

    return app
