import os
from collections.abc import Iterator

from anthropic import Anthropic
from openai import OpenAI

openai_client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])
anthropic_client = Anthropic(api_key=os.environ["ANTHROPIC_API_KEY"])
MODEL = os.getenv("CHAT_MODEL", "gpt-4o-mini")
FALLBACK_MODEL = os.getenv("FALLBACK_MODEL", "claude-3-5-haiku-latest")


def stream_answer(message: str) -> Iterator[str]:
    try:
        stream = openai_client.chat.completions.create(
            model=MODEL,
            messages=[{"role": "user", "content": message}],
            stream=True,
        )
        for chunk in stream:
            delta = chunk.choices[0].delta.content
            if delta:
                yield delta
    except Exception:
        with anthropic_client.messages.stream(
            model=FALLBACK_MODEL,
            max_tokens=1024,
            messages=[{"role": "user", "content": message}],
        ) as fallback:
            yield from fallback.text_stream
