// Search as you type sends a request per pause in typing; answers can come back in any order.
// Each new request aborts the one before, and an answer is used only if it belongs to the newest
// request, so a slow early search can never overwrite a later one.

export type Latest = {
  /** Starts a new request generation, aborting the previous one; returns its signal and a freshness check. */
  next(): { signal: AbortSignal; isCurrent: () => boolean };
  cancel(): void;
};

export function latestOnly(): Latest {
  let generation = 0;
  let controller: AbortController | null = null;
  return {
    next() {
      controller?.abort();
      generation += 1;
      const mine = generation;
      const own = new AbortController();
      controller = own;
      return { signal: own.signal, isCurrent: () => mine === generation && !own.signal.aborted };
    },
    cancel() {
      controller?.abort();
      controller = null;
      generation += 1;
    },
  };
}

export type Debounced<A extends unknown[]> = ((...args: A) => void) & { cancel(): void; flush(): void };

/** Calls fn once input has been quiet for `wait` ms; flush() runs a pending call now. */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, wait: number): Debounced<A> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pending: A | null = null;
  const run = () => {
    timer = undefined;
    if (!pending) return;
    const args = pending;
    pending = null;
    fn(...args);
  };
  const debounced = (...args: A) => {
    pending = args;
    clearTimeout(timer);
    timer = setTimeout(run, wait);
  };
  debounced.cancel = () => {
    clearTimeout(timer);
    pending = null;
  };
  debounced.flush = () => {
    clearTimeout(timer);
    run();
  };
  return debounced;
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException ? error.name === "AbortError" : error instanceof Error && error.name === "AbortError";
}
