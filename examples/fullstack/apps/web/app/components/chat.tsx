'use client';

import { useState } from 'react';

const CHAT_URL = process.env.NEXT_PUBLIC_CHAT_URL ?? 'http://localhost:8001';

export function Chat() {
  const [answer, setAnswer] = useState('');

  async function ask(question: string) {
    setAnswer('');
    const res = await fetch(`${CHAT_URL}/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: question }),
    });
    const reader = res.body?.getReader();
    const decoder = new TextDecoder();
    while (reader) {
      const { done, value } = await reader.read();
      if (done) break;
      setAnswer((a) => a + decoder.decode(value));
    }
  }

  return (
    <form
      action={(data) => {
        void ask(String(data.get('q') ?? ''));
      }}
    >
      <input name="q" placeholder="Ask about your items" />
      <button type="submit">Ask</button>
      <output>{answer}</output>
    </form>
  );
}
