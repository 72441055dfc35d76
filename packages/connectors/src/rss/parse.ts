import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** One entry of an Atom, RSS 2.0 or RSS 1.0 (RDF) feed, as text fields before normalisation. */
export interface FeedEntry {
  id?: string;
  title?: string;
  link?: string;
  /** HTML or text: content, summary, description. */
  content?: string;
  published?: string;
  author?: string;
}

export interface ParsedFeed {
  lang?: string;
  entries: unknown[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  // Values stay strings: a guid of digits must not turn into a number.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: true,
  isArray: (name) => ['entry', 'item', 'link', 'author', 'category'].includes(name),
});

/** Whether the body is well-formed XML; a truncated download is not. Returns the problem or null. */
export function xmlProblem(body: string): string | null {
  const result = XMLValidator.validate(body);
  return result === true ? null : `${result.err.msg} (line ${result.err.line})`;
}

/** The feed's entries, whatever its flavour; null when the document is not a feed. */
export function parseFeed(body: string): ParsedFeed | null {
  const document = parser.parse(body) as Record<string, unknown>;
  const atom = record(document.feed);
  if (atom) return { lang: text(atom['@_xml:lang']), entries: list(atom.entry) };
  const rss = record(document.rss);
  const channel = record(rss?.channel);
  if (channel) return { lang: text(channel.language) ?? text(rss?.['@_xml:lang']), entries: list(channel.item) };
  const rdf = record(document['rdf:RDF']);
  if (rdf) return { lang: text(record(rdf.channel)?.['dc:language']), entries: list(rdf.item) };
  return null;
}

/** The text fields of one entry; an entry that is not even an element gives null. */
export function readEntry(raw: unknown): FeedEntry | null {
  const entry = record(raw);
  if (!entry) return null;
  return {
    id: text(entry.id) ?? text(entry.guid) ?? text(entry['@_rdf:about']),
    title: text(entry.title),
    link: atomLink(entry.link),
    content: text(entry.content) ?? text(entry['content:encoded']) ?? text(entry.summary) ?? text(entry.description),
    published: text(entry.published) ?? text(entry.pubDate) ?? text(entry['dc:date']) ?? text(entry.updated),
    author: authorName(entry.author) ?? text(entry['dc:creator']),
  };
}

/** Atom links are elements with `href` (prefer rel="alternate"); RSS links are text. */
function atomLink(value: unknown): string | undefined {
  const links = list(value);
  const hrefs = links.map((link) => {
    const element = record(link);
    return element ? { href: text(element['@_href']) ?? text(element), rel: text(element['@_rel']) ?? 'alternate' } : { href: text(link), rel: 'alternate' };
  });
  return (hrefs.find((link) => link.rel === 'alternate' && link.href) ?? hrefs.find((link) => link.href))?.href;
}

function authorName(value: unknown): string | undefined {
  for (const author of list(value)) {
    const name = record(author) ? text(record(author)?.name) : text(author);
    if (name) return name;
  }
  return undefined;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function list(value: unknown): unknown[] {
  if (value === undefined || value === null || value === '') return [];
  return Array.isArray(value) ? value : [value];
}

/** An element's text, whether parsed as a string or as `{#text, @_type…}`. */
function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  if (typeof value === 'number') return String(value);
  const element = record(value);
  return element ? text(element['#text']) : undefined;
}
