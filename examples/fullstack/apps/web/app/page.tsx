import { Chat } from './components/chat';

interface Item {
  id: number;
  title: string;
}

async function getItems(): Promise<Item[]> {
  const res = await fetch(`${process.env.NEXT_PUBLIC_API_URL}/items`, { cache: 'no-store' });
  if (!res.ok) return [];
  return (await res.json()) as Item[];
}

export default async function Home() {
  const items = await getItems();
  return (
    <main>
      <h1>Items</h1>
      <ul>
        {items.map((item) => (
          <li key={item.id}>{item.title}</li>
        ))}
      </ul>
      <Chat />
    </main>
  );
}
