// Reading a field of a value whose shape is unknown (an SDK's error, a parsed JSON body) without
// pretending to know its type: the answer is `unknown` until checked.
export function fieldOf(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' ? Reflect.get(value, key) : undefined;
}
