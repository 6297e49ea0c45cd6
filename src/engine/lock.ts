/**
 * One operation per stack at a time inside this process. Both ways of taking the lock hand
 * back its own release; call it in `finally`.
 */
export type Release = () => void;

/** Keyed mutex; the key is `<project>/<env>`. */
export class StackLocks {
  /** For each held key, a promise that settles when it is released. */
  private readonly held = new Map<string, Promise<void>>();

  /** True while an operation holds `key`. */
  isBusy(key: string): boolean {
    return this.held.has(key);
  }

  /** Takes the lock if free; undefined when busy. */
  tryAcquire(key: string): Release | undefined {
    if (this.held.has(key)) return undefined;
    let settle!: () => void;
    const released = new Promise<void>((resolve) => (settle = resolve));
    this.held.set(key, released);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.held.delete(key);
      settle();
    };
  }

  /**
   * Waits for the lock. Waiters resume in the order they started waiting (promise reactions run
   * first-in first-out), and the first to resume takes the lock before the others look.
   */
  async acquire(key: string): Promise<Release> {
    for (;;) {
      const release = this.tryAcquire(key);
      if (release) return release;
      await this.held.get(key);
    }
  }
}
