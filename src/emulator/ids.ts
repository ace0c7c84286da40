/**
 * Identifiers shaped like api.video's: a two-letter prefix and base62 characters
 * (`vi` + 22 for videos, `li` + 22 for live streams, `pl` + 22 for players, `ps` + 21 for sessions).
 *
 * A session ID carries its session's index, scrambled by a seeded permutation, so that looking up
 * any of millions of sessions needs no table: decode, regenerate, compare.
 */
import { hash32, mix32, Rng } from './random.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BASE62_INDEX = new Map([...BASE62].map((ch, i) => [ch, i]));

export function base62(rng: Rng, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += BASE62[rng.u32() % 62];
  return out;
}

/** A catalog ID (`vi…`, `li…`, `pl…`) for item `index` of a stream. */
export function catalogId(prefix: string, seed: number, stream: number, index: number): string {
  return prefix + base62(new Rng(hash32(seed, stream, index, 0x1d)), 22);
}

/** A version-4 UUID drawn from `rng` (stream keys). */
export function uuid(rng: Rng): string {
  const hex = Array.from({ length: 32 }, () => (rng.u32() & 15).toString(16));
  hex[12] = '4';
  hex[16] = ((rng.u32() & 3) | 8).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

const INDEX_CHARS = 6; // 62^6 > 2^32
const SESSION_CHARS = 21;
const ROUNDS = 4;

/** Encodes a session index into its ID and back, for one seed. */
export class SessionIds {
  private readonly keys: number[];

  constructor(
    private readonly seed: number,
    stream: number,
  ) {
    this.keys = Array.from({ length: ROUNDS }, (_, r) => hash32(seed, stream, r));
  }

  encode(index: number, tailStream: number): string {
    let code = this.permute(index);
    let head = '';
    for (let i = 0; i < INDEX_CHARS; i++) {
      head = BASE62[code % 62]! + head;
      code = Math.floor(code / 62);
    }
    const tail = base62(new Rng(hash32(this.seed, tailStream, index)), SESSION_CHARS - INDEX_CHARS);
    return `ps${head}${tail}`;
  }

  /** The index an ID claims to be, or undefined when it cannot be one of ours. */
  decode(id: string): number | undefined {
    if (id.length !== 2 + SESSION_CHARS || !id.startsWith('ps')) return undefined;
    let code = 0;
    for (let i = 2; i < 2 + INDEX_CHARS; i++) {
      const digit = BASE62_INDEX.get(id[i]!);
      if (digit === undefined) return undefined;
      code = code * 62 + digit;
    }
    if (code > 0xffffffff) return undefined;
    const index = this.unpermute(code);
    return index <= 0x7fffffff ? index : undefined;
  }

  // A balanced Feistel network over 32 bits: a bijection, so distinct indices give distinct IDs.
  private permute(value: number): number {
    let left = value >>> 16;
    let right = value & 0xffff;
    for (const key of this.keys) {
      const next = left ^ (mix32(right ^ key) & 0xffff);
      left = right;
      right = next;
    }
    return ((left << 16) | right) >>> 0;
  }

  private unpermute(value: number): number {
    let left = value >>> 16;
    let right = value & 0xffff;
    for (let r = this.keys.length - 1; r >= 0; r--) {
      const prev = right ^ (mix32(left ^ this.keys[r]!) & 0xffff);
      right = left;
      left = prev;
    }
    return ((left << 16) | right) >>> 0;
  }
}
