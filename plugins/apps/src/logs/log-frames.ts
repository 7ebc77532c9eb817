/**
 * Docker's multiplexed log format (a container without a terminal): frames of an 8-byte header
 * (stream: 1 stdout, 2 stderr; three zero bytes; the payload's length as a big-endian uint32)
 * followed by the payload. docker-modem's demuxStream reads the same format but copies the rest
 * of its buffer after every frame, which is quadratic: a 10,000-line tail (one 1 MB chunk) took
 * tens of seconds. This walks the frames by offset and keeps only an unfinished frame.
 */
export class LogFrameDecoder {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly onFrame: (stream: 'stdout' | 'stderr', payload: Buffer) => void) {}

  /** Feeds the next bytes of the log stream; complete frames go to `onFrame` in order. */
  push(chunk: Buffer): void {
    const data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    let at = 0;
    while (data.length - at >= 8) {
      const size = data.readUInt32BE(at + 4);
      if (data.length - at - 8 < size) break;
      const type = data[at];
      // 0 would be stdin, which a log never carries; anything else is not a frame of this format.
      if (type === 1 || type === 2) this.onFrame(type === 2 ? 'stderr' : 'stdout', data.subarray(at + 8, at + 8 + size));
      at += 8 + size;
    }
    this.pending = data.subarray(at);
  }
}
