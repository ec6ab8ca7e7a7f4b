/** Names of every Redis key Otklik writes. All keys of one shard share the `{shard}` hash tag. */
export class SlaKeys {
  constructor(private readonly prefix: string) {}

  private tag(shard: number): string {
    return `${this.prefix}:{${shard}}`;
  }

  commentPrefix(shard: number): string {
    return `${this.tag(shard)}:c:`;
  }

  comment(shard: number, commentKey: string): string {
    return `${this.commentPrefix(shard)}${commentKey}`;
  }

  due(shard: number): string {
    return `${this.tag(shard)}:due`;
  }

  lease(shard: number): string {
    return `${this.tag(shard)}:lease`;
  }

  counters(shard: number): string {
    return `${this.tag(shard)}:cnt`;
  }

  daily(shard: number): string {
    return `${this.tag(shard)}:daily`;
  }
}
