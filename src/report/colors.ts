/** ANSI styling (picocolors); every function is the identity when colours are off. */
import picocolors from 'picocolors';

export type Paint = Pick<
  ReturnType<typeof picocolors.createColors>,
  'red' | 'yellow' | 'green' | 'cyan' | 'dim' | 'bold' | 'underline'
>;

/** Colours on or off as decided by the caller (--color, FORCE_COLOR, NO_COLOR, TTY), never by picocolors' own detection. */
export function paint(enabled: boolean): Paint {
  return picocolors.createColors(enabled);
}
