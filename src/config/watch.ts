// Hot reload: watch the config file and pack paths, debounce bursts of change events (editors and
// ConfigMap symlink swaps write several), then call reload(). The caller keeps the old state when
// reload() throws; this module only reports.
import { watch, type FSWatcher } from 'node:fs';

export interface Watcher {
  close(): void;
}

export function watchPaths(paths: readonly string[], reload: () => void, opts: { debounceMs?: number; onError?: (err: Error) => void } = {}): Watcher {
  const debounceMs = opts.debounceMs ?? 250;
  let timer: NodeJS.Timeout | null = null;
  const fire = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      try {
        reload();
      } catch (err) {
        opts.onError?.(err instanceof Error ? err : new Error(String(err)));
      }
    }, debounceMs);
    timer.unref();
  };
  const watchers: FSWatcher[] = [];
  for (const p of paths) {
    try {
      const w = watch(p, { persistent: false, recursive: false }, fire);
      w.on('error', (err) => opts.onError?.(err));
      watchers.push(w);
    } catch (err) {
      opts.onError?.(err instanceof Error ? err : new Error(String(err)));
    }
  }
  return {
    close(): void {
      if (timer) clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
