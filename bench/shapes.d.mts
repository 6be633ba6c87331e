/** Pathological source shapes (see shapes.mjs). */
export function shape(kind: 'chain-callee-first' | 'chain-caller-first' | 'arrows' | string, n: number): string;
