/**
 * One subscriber of the live stream: from its position, it reads the changes committed since
 * (a page at a time, woken by the projector's notices), and sends one `district` event per
 * changed district with the district's current document. A page's several changes of one
 * district come as one event, at the last of their positions (the document is the current one
 * anyway). When its position cannot be resumed (another read-model version went live, or the
 * rows after it were pruned), it sends a `reset` event: the client reloads what it shows and
 * goes on from the reset's position.
 */
import { ChangesPage, DistrictChange } from './district-changes.reader';
import { formatStreamPosition, StreamPosition } from './stream-position';

export const PAGE = 200;
/** After a failed read, try again this much later. */
const RETRY_MS = 1000;

export type ResetReason = 'read-model-switched' | 'position-pruned' | 'unknown-position';

export interface StreamDeps {
  readonly page: (
    after: number,
    province: string | undefined,
    limit: number,
  ) => Promise<ChangesPage>;
  /** The district's current document (GET /v1/districts/:pcode). */
  readonly document: (pcode: string) => Promise<unknown>;
  /** Write a chunk; resolves once the client may take more (backpressure). */
  readonly write: (chunk: string) => Promise<void>;
  readonly onError: (error: Error) => void;
}

const RESET_DETAIL: Record<ResetReason, string> = {
  'read-model-switched':
    'a rebuilt read model went live; reload the districts you show, then follow from this position',
  'position-pruned':
    'changes after the position asked for are no longer kept; reload the districts you show, then follow from this position',
  'unknown-position':
    'the position asked for is not one of this read model; reload the districts you show, then follow from this position',
};

export class DistrictStream {
  private at: StreamPosition | undefined;
  private dirty = false;
  private pumping: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly deps: StreamDeps,
    private readonly province: string | undefined,
    /** Where the client resumes from; undefined: from now on. */
    private readonly from: StreamPosition | undefined,
  ) {}

  /** The position sent last (or started from). */
  get position(): StreamPosition | undefined {
    return this.at;
  }

  /** Find the start and tell the client the stream is open (an SSE comment). */
  async open(): Promise<void> {
    const head = await this.deps.page(Number.MAX_SAFE_INTEGER, undefined, 1);
    const now = { version: head.version, position: head.newest };
    await this.deps.write('retry: 3000\n\n');
    if (!this.from) {
      this.at = now;
    } else if (this.from.version !== head.version) {
      await this.reset(now, 'read-model-switched');
    } else if (this.from.position > head.newest) {
      await this.reset(now, 'unknown-position');
    } else {
      this.at = this.from;
    }
    await this.deps.write(`: open at ${formatStreamPosition(this.at!)}\n\n`);
    this.wake();
  }

  /** Something was committed: read what is new (once the current round is done). */
  wake(): void {
    if (this.closed) return;
    this.dirty = true;
    if (!this.at) return; // not open yet: open() reads from where it starts
    this.pumping ??= this.pump().finally(() => (this.pumping = undefined));
  }

  close(): void {
    this.closed = true;
  }

  private async pump(): Promise<void> {
    try {
      while (this.dirty && !this.closed) {
        this.dirty = false;
        while (!this.closed && (await this.round())) {
          // a full page: there may be more
        }
      }
    } catch (error) {
      this.deps.onError(error as Error);
      // Read again in a while (Postgres restarting), or at the next notice if that comes first.
      setTimeout(() => this.wake(), RETRY_MS).unref();
    }
  }

  /** One page; true when it was full (read on). */
  private async round(): Promise<boolean> {
    const at = this.at!;
    const page = await this.deps.page(at.position, this.province, PAGE);
    const head = { version: page.version, position: page.newest };
    if (page.version !== at.version) {
      await this.reset(head, 'read-model-switched');
      return true;
    }
    // Rows after `at` were pruned (the newest row always stays, so `oldest` is the first kept).
    if (page.oldest > at.position + 1) {
      await this.reset(head, 'position-pruned');
      return true;
    }
    if (page.changes.length === 0) {
      // Every change up to `newest` is committed (positions are taken in commit order): none
      // of them is the province's.
      if (this.province && page.newest > at.position) this.at = head;
      return false;
    }
    const last = new Map<string, DistrictChange>();
    for (const change of page.changes) {
      last.delete(change.district);
      last.set(change.district, change);
    }
    for (const change of last.values()) {
      if (this.closed) return false;
      const position = formatStreamPosition({ version: at.version, position: change.position });
      const document = await this.deps.document(change.district);
      const data = JSON.stringify({
        position,
        district: change.district,
        province: change.province,
        document,
      });
      await this.deps.write(`event: district\nid: ${position}\ndata: ${data}\n\n`);
    }
    this.at = { version: at.version, position: page.changes[page.changes.length - 1]!.position };
    return page.changes.length === PAGE;
  }

  private async reset(to: StreamPosition, reason: ResetReason): Promise<void> {
    this.at = to;
    const position = formatStreamPosition(to);
    const data = JSON.stringify({ position, reason, detail: RESET_DETAIL[reason] });
    await this.deps.write(`event: reset\nid: ${position}\ndata: ${data}\n\n`);
  }
}
