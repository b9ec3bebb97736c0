import { createHash } from 'node:crypto';
import PDFDocument from 'pdfkit';
import sharp from 'sharp';
import { analyzeContent, ContentTooLargeError, sniff, UndecodableContentError } from './content-analyzer';
import { hammingDistance } from './image-hash';
import { winnow } from './winnowing';

async function* chunks(data: Buffer, size = 1000): AsyncGenerator<Buffer> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

const PROSE =
  'It was a bright cold day in April and the clocks were striking thirteen while the harbour lights went out one by one along the quay. ' +
  'Nobody on the night ferry had expected the storm to turn north so late in the season, and the captain kept his counsel until dawn. ';

function pdf(text: string): Promise<Buffer> {
  return new Promise((resolve) => {
    const doc = new PDFDocument();
    const parts: Buffer[] = [];
    doc.on('data', (c: Buffer) => parts.push(c));
    doc.on('end', () => resolve(Buffer.concat(parts)));
    doc.text(text);
    doc.end();
  });
}

const photo = () =>
  sharp({ create: { width: 320, height: 240, channels: 3, background: '#336699' } })
    .composite([
      { input: Buffer.from('<svg width="320" height="240"><circle cx="100" cy="120" r="70" fill="#e0c020"/><rect x="180" y="30" width="110" height="160" fill="#902020"/></svg>'), top: 0, left: 0 },
    ])
    .png()
    .toBuffer();

describe('content analyzer', () => {
  it('hashes plain text with SHA-256 and winnowing fingerprints, whatever the chunking', async () => {
    const text = Buffer.from(PROSE.repeat(3));
    const result = await analyzeContent(chunks(text, 7), { maxBytes: 1e6, filename: 'story.txt' });
    expect(result).toMatchObject({ kind: 'text', mediaType: 'text/plain', sizeBytes: text.length, sha256: createHash('sha256').update(text).digest('hex') });
    expect(result.text!.fingerprints.map((f) => f.hash)).toEqual(winnow(text.toString()).fingerprints.map((f) => f.hash));
    expect((await analyzeContent(chunks(text), { maxBytes: 1e6, filename: 'story.md' })).mediaType).toBe('text/markdown');
  });

  it('reads the words of HTML, not its markup, scripts or styles', async () => {
    const html = Buffer.from(`<!DOCTYPE html><html><head><style>p { color: red }</style><script>var x = "not words";</script></head><body><p>${PROSE.replace('April', '<b>April</b>')}</p></body></html>`);
    const result = await analyzeContent(chunks(html, 50), { maxBytes: 1e6 });
    expect(result.mediaType).toBe('text/html');
    expect(result.text!.tokenCount).toBe(winnow(PROSE).tokenCount);
    expect(new Set(result.text!.fingerprints.map((f) => f.hash))).toEqual(new Set(winnow(PROSE).fingerprints.map((f) => f.hash)));
  });

  it('extracts the text of a PDF (pdf-parse in a child process)', async () => {
    const result = await analyzeContent(chunks(await pdf(PROSE)), { maxBytes: 1e6, filename: 'x.txt' });
    expect(result).toMatchObject({ kind: 'text', mediaType: 'application/pdf' });
    const expected = new Set(winnow(PROSE).fingerprints.map((f) => f.hash));
    const found = result.text!.fingerprints.filter((f) => expected.has(f.hash)).length;
    expect(found / expected.size).toBeGreaterThan(0.8);
  });

  it('gives a re-encoded, resized image nearly the same perceptual hashes', async () => {
    const png = await photo();
    const original = await analyzeContent(chunks(png, 4096), { maxBytes: 1e7, filename: 'fake.txt' });
    expect(original).toMatchObject({ kind: 'image', mediaType: 'image/png', image: { width: 320, height: 240 } });
    const jpeg = await sharp(png).resize(200).jpeg({ quality: 40 }).toBuffer();
    const copy = await analyzeContent(chunks(jpeg), { maxBytes: 1e7 });
    expect(copy.mediaType).toBe('image/jpeg');
    expect(hammingDistance(original.image!.pHash, copy.image!.pHash)).toBeLessThanOrEqual(6);
    expect(hammingDistance(original.image!.dHash, copy.image!.dHash)).toBeLessThanOrEqual(6);
    for (const format of ['webp', 'gif'] as const) {
      expect((await analyzeContent(chunks(await sharp(png).toFormat(format).toBuffer()), { maxBytes: 1e7 })).mediaType).toBe(`image/${format}`);
    }
  });

  it('sniffs the bytes, not the name: binary data is SHA-256 only', async () => {
    const zip = Buffer.concat([Buffer.from('504b0304', 'hex'), Buffer.alloc(200, 1)]);
    expect(await sniff(zip, 'story.txt')).toEqual({ mediaType: 'application/zip', kind: 'other' });
    const binary = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37) % 256));
    const result = await analyzeContent(chunks(binary), { maxBytes: 1e6, filename: 'poem.txt' });
    expect(result).toMatchObject({ kind: 'other', mediaType: 'application/octet-stream' });
    expect(result.text).toBeUndefined();
    expect((await analyzeContent(chunks(Buffer.alloc(0)), { maxBytes: 10 })).kind).toBe('other');
  });

  it('stops at the byte limit, and refuses an image that does not decode', async () => {
    await expect(analyzeContent(chunks(Buffer.from(PROSE.repeat(10))), { maxBytes: 100 })).rejects.toBeInstanceOf(ContentTooLargeError);
    const broken = Buffer.concat([(await photo()).subarray(0, 200), Buffer.alloc(5000, 7)]);
    await expect(analyzeContent(chunks(broken), { maxBytes: 1e6 })).rejects.toBeInstanceOf(UndecodableContentError);
    await expect(analyzeContent(chunks(Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(5000, 65)])), { maxBytes: 1e6 })).rejects.toBeInstanceOf(UndecodableContentError);
  });
});
