export declare const INBOX_FILES: readonly string[];
export declare function buildInboxAssets(): Promise<Array<{ name: string; contents: Uint8Array }>>;
