export class QuerySyntaxError extends Error {
  override readonly name = 'QuerySyntaxError';

  /**
   * @param column 1-based, counted in Unicode code points of the query source.
   * @param brandId set when the query belongs to a brand being compiled.
   */
  constructor(
    message: string,
    readonly column: number,
    readonly brandId?: string,
  ) {
    super(message);
  }
}

export function columnAt(source: string, index: number): number {
  return Array.from(source.slice(0, index)).length + 1;
}
