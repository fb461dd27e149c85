/**
 * The part of cheerio's API the knowledge pipeline uses (HTML → text). The installed cheerio ships no types
 * of its own; declaring only what is called keeps a change of its API a compile error here.
 */
declare module 'cheerio' {
  export interface CheerioNode {
    type: string;
    name?: string;
    data?: string;
    children?: CheerioNode[];
  }
  export interface CheerioSelection {
    length: number;
    first(): CheerioSelection;
    text(): string;
    remove(): CheerioSelection;
    get(): CheerioNode[];
  }
  export interface CheerioRoot {
    (selector: string): CheerioSelection;
    root(): CheerioSelection;
  }
  const cheerio: { load(html: string, options?: { decodeEntities?: boolean }): CheerioRoot };
  export default cheerio;
}
