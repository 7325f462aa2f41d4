import { SaxesParser, type SaxesTagPlain } from 'saxes';

/** What an XML walk is told about: elements opening and closing, with the text between. */
export interface XmlVisitor {
  open(tag: SaxesTagPlain, depth: number): void;
  close(name: string, text: string, depth: number): void;
}

/**
 * A strict, streaming XML reader (saxes): feed it text in pieces, it calls the visitor as
 * elements complete and keeps only the text of the element being read. Malformed or truncated
 * XML is a SyntaxError, which the engine reports as an unreadable upstream document.
 */
export class XmlReader {
  private readonly parser = new SaxesParser({ xmlns: false, position: false });
  private depth = 0;
  private text = '';
  private failure: Error | undefined;

  constructor(visitor: XmlVisitor) {
    this.parser.on('opentag', (tag) => {
      this.text = '';
      visitor.open(tag, ++this.depth);
    });
    this.parser.on('text', (text) => {
      this.text += text;
    });
    this.parser.on('closetag', (tag) => {
      visitor.close(tag.name, this.text, this.depth--);
      this.text = '';
    });
    this.parser.on('error', (err) => {
      this.failure ??= err;
    });
  }

  write(chunk: string): void {
    this.parser.write(chunk);
    this.check();
  }

  end(): void {
    this.parser.close();
    this.check();
  }

  private check(): void {
    if (this.failure) throw new SyntaxError(`invalid XML: ${this.failure.message}`);
  }
}
