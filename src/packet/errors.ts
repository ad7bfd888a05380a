// The one error type of the packet layer: every parser bounds-checks and throws only this.

export class PacketError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at byte ${offset}`);
    this.name = 'PacketError';
  }
}
