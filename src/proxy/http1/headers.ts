// A header list as the codec parsed it: lowercase names (Envoy normalises header names the same
// way), values in arrival order, duplicates kept. Flat parallel arrays rather than a Map of arrays
// because a request has few headers and a linear scan of them is cheaper than hashing each name.

export class RequestHeaders {
  readonly names: string[] = [];
  readonly values: string[] = [];

  get size(): number {
    return this.names.length;
  }

  add(name: string, value: string): void {
    this.names.push(name);
    this.values.push(value);
  }

  /** The first value of `name` (lowercase), or undefined. */
  get(name: string): string | undefined {
    const n = this.names;
    for (let i = 0; i < n.length; i++) if (n[i] === name) return this.values[i];
    return undefined;
  }

  has(name: string): boolean {
    return this.names.indexOf(name) >= 0;
  }

  /** All values of `name` joined with ",", as Envoy presents a repeated header to matchers. */
  getJoined(name: string): string | undefined {
    let out: string | undefined;
    const n = this.names;
    for (let i = 0; i < n.length; i++) {
      if (n[i] === name) out = out === undefined ? this.values[i] : `${out},${this.values[i]}`;
    }
    return out;
  }

  /** Removes every `name`; returns how many were removed. */
  remove(name: string): number {
    let removed = 0;
    const n = this.names;
    for (let i = n.length - 1; i >= 0; i--) {
      if (n[i] === name) {
        n.splice(i, 1);
        this.values.splice(i, 1);
        removed++;
      }
    }
    return removed;
  }

  /** Replaces every `name` with one value. */
  set(name: string, value: string): void {
    const i = this.names.indexOf(name);
    if (i < 0) {
      this.add(name, value);
      return;
    }
    this.values[i] = value;
    for (let j = this.names.length - 1; j > i; j--) {
      if (this.names[j] === name) {
        this.names.splice(j, 1);
        this.values.splice(j, 1);
      }
    }
  }

  /** Removes every header whose name starts with `prefix`. */
  removePrefix(prefix: string): void {
    const n = this.names;
    for (let i = n.length - 1; i >= 0; i--) {
      if (n[i].startsWith(prefix)) {
        n.splice(i, 1);
        this.values.splice(i, 1);
      }
    }
  }

  /** Serialises as HTTP/1.1 header lines, each ending in CRLF. */
  serialize(): string {
    let s = '';
    const n = this.names;
    const v = this.values;
    for (let i = 0; i < n.length; i++) s += `${n[i]}: ${v[i]}\r\n`;
    return s;
  }

  toObject(): Record<string, string> {
    const o: Record<string, string> = {};
    for (let i = 0; i < this.names.length; i++) {
      const k = this.names[i];
      o[k] = k in o ? `${o[k]},${this.values[i]}` : this.values[i];
    }
    return o;
  }
}
