/** Which stream of a container a payload came from. */
export type LogStream = 'stdout' | 'stderr';

/**
 * Docker's multiplexed log format (a container without a terminal): frames of an 8-byte header
 * (stream: 1 stdout, 2 stderr; three zero bytes; the payload's length as a big-endian uint32)
 * followed by the payload. docker-modem's demuxStream reads the same format but copies the rest
 * of its buffer after every frame, which is quadratic: a 10,000-line tail (one 1 MB chunk) took
 * tens of seconds. This walks the frames by offset and keeps only an unfinished frame.
 *
 * Docker writes one frame per log entry (one line), so a 10,000-line tail is 10,000 frames: the
 * payloads of consecutive frames of the same stream in one pushed chunk are handed over joined
 * (one buffer per run instead of one call and one string per line further down). What a stream
 * carries, byte for byte and in order, is unchanged.
 */
export class LogFrameDecoder {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly onPayload: (stream: LogStream, payload: Buffer) => void) {}

  /** Feeds the next bytes of the log stream; complete frames' payloads go to `onPayload` in order. */
  push(chunk: Buffer): void {
    const data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    // The current run: its stream type and its payloads as [start, end) offset pairs into `data`.
    let runType = 0;
    const run: number[] = [];
    let at = 0;
    while (data.length - at >= 8) {
      const size = data.readUInt32BE(at + 4);
      if (data.length - at - 8 < size) break;
      const type = data[at];
      // 0 would be stdin, which a log never carries; anything else is not a frame of this format.
      if ((type === 1 || type === 2) && size > 0) {
        if (type !== runType && run.length > 0) this.emitRun(runType, data, run);
        runType = type;
        run.push(at + 8, at + 8 + size);
      }
      at += 8 + size;
    }
    if (run.length > 0) this.emitRun(runType, data, run);
    this.pending = data.subarray(at);
  }

  /** Hands over one run's payloads as one buffer (a view when it is a single payload) and empties `run`. */
  private emitRun(type: number, data: Buffer, run: number[]): void {
    let payload: Buffer;
    if (run.length === 2) {
      payload = data.subarray(run[0], run[1]);
    } else {
      let size = 0;
      for (let i = 0; i < run.length; i += 2) size += run[i + 1] - run[i];
      payload = Buffer.allocUnsafe(size);
      let to = 0;
      for (let i = 0; i < run.length; i += 2) to += data.copy(payload, to, run[i], run[i + 1]);
    }
    run.length = 0;
    this.onPayload(type === 2 ? 'stderr' : 'stdout', payload);
  }
}
