/**
 * A spinner with elapsed time and the current phase on stderr, shown only when
 * stderr is a terminal and the work takes longer than `delayMs` (300 ms);
 * silent otherwise (CI logs, pipes). Timers cannot fire while a synchronous
 * phase blocks the event loop, so every `update()` (each phase the scan
 * reports) also redraws once the delay has passed: the line always names the
 * phase the scan is in.
 */
export interface ProgressOptions {
  enabled: boolean;
  stream?: { write(s: string): unknown };
  delayMs?: number;
  intervalMs?: number;
  label?: string;
  now?: () => number;
}

export interface Progress {
  /** Update the text after the spinner (e.g. a phase or file count from a future onProgress callback). */
  update(label: string): void;
  stop(): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function startProgress(options: ProgressOptions): Progress {
  const { stream } = options;
  if (!options.enabled || !stream) return { update() {}, stop() {} };
  const now = options.now ?? Date.now;
  const started = now();
  let label = options.label ?? 'scanning';
  let frame = 0;
  let shown = false;
  let interval: NodeJS.Timeout | undefined;
  let stopped = false;
  const delayMs = options.delayMs ?? 300;
  let lastDraw = -Infinity;
  const draw = () => {
    shown = true;
    lastDraw = now();
    const secs = ((now() - started) / 1000).toFixed(1);
    stream.write(`\r\u001b[2K${FRAMES[frame++ % FRAMES.length]} consent-lint: ${label}… ${secs}s`);
  };
  const delay = setTimeout(() => {
    draw();
    interval = setInterval(draw, options.intervalMs ?? 100);
    interval.unref();
  }, delayMs);
  delay.unref();
  return {
    update(text: string) {
      label = text;
      const t = now();
      if (!stopped && t - started >= delayMs && t - lastDraw >= 50) draw();
    },
    stop() {
      stopped = true;
      clearTimeout(delay);
      if (interval) clearInterval(interval);
      if (shown) stream.write('\r\u001b[2K');
      shown = false;
    },
  };
}
