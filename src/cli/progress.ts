/**
 * A spinner with elapsed time on stderr, shown only when stderr is a terminal
 * and the work takes longer than `delayMs`; silent otherwise (CI logs, pipes).
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
  const draw = () => {
    shown = true;
    const secs = ((now() - started) / 1000).toFixed(1);
    stream.write(`\r\u001b[2K${FRAMES[frame++ % FRAMES.length]} consent-lint: ${label}… ${secs}s`);
  };
  const delay = setTimeout(() => {
    draw();
    interval = setInterval(draw, options.intervalMs ?? 100);
    interval.unref();
  }, options.delayMs ?? 1000);
  delay.unref();
  return {
    update(text: string) {
      label = text;
    },
    stop() {
      clearTimeout(delay);
      if (interval) clearInterval(interval);
      if (shown) stream.write('\r\u001b[2K');
      shown = false;
    },
  };
}
