/**
 * A reusable byte writer and a reader for the state codec: varints (unsigned and zigzag),
 * int32 and float64, little endian. One writer serves every encode, growing when needed,
 * so encoding an entity allocates only its final copy.
 */
export class ByteWriter {
  #buffer = Buffer.allocUnsafe(4096);
  #at = 0;

  reset(): void {
    this.#at = 0;
  }

  /** A copy of what was written since the last reset. */
  take(): Buffer {
    return Buffer.from(this.#buffer.subarray(0, this.#at));
  }

  byte(value: number): void {
    this.#room(1);
    this.#buffer[this.#at++] = value;
  }

  /** An unsigned integer up to 2^53, 7 bits per byte. */
  uvarint(value: number): void {
    this.#room(8);
    let rest = value;
    while (rest >= 0x80) {
      this.#buffer[this.#at++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    this.#buffer[this.#at++] = rest;
  }

  /** A signed integer (zigzag: small magnitudes take few bytes either side of zero). */
  varint(value: number): void {
    this.uvarint(value < 0 ? -value * 2 - 1 : value * 2);
  }

  int32(value: number): void {
    this.#room(4);
    this.#buffer.writeInt32LE(value, this.#at);
    this.#at += 4;
  }

  float64(value: number): void {
    this.#room(8);
    this.#buffer.writeDoubleLE(value, this.#at);
    this.#at += 8;
  }

  #room(bytes: number): void {
    if (this.#at + bytes <= this.#buffer.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.#buffer.length * 2, this.#at + bytes));
    this.#buffer.copy(next, 0, 0, this.#at);
    this.#buffer = next;
  }
}

export class ByteReader {
  readonly #buffer: Buffer;
  #at = 0;

  constructor(buffer: Buffer) {
    this.#buffer = buffer;
  }

  get done(): boolean {
    return this.#at >= this.#buffer.length;
  }

  byte(): number {
    if (this.#at >= this.#buffer.length) throw new RangeError('state record ends early');
    return this.#buffer[this.#at++] as number;
  }

  uvarint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const byte = this.byte();
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 0x80;
      if (scale > 2 ** 56) throw new RangeError('state record holds a varint too long');
    }
  }

  varint(): number {
    const zigzag = this.uvarint();
    return zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2;
  }

  int32(): number {
    const value = this.#buffer.readInt32LE(this.#at);
    this.#at += 4;
    return value;
  }

  float64(): number {
    const value = this.#buffer.readDoubleLE(this.#at);
    this.#at += 8;
    return value;
  }
}
