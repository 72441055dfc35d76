import { describe, expect, it } from 'vitest';
import { loadInboxAssets } from '../src/index.js';

describe('loadInboxAssets from sources', () => {
  it('builds the page, its script (Chart.js included) and its styles, each with a type and an ETag', async () => {
    const assets = await loadInboxAssets();
    expect([...assets.keys()].sort()).toEqual(['app.css', 'app.js', 'index.html']);
    const page = assets.get('index.html')!;
    expect(page.contentType).toBe('text/html; charset=utf-8');
    // The page loads only its own two files: no inline script for the CSP to refuse.
    expect(page.contents.toString()).toContain('<script type="module" src="/assets/app.js"></script>');
    expect(page.contents.toString().match(/<script/g)).toHaveLength(1);
    const script = assets.get('app.js')!;
    expect(script.contentType).toBe('text/javascript; charset=utf-8');
    expect(script.contents.toString()).toContain('Chart.js');
    expect(script.etag).toMatch(/^"[\w-]{27}"$/);
    expect(script.etag).not.toBe(page.etag);
  });
});
